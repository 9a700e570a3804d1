"""Helpers shared by the verify_*.py scripts: the test photos they run on and the JSON report they print/write.

Imports nothing beyond the standard library at module level (verify_facemesh.py runs in a venv of its own).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def portraits_and_faces() -> list[Path]:
    """face_recognition 1.3.0's obama x3 and biden, then Debian libdlib19.1's examples/faces/*.jpg when present
    (tests/photos.py; needs the repository root on sys.path)."""
    from tests.photos import dlib_examples, face_recognition_image

    paths = [face_recognition_image(name) for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")]
    examples = dlib_examples()
    if examples is not None:
        paths += sorted((examples / "faces").glob("*.jpg"))
    return paths


def print_report(report: dict[str, Any], path: Path | None) -> None:
    """Print the report as indented JSON and, with a path, also write it there."""
    text = json.dumps(report, indent=2)
    print(text)
    if path is not None:
        path.write_text(text + "\n")
