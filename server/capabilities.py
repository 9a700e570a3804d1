"""What this Lumen installation can produce, in one place for GET /6/config, /6/sdk and /6/matcher/bodies.

v6 defaults some switches to estimations Lumen has no model for (estimate_body_descriptor=1 on /6/sdk);
instead of leaving them out silently, the answers say null and /6/config lists them as unavailable
(docs/deviations.md).
"""

from __future__ import annotations

from server.storage.descriptors import FORMATS, current_version

#: Lumen has no body descriptor (re-identification) model.
BODY_DESCRIPTOR_AVAILABLE = False
NO_BODY_MODEL = "this Lumen installation has no body descriptor model"


def descriptor_versions() -> list[int]:
    """The face descriptor versions Lumen produces and matches."""
    return sorted(FORMATS)


def capabilities() -> dict[str, object]:
    """The `capabilities` object of GET /6/config."""
    return {
        "face_descriptor": {
            "available": True,
            "versions": descriptor_versions(),
            "default_version": current_version(),
        },
        "body_descriptor": {"available": BODY_DESCRIPTOR_AVAILABLE, "versions": [], "reason": NO_BODY_MODEL},
        "body_matching": {"available": BODY_DESCRIPTOR_AVAILABLE, "reason": NO_BODY_MODEL},
    }
