"""MTCNN speed-ups keep the reference behaviour: pyramid ladder, NMS, packed P-Net levels, large faces."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np
import pytest

from inference.image import decode_image
from inference.mtcnn import (
    MtcnnDetector,
    MtcnnOptions,
    effective_min_face_size,
    nms,
    pack,
    pnet_output_size,
    pyramid_scales,
)
from inference.transport import LocalTransport
from tests import photos

REFERENCE = MtcnnOptions(min_face_size=20, max_image_size=None, pack_pixels=0)


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    with LocalTransport() as local:
        yield local


def reference_scales(height: int, width: int, min_face: float = 20.0, factor: float = 0.709) -> list[float]:
    """The reference pyramid (ipazc/mtcnn): scales from 12 / min_face down to the last level >= 12 px."""
    first = 12 / min_face
    side = min(height, width) * first
    scales, step = [], 1.0
    while side >= 12:
        scales.append(first * step)
        step *= factor
        side *= factor
    return scales


def reference_nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, min_overlap: bool) -> list[int]:
    """The reference greedy loop."""
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores, kind="stable")
    keep = []
    while order.size:
        best, rest = order[-1], order[:-1]
        keep.append(int(best))
        width = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]) + 1)
        height = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]) + 1)
        inter = width * height
        overlap = inter / (np.minimum(area[best], area[rest]) if min_overlap else area[best] + area[rest] - inter)
        order = rest[overlap <= threshold]
    return keep


@pytest.mark.parametrize("shape", [(375, 500), (1434, 2333), (100, 200), (4000, 6000)])
def test_pyramid_is_the_reference_ladder_without_its_top(shape: tuple[int, int]) -> None:
    height, width = shape
    reference = reference_scales(height, width)
    assert pyramid_scales(height, width, REFERENCE) == reference
    default = MtcnnOptions(max_image_size=None)
    scales = pyramid_scales(height, width, default)
    assert scales == reference[len(reference) - len(scales) :]  # the same floats, top levels dropped
    assert effective_min_face_size(height, width, default) == pytest.approx(20 / 0.709**2)  # 40 -> 39.8
    assert 12 / scales[0] <= 40


def test_min_face_size_rounds_down_and_the_cap_grows_it() -> None:
    for requested, effective in ((20, 20.0), (28, 20.0), (28.3, 28.21), (40, 39.79), (56, 39.79), (56.2, 56.12)):
        options = MtcnnOptions(min_face_size=requested, max_image_size=None)
        assert effective_min_face_size(500, 500, options) == pytest.approx(effective, abs=0.01)
    # Smaller than the reference 20 px: levels above scale 0.6 (enlarging).
    scales = pyramid_scales(100, 200, MtcnnOptions(min_face_size=14.2, max_image_size=None))
    assert scales[0] == pytest.approx(0.6 / 0.709) and scales[1] == 0.6
    # A 4x larger image than max_image_size: the minimum face grows 4x (then rounds down to the ladder).
    capped = MtcnnOptions(min_face_size=40, max_image_size=1000)
    assert effective_min_face_size(3000, 4000, capped) == pytest.approx(20 / 0.709**6)  # 157 <= 160
    assert effective_min_face_size(600, 1000, capped) == pytest.approx(39.79, abs=0.01)


@pytest.mark.parametrize(("count", "min_overlap"), [(60, False), (60, True), (2100, False)])
def test_nms_matches_the_reference_loop(count: int, min_overlap: bool) -> None:
    rng = np.random.default_rng(count)
    corner = rng.integers(0, 400, (count, 2)).astype(np.float64)
    size = rng.integers(8, 80, (count, 1)).astype(np.float64)
    boxes = np.hstack([corner, corner + size])
    scores = rng.choice(np.linspace(0.5, 1.0, 20), count)  # ties on purpose
    for threshold in (0.3, 0.5, 0.7):
        assert nms(boxes, scores, threshold, min_overlap).tolist() == reference_nms(
            boxes, scores, threshold, min_overlap
        )


def test_pack_places_levels_apart_on_even_offsets() -> None:
    shapes: list[tuple[int, ...]] = [(113, 150), (80, 106), (57, 75), (40, 53), (29, 38), (20, 27), (14, 19)]
    offsets, width, height = pack(shapes)
    boxes = [(x, y, x + w, y + h) for (x, y), (h, w) in zip(offsets, shapes, strict=True)]
    for x, y, x1, y1 in boxes:
        assert x % 2 == 0 and y % 2 == 0 and x1 <= width and y1 <= height
    for a, b in itertools.combinations(boxes, 2):
        assert a[2] + 2 <= b[0] or b[2] + 2 <= a[0] or a[3] + 2 <= b[1] or b[3] + 2 <= a[1]
    assert width * height < 2 * sum(h * w for h, w in shapes)


def test_packed_levels_give_the_single_level_outputs(transport: LocalTransport) -> None:
    """Every output cell of a packed level equals the level's own P-Net output, except the last row/column
    when that side is odd (its stride-2 pooling meets the gap instead of the border)."""
    rng = np.random.default_rng(7)
    levels = [
        rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        for h, w in ((64, 90), (45, 63), (32, 45), (23, 32), (16, 22), (12, 16))
    ]
    detector = MtcnnDetector(transport)
    single = detector._pnet(levels, pack_pixels=0)
    packed = detector._pnet(levels, pack_pixels=10**9)
    for level, (prob, offsets), (packed_prob, packed_offsets) in zip(levels, single, packed, strict=True):
        h, w = level.shape[:2]
        assert prob.shape == packed_prob.shape == (pnet_output_size(h), pnet_output_size(w))
        rows = prob.shape[0] - (h % 2)
        cols = prob.shape[1] - (w % 2)
        np.testing.assert_allclose(packed_prob[:rows, :cols], prob[:rows, :cols], atol=1e-5)
        np.testing.assert_allclose(packed_offsets[:rows, :cols], offsets[:rows, :cols], atol=1e-5)


def test_large_faces_come_out_as_with_the_reference_pyramid(transport: LocalTransport) -> None:
    """Faces found at levels both pyramids have are the reference's detections exactly."""
    reference = MtcnnDetector(transport, REFERENCE)
    default = MtcnnDetector(transport)
    for name in ("obama.jpg", "obama3.jpg", "biden.jpg"):
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        expected, got = reference.detect(image), default.detect(image)
        assert len(expected) == len(got) == 1
        assert got[0].box == expected[0].box and got[0].score == expected[0].score
        np.testing.assert_array_equal(got[0].landmarks, expected[0].landmarks)


def test_no_levels_for_images_below_the_minimum(transport: LocalTransport) -> None:
    detector = MtcnnDetector(transport)
    assert pyramid_scales(20, 30, detector.options) == []  # 20 px: a 40 px face cannot fit
    assert detector.detect(np.zeros((20, 30, 3), np.uint8)) == []
    assert math.isclose(12 / pyramid_scales(40, 40, detector.options)[0], 20 / 0.709**2)
