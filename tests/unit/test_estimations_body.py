"""Body detection, body warps and face-body pairing (inference/estimations/body.py): the pure functions on
synthetic inputs, and the CenterNet model (`centernet_body`) through LocalTransport on registry-fetched photos
(tests/photos.py) whose people are known: one person in astronaut.png, grace_hopper.jpg and the four portraits,
none in dlib's dogs.jpg, several in its group photos."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from inference.analysis import FaceAnalyser
from inference.estimations.body import (
    BODY_WARP_HEIGHT,
    BODY_WARP_WIDTH,
    GRID,
    INPUT_SIZE,
    STRIDE,
    BodyDetection,
    BodyDetector,
    body_warp,
    decode,
    iou,
    letterbox,
    nms,
    pair_faces_with_bodies,
    peaks,
    warp_region,
)
from inference.image import decode_image
from inference.transport import LocalTransport
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


def outputs(centres: list[tuple[int, int, float, tuple[float, float, float, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """A heatmap and wh with one peak per (row, col, score, (left, top, right, bottom))."""
    heat = np.zeros((GRID, GRID), np.float32)
    wh = np.zeros((GRID, GRID, 4), np.float32)
    for row, col, score, distances in centres:
        heat[row, col] = score
        wh[row, col] = distances
    return heat, wh


def test_letterbox_keeps_the_aspect_ratio_top_left() -> None:
    image = np.full((300, 600, 3), 200, np.uint8)
    square, scale = letterbox(image)
    assert square.shape == (INPUT_SIZE, INPUT_SIZE, 3) and square.dtype == np.uint8
    assert scale == pytest.approx(INPUT_SIZE / 600)
    assert (square[:256] == 200).all()
    assert (square[256:] == 0).all()


def test_peaks_are_local_maxima() -> None:
    heat = np.zeros((GRID, GRID), np.float32)
    heat[10, 10], heat[10, 11], heat[50, 60] = 0.9, 0.5, 0.4
    found = peaks(heat)
    assert found[10, 10] and found[50, 60] and not found[10, 11]


def test_decode_maps_boxes_to_photo_pixels_and_clips() -> None:
    # Photo 1024x512 -> scale 0.5; a peak at cell (row 32, col 40) is input pixel (160, 128).
    heat, wh = outputs([(32, 40, 0.8, (20.0, 40.0, 30.0, 60.0)), (10, 2, 0.6, (50.0, 10.0, 10.0, 10.0))])
    bodies = decode(heat, wh, 0.5, (1024, 512))
    assert [round(b.score, 3) for b in bodies] == [0.8, 0.6]
    first, second = bodies
    assert first.box == pytest.approx(((160 - 20) * 2, (128 - 40) * 2, 50 * 2, 100 * 2))
    assert second.x == 0.0 and second.width == pytest.approx((8 + 10) * 2)  # clipped at the left edge
    assert all(isinstance(b, BodyDetection) for b in bodies)


def test_decode_threshold_and_nms() -> None:
    heat, wh = outputs(
        [
            (40, 40, 0.9, (40.0, 80.0, 40.0, 80.0)),
            (40, 43, 0.5, (40.0, 80.0, 40.0, 80.0)),  # nearly the same box: suppressed
            (90, 90, 0.25, (10.0, 10.0, 10.0, 10.0)),  # below the default threshold
        ]
    )
    bodies = decode(heat, wh, 1.0, (INPUT_SIZE, INPUT_SIZE))
    assert len(bodies) == 1 and bodies[0].score == pytest.approx(0.9)
    assert len(decode(heat, wh, 1.0, (INPUT_SIZE, INPUT_SIZE), score_threshold=0.2)) == 2
    assert len(decode(heat, wh, 1.0, (INPUT_SIZE, INPUT_SIZE), nms_iou=0.99)) == 2
    assert decode(np.zeros((GRID, GRID), np.float32), wh, 1.0, (INPUT_SIZE, INPUT_SIZE)) == []
    with pytest.raises(ValueError):
        decode(heat[:10], wh, 1.0, (INPUT_SIZE, INPUT_SIZE))
    assert STRIDE * GRID == INPUT_SIZE


def test_iou_and_nms() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == pytest.approx(1.0)
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert nms([(0, 0, 10, 10), (1, 0, 10, 10), (30, 30, 5, 5)], [0.5, 0.9, 0.1]) == [1, 2]


def test_warp_region_is_one_to_two_around_the_centre() -> None:
    assert warp_region((100, 100, 50, 200)) == pytest.approx((75, 100, 100, 200))  # narrow: widened
    assert warp_region((100, 100, 100, 100)) == pytest.approx((100, 50, 100, 200))  # square: heightened
    assert warp_region((0, 0, 64, 128)) == pytest.approx((0, 0, 64, 128))


def test_body_warp_geometry_and_black_outside() -> None:
    image = np.zeros((400, 300, 3), np.uint8)
    image[:, :150] = (255, 0, 0)  # left half red, right half blue
    image[:, 150:] = (0, 0, 255)
    warp = body_warp(image, (100.0, 100.0, 100.0, 200.0))
    assert warp.shape == (BODY_WARP_HEIGHT, BODY_WARP_WIDTH, 3) and warp.dtype == np.uint8
    # The box is already 1:2: its left half is red, its right half blue.
    assert (warp[:, :60, 0] > 200).all() and (warp[:, 68:, 2] > 200).all()
    # A square box at the top edge: the warp reaches above the photo, which is black.
    top = body_warp(image, BodyDetection(0.0, 0.0, 100.0, 100.0, 0.9))
    assert (top[:40] == 0).all() and (top[100:150, :, 0] > 200).all()


def test_pairing_upper_half_greedy_by_score() -> None:
    bodies = [
        BodyDetection(0, 0, 100, 300, 0.5),
        BodyDetection(200, 0, 100, 300, 0.9),
        BodyDetection(400, 0, 100, 300, 0.7),
    ]
    faces = [
        (230.0, 20.0, 40.0, 40.0),  # head of body 1
        (20.0, 200.0, 40.0, 40.0),  # in body 0 but in its lower half: no pair
        (420.0, 30.0, 40.0, 40.0),  # head of body 2
        (600.0, 30.0, 40.0, 40.0),  # outside every body
    ]
    assert pair_faces_with_bodies(faces, bodies) == {0: 1, 2: 2}
    # Two candidate faces in one body: the one nearer the body's vertical axis wins.
    assert pair_faces_with_bodies([(205.0, 10.0, 20.0, 20.0), (240.0, 10.0, 20.0, 20.0)], bodies[1:2]) == {1: 0}
    # A close-up: the face is a third of the body's height or more, its centre may lie lower.
    assert pair_faces_with_bodies([(220.0, 120.0, 60.0, 100.0)], bodies[1:2]) == {0: 0}
    assert pair_faces_with_bodies([(220.0, 150.0, 60.0, 60.0)], bodies[1:2]) == {}
    # A face wider than the body is not its head.
    assert pair_faces_with_bodies([(190.0, 0.0, 120.0, 120.0)], bodies[1:2]) == {}
    assert pair_faces_with_bodies([], bodies) == {}


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    local = LocalTransport()
    yield local
    local.close()


@pytest.mark.parametrize("name", ["astronaut.png", "grace_hopper.jpg"])
def test_one_person_photos(transport: LocalTransport, name: str) -> None:
    image = decode_image(photos.wheel_photo(name).read_bytes())
    (body,) = BodyDetector(transport).detect(image)
    (face,) = FaceAnalyser(transport).detect(image)
    fx, fy, fw, fh = face.box
    assert body.x <= fx and body.y <= fy and fx + fw <= body.x + body.width and fy + fh <= body.y + body.height
    assert body.score >= 0.5
    assert pair_faces_with_bodies([face.box], [body]) == {0: 0}


def test_portraits_have_their_person(transport: LocalTransport) -> None:
    detector, pipeline = BodyDetector(transport), FaceAnalyser(transport)
    for name in PORTRAITS:
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        bodies = detector.detect(image)
        (face,) = pipeline.detect(image)
        assert 1 <= len(bodies) <= 2, name  # obama.jpg: also a tie-sized box (MODELS.md)
        pairs = pair_faces_with_bodies([face.box], bodies)
        assert set(pairs) == {0}, name
        body = bodies[pairs[0]]
        assert body.x <= face.x and face.x + face.width <= body.x + body.width, name
        assert all(b.x >= 0 and b.x + b.width <= image.shape[1] + 1e-6 for b in bodies)


def test_group_photos_and_no_people(transport: LocalTransport) -> None:
    examples = photos.dlib_examples()
    if examples is None:
        pytest.skip("Debian's dlib examples are unavailable")
    detector = BodyDetector(transport)
    dogs = decode_image((examples / "faces" / "dogs.jpg").read_bytes())
    assert detector.detect(dogs) == []
    group = decode_image((examples / "faces" / "2008_001322.jpg").read_bytes())  # three people at a table
    batch = detector.detect_many([group, dogs])
    assert len(batch[0]) == 3 and batch[1] == []
    bald = decode_image((examples / "faces" / "bald_guys.jpg").read_bytes())  # a collage of 29 portraits
    assert len(detector.detect(bald)) >= 15
