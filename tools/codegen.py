"""Regenerate everything derived from proto/: Python modules and the Envoy descriptor set.

    python tools/codegen.py          # write lumen/ (Python) and gateway/lumen.pb
    python tools/codegen.py --check  # exit 1 when the committed output is stale

Inputs: proto/lumen/**.proto, the google/api protos shipped in the googleapis-common-protos
wheel (copied to third_party/googleapis for buf and protoc) and the well-known types shipped in
grpcio-tools. Nothing is fetched from a remote registry.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import google.api
import grpc_tools
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
THIRD_PARTY = ROOT / "third_party" / "googleapis"
GOOGLE_API_PROTOS = ("annotations.proto", "http.proto", "httpbody.proto")
PYTHON_OUT = "lumen"
DESCRIPTOR_OUT = Path("gateway") / "lumen.pb"


def copy_googleapis() -> Path:
    """Copy the google/api protos from the installed wheel into third_party/googleapis."""
    source = Path(next(iter(google.api.__path__)))
    target = THIRD_PARTY / "google" / "api"
    target.mkdir(parents=True, exist_ok=True)
    for name in GOOGLE_API_PROTOS:
        shutil.copyfile(source / name, target / name)
    return THIRD_PARTY


def proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))


def generate(out_dir: Path) -> None:
    """Run protoc into out_dir (which mirrors the repository root)."""
    googleapis = copy_googleapis()
    wkt = Path(next(iter(grpc_tools.__path__))) / "_proto"
    files = proto_files()
    (out_dir / DESCRIPTOR_OUT).parent.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{googleapis}",
        f"-I{wkt}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        "--include_imports",
        "--include_source_info",
        f"--descriptor_set_out={out_dir / DESCRIPTOR_OUT}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    package_dirs = {(out_dir / f).parent for f in files}
    for directory in package_dirs:
        while directory != out_dir:
            (directory / "__init__.py").touch()
            directory = directory.parent


def generated_files(root: Path) -> set[str]:
    found = {str(p.relative_to(root)) for p in (root / PYTHON_OUT).rglob("*") if p.is_file()}
    found = {f for f in found if "__pycache__" not in f}
    if (root / DESCRIPTOR_OUT).exists():
        found.add(str(DESCRIPTOR_OUT))
    return found


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        expected = generated_files(fresh)
        actual = generated_files(ROOT)
        stale = sorted(expected ^ actual)
        stale += sorted(f for f in expected & actual if not filecmp.cmp(fresh / f, ROOT / f, shallow=False))
    if stale:
        sys.stderr.write("generated code is stale; run python tools/codegen.py:\n")
        sys.stderr.write("".join(f"  {f}\n" for f in stale))
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only verify the committed output")
    options = parser.parse_args()
    if options.check:
        return check()
    shutil.rmtree(ROOT / PYTHON_OUT, ignore_errors=True)
    generate(ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
