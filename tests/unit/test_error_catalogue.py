"""The LUNA error catalogue (server/errors.py) is the one place of LUNA codes, and it is consistent."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from server import errors

ROOT = Path(__file__).resolve().parents[2]


def test_each_code_has_one_desc() -> None:
    """A code may appear in several specs (other details), but always with the same desc."""
    descs: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, spec in errors.catalogue().items():
        descs[spec.code][spec.desc].append(name)
    clashes = {code: dict(by_desc) for code, by_desc in descs.items() if len(by_desc) > 1}
    assert clashes == {}


def test_the_same_code_and_desc_twice_is_a_deliberate_alias() -> None:
    """Specs sharing a code and desc differ in detail or HTTP status, or are documented aliases."""
    aliases = {("IMAGE_NOT_FOUND", "SAMPLE_NOT_FOUND")}  # v6 answers 13003 for images and samples alike
    seen: dict[tuple[int, str, str, int], str] = {}
    for name, spec in errors.catalogue().items():
        key = (spec.code, spec.desc, spec.detail, spec.http_status)
        if key in seen:
            assert (seen[key], name) in aliases, f"{name} repeats {seen[key]}"
        seen[key] = name


def test_the_catalogue_knows_the_clashes_this_test_was_written_for() -> None:
    assert errors.STORAGE_FULL.code != errors.UNAUTHORIZED.code
    assert errors.catalogue()["UNAUTHORIZED"] is errors.UNAUTHORIZED
    assert len(errors.catalogue()) > 30


def test_error_specs_are_defined_only_in_server_errors() -> None:
    defined_elsewhere = [
        str(path.relative_to(ROOT))
        for top in ("server", "inference", "gateway")
        for path in (ROOT / top).rglob("*.py")
        if path != ROOT / "server" / "errors.py" and re.search(r"\bErrorSpec\(", path.read_text())
    ]
    assert defined_elsewhere == []
