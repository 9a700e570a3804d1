"""Test photos fetched from package registries (never from the web) into a cache directory.

- `face_recognition` 1.3.0 sdist (PyPI, MIT): tests/test_images/ (obama.jpg, obama2.jpg, obama3.jpg,
  biden.jpg, obama_partial_face*.jpg, 32bit.png).
- Debian `libdlib19.1` (dlib's example programs are public domain / Boost): examples/faces/ (PASCAL VOC
  photos with labelled boxes in training.xml/testing.xml) and examples/johns/ (5 people x 11 dlib face
  chips 150x150).

Cache: $LUMEN_PHOTOS_CACHE or ~/.cache/lumen-photos. Downloads use pip and apt-get; a failed pip download
raises (the tests need those photos), a missing Debian package makes `dlib_examples()` return None.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FACE_RECOGNITION = ("face_recognition", "1.3.0")
FACE_RECOGNITION_IMAGES = (
    "obama.jpg",
    "obama2.jpg",
    "obama3.jpg",
    "biden.jpg",
    "obama_partial_face.jpg",
    "obama_partial_face2.jpg",
    "32bit.png",
)
DLIB_DEB = "libdlib19.1"
DLIB_EXAMPLES = "usr/share/doc/libdlib19.1/examples"


def cache_dir() -> Path:
    path = Path(os.environ.get("LUMEN_PHOTOS_CACHE", Path.home() / ".cache" / "lumen-photos"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _locked(name: str) -> Iterator[Path]:
    root = cache_dir()
    with (root / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def face_recognition_images() -> Path:
    """Directory with the face_recognition 1.3.0 test images (downloaded and extracted once)."""
    name, version = FACE_RECOGNITION
    with _locked("face_recognition") as root:
        target = root / f"{name}-{version}"
        if all((target / image).is_file() for image in FACE_RECOGNITION_IMAGES):
            return target
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "--dest",
                    tmp,
                    f"{name}=={version}",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            archives = list(Path(tmp).glob("*.tar.gz"))
            if result.returncode != 0 or len(archives) != 1:
                raise FileNotFoundError(f"pip download {name}=={version} failed: {result.stderr[-2000:]}")
            staging = Path(tmp) / "images"
            staging.mkdir()
            with tarfile.open(archives[0]) as tar:
                for member in tar.getmembers():
                    parts = Path(member.name).parts
                    if member.isfile() and len(parts) == 4 and parts[1:3] == ("tests", "test_images"):
                        source = tar.extractfile(member)
                        assert source is not None
                        (staging / parts[3]).write_bytes(source.read())
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        return target


def face_recognition_image(file_name: str) -> Path:
    path = face_recognition_images() / file_name
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def dlib_examples() -> Path | None:
    """The dlib examples directory (faces/, johns/) from Debian's libdlib19.1, or None if apt cannot get it."""
    with _locked("dlib") as root:
        target = root / "dlib-examples"
        if (target / "johns").is_dir() and (target / "faces" / "testing.xml").is_file():
            return target
        if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
            return None
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            deb = _apt_download(DLIB_DEB, Path(tmp))
            if deb is None:
                return None
            unpacked = Path(tmp) / "unpacked"
            subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
            examples = unpacked / DLIB_EXAMPLES
            staging = Path(tmp) / "examples"
            staging.mkdir()
            for sub in ("faces", "johns"):
                if not (examples / sub).is_dir():
                    return None
                shutil.copytree(examples / sub, staging / sub)
            shutil.copy(examples / "LICENSE_FOR_EXAMPLE_PROGRAMS.txt", staging)
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        return target


def _apt_download(package: str, dest: Path) -> Path | None:
    def attempt() -> Path | None:
        result = subprocess.run(
            ["apt-get", "download", package],
            cwd=dest,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        debs = list(dest.glob(f"{package}_*.deb"))
        return debs[0] if result.returncode == 0 and debs else None

    found = attempt()
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Fresh machines may have no package lists yet.
        subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        found = attempt()
    return found


def johns_chips() -> dict[str, list[Path]] | None:
    """dlib's johns/: person name -> sorted chip paths, or None when the examples are unavailable."""
    examples = dlib_examples()
    if examples is None:
        return None
    return {
        person.name: sorted(person.glob("*.jpg"))
        for person in sorted((examples / "johns").iterdir())
        if person.is_dir()
    }


#: Single photos inside wheels on PyPI: name -> (package, version, member). Both show one person.
WHEEL_PHOTOS = {
    "astronaut.png": ("scikit-image", "0.26.0", "skimage/data/astronaut.png"),
    "grace_hopper.jpg": ("matplotlib", "3.11.2", "matplotlib/mpl-data/sample_data/grace_hopper.jpg"),
}


def wheel_photo(file_name: str) -> Path:
    """scikit-image's astronaut.png or matplotlib's grace_hopper.jpg, from their wheels (pip download, cached)."""
    import zipfile

    package, version, member = WHEEL_PHOTOS[file_name]
    with _locked("wheel_photos") as root:
        target = root / "wheel-photos" / file_name
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "--python-version",
                    "3.11",
                    "--platform",
                    "manylinux2014_x86_64",
                    "--platform",
                    "manylinux_2_28_x86_64",
                    "--dest",
                    tmp,
                    f"{package}=={version}",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            wheels = list(Path(tmp).glob("*.whl"))
            if result.returncode != 0 or len(wheels) != 1:
                raise FileNotFoundError(f"pip download {package}=={version} failed: {result.stderr[-2000:]}")
            with zipfile.ZipFile(wheels[0]) as archive:
                staging = Path(tmp) / file_name
                staging.write_bytes(archive.read(member))
            staging.rename(target)
        return target
