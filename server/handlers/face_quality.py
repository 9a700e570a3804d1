"""detect_policy.face_quality of handlers (v6 §2.3.1): the checks of each detection against the handler's
thresholds, `{status, checks: [{name, object_value, threshold_value, result}]}`.

The values are /6/iso's (inference/estimations/iso.py iso_values: quality, head pose, gaze, mouth, glasses, eyes,
head geometry, eyebrows, headwear, natural light, radial distortion, red eyes, face colour) plus the image and face
geometry checks of handlers: image_width/height and aspect_ratio (of the full image), face_width/height and
indent_left/right/upper/lower (the detection rect, pixels), image_size (bytes of the input image). There is no
estimator for illumination_uniformity and dynamic_range: their object_value is null and their result 0 (give them
`estimate: 0` to leave them out). Only checks with `estimate: 1` are reported; status is 1 when every reported check
passes.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

from inference.analysis import FaceAnalysis
from inference.estimations.iso import IsoImage, Value, iso_values
from lumen.v6 import iso_pb2
from server.handlers.policies import FaceQualityPolicy, QualityCheck, RangeThreshold


def check_values(
    face: FaceAnalysis, pixels: Any, image_format: str, size: tuple[int, int], data_bytes: int
) -> dict[str, Value]:
    """object_value of every check for one face (None where it cannot be estimated). `pixels` must be the
    full-size image the face's coordinates refer to."""
    values = iso_values(
        face.iso_face(),
        IsoImage(pixels=pixels, format=image_format),
    )
    width, height = size
    x, y, w, h = face.box
    values.update(
        image_width=width,
        image_height=height,
        aspect_ratio=round(width / height, 2) if height else None,
        face_width=int(round(w)),
        face_height=int(round(h)),
        indent_left=int(round(x)),
        indent_right=int(round(width - x - w)),
        indent_upper=int(round(y)),
        indent_lower=int(round(height - y - h)),
        image_size=data_bytes,
        illumination_uniformity=None,
        dynamic_range=None,
    )
    return values


def _value(value: Value) -> struct_pb2.Value:
    if value is None:
        return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value)
    return struct_pb2.Value(number_value=float(value))


def _threshold(check: QualityCheck) -> struct_pb2.Value:
    threshold = check.threshold
    result = struct_pb2.Value()
    if isinstance(threshold, RangeThreshold):
        result.struct_value.update({"min": threshold.min, "max": threshold.max})
    elif isinstance(threshold, tuple):
        result.list_value.extend(list(threshold))
    else:
        result.number_value = float(threshold)
    return result


def face_quality_result(policy: FaceQualityPolicy, values: dict[str, Value]) -> iso_pb2.IsoResult:
    result = iso_pb2.IsoResult(status=1)
    for check in policy.checks:
        if not check.estimate:
            continue
        value = values.get(check.name)
        passed = value is not None and check.passes(value)
        result.checks.add(
            name=check.name, object_value=_value(value), threshold_value=_threshold(check), result=int(passed)
        )
        if not passed:
            result.status = 0
    return result
