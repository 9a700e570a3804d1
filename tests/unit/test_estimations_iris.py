"""MediaPipe Iris landmarks and the gaze eyeball model (inference/estimations/iris.py, gaze.py) with LocalTransport."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pytest
from PIL import Image

from inference.analysis import FaceAnalyser
from inference.estimations import eyes, gaze, iris, landmarks68
from inference.estimations.head_pose import HeadPose, estimate_head_pose
from inference.image import to_rgb_array
from inference.models import ModelSpec
from inference.transport import LocalTransport, Tensor
from inference.types import FaceDetection
from tests import photos


@functools.cache
def transport() -> LocalTransport:
    return LocalTransport()


def load(name: str) -> np.ndarray:
    return to_rgb_array(Image.open(photos.face_recognition_image(name)))


def analyse(pixels: np.ndarray) -> list[tuple[FaceDetection, landmarks68.FaceMesh, iris.Irises]]:
    detections = FaceAnalyser(transport()).detect(pixels)
    meshes = landmarks68.FaceMeshEstimator(transport()).estimate(pixels, [d.landmarks for d in detections])
    irises = iris.IrisEstimator(transport()).estimate(pixels, [mesh.points for mesh in meshes])
    return list(zip(detections, meshes, irises, strict=True))


@functools.cache
def analysed(name: str, mirrored: bool = False) -> tuple[FaceDetection, landmarks68.FaceMesh, iris.Irises]:
    pixels = load(name)
    if mirrored:
        pixels = np.ascontiguousarray(pixels[:, ::-1])
    return analyse(pixels)[0]


def inside(point: np.ndarray, polygon: np.ndarray) -> bool:
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


# -- geometry (no model) -------------------------------------------------------------------------------


def test_crop_transform_centre_scale_and_flip() -> None:
    start, end = np.array([100.0, 50.0]), np.array([140.0, 50.0])
    matrix = iris.eye_crop_transform(start, end, flip=False)
    centre_chip = np.array([31.5, 31.5])
    assert matrix[:, :2] @ centre_chip + matrix[:, 2] == pytest.approx([120.0, 50.0])
    # Chip side = 2.3 x the corner distance.
    assert matrix[0, 0] * iris.IRIS_CHIP_SIZE == pytest.approx(2.3 * 40.0)
    flipped = iris.eye_crop_transform(start, end, flip=True)
    # The flipped chip's left column is the right of the eye.
    left_unflipped = matrix[:, :2] @ np.array([0.0, 31.5]) + matrix[:, 2]
    left_flipped = flipped[:, :2] @ np.array([0.0, 31.5]) + flipped[:, 2]
    assert left_unflipped[0] < 120.0 < left_flipped[0]
    assert left_flipped == pytest.approx([2 * 120.0 - left_unflipped[0], 50.0])


def synthetic_eye(centre: tuple[float, float], corners: tuple[float, float], y: float = 0.0) -> iris.EyeLandmarks:
    """An eye with corners at (corners[i], y) and an iris of radius 5 at `centre`."""
    contour = np.zeros((iris.CONTOUR_POINTS, 3))
    contour[iris.OUTER_CORNER, :2] = [corners[0], y]
    contour[iris.INNER_CORNER, :2] = [corners[1], y]
    cx, cy = centre
    points = np.array([[cx, cy, 0], [cx + 5, cy, 0], [cx, cy - 5, 0], [cx - 5, cy, 0], [cx, cy + 5, 0]], float)
    return iris.EyeLandmarks(contour=contour, iris=points)


def test_iris_landmarks_ellipse() -> None:
    eye = synthetic_eye((20.0, -2.0), (0.0, 40.0))
    points = eye.iris_landmarks()
    assert points.shape == (32, 2)
    assert np.linalg.norm(points - [20.0, -2.0], axis=1) == pytest.approx(np.full(32, 5.0))
    # First point towards the image's right, then clockwise on screen (downwards first).
    assert points[0] == pytest.approx([25.0, -2.0]) and points[8] == pytest.approx([20.0, 3.0])
    assert points[16] == pytest.approx([15.0, -2.0]) and points[24] == pytest.approx([20.0, -7.0])


def test_gaze_model_signs_and_mirror_symmetry() -> None:
    frontal = HeadPose(pitch=0.0, yaw=0.0, roll=0.0)
    width = 40.0
    drop = gaze.EYEBALL_DROP * width
    straight = iris.Irises(
        left=synthetic_eye((20.0, drop), (0.0, 40.0)), right=synthetic_eye((80.0, drop), (60.0, 100.0))
    )
    looking = gaze.estimate_gaze(straight, frontal)
    assert (looking.yaw, looking.pitch) == pytest.approx((0.0, 0.0), abs=1e-9)
    # Irises shifted towards the image's left: the person looks to the image's left (yaw > 0), by asin(offset / R).
    shift = 5.0
    aside = iris.Irises(
        left=synthetic_eye((20.0 - shift, drop), (0.0, 40.0)), right=synthetic_eye((80.0 - shift, drop), (60.0, 100.0))
    )
    result = gaze.estimate_gaze(aside, frontal)
    assert result.yaw == pytest.approx(np.degrees(np.arcsin(shift / (gaze.EYEBALL_RADIUS * width))))
    assert result.pitch == pytest.approx(0.0, abs=1e-9)
    # Irises raised: looking up (pitch > 0).
    up = iris.Irises(
        left=synthetic_eye((20.0, drop - 4), (0.0, 40.0)), right=synthetic_eye((80.0, drop - 4), (60.0, 100.0))
    )
    assert gaze.estimate_gaze(up, frontal).pitch > 5.0
    # Mirroring the image (x -> -x, eyes swap sides, head yaw and roll flip) flips the gaze yaw exactly.
    pose = HeadPose(pitch=4.0, yaw=12.0, roll=3.0)

    def mirror(eye: iris.EyeLandmarks) -> iris.EyeLandmarks:
        flip = np.array([-1.0, 1.0, 1.0])
        return iris.EyeLandmarks(contour=eye.contour * flip, iris=eye.iris * flip)

    mirrored = iris.Irises(left=mirror(aside.right), right=mirror(aside.left))
    mirrored_pose = HeadPose(pitch=pose.pitch, yaw=-pose.yaw, roll=-pose.roll)
    a, b = gaze.estimate_gaze(aside, pose), gaze.estimate_gaze(mirrored, mirrored_pose)
    assert b.yaw == pytest.approx(-a.yaw) and b.pitch == pytest.approx(a.pitch)


def test_gaze_follows_the_head() -> None:
    # Head turned to the image's left (yaw 20): the eyeball centres (behind the corners) move to the image's right.
    # Irises between the corners then look left, less than the head; irises where a camera-directed gaze puts them
    # (the eyeball centre's image) give 0.
    width, drop = 40.0, gaze.EYEBALL_DROP * 40.0
    head = HeadPose(pitch=0.0, yaw=20.0, roll=0.0)
    centred = iris.Irises(
        left=synthetic_eye((20.0, drop), (0.0, 40.0)), right=synthetic_eye((80.0, drop), (60.0, 100.0))
    )
    turned = gaze.estimate_gaze(centred, head)
    assert 0.0 < turned.yaw < 20.0
    frontal_width = width / np.cos(np.radians(20.0))
    shift = gaze.EYEBALL_DEPTH * frontal_width * np.sin(np.radians(20.0))
    at_camera = iris.Irises(
        left=synthetic_eye((20.0 + shift, drop), (0.0, 40.0)),
        right=synthetic_eye((80.0 + shift, drop), (60.0, 100.0)),
    )
    result = gaze.estimate_gaze(at_camera, head)
    assert abs(result.yaw) < 0.5
    assert gaze.gaze_from_vector(np.array([0.0, 0.0, -1.0])) == gaze.Gaze(yaw=0.0, pitch=0.0)


# -- on photos --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"])
def test_iris_inside_the_eyes(name: str) -> None:
    detection, mesh, irises = analysed(name)
    points68 = mesh.landmarks68
    for eye, indices in ((irises.left, eyes.LEFT_EYE), (irises.right, eyes.RIGHT_EYE)):
        outline = points68[list(indices)]
        width = float(np.linalg.norm(outline[0] - outline[3]))
        assert inside(eye.centre, eye.eyelid)
        # The centre lies within the 68-point eye region, slightly widened vertically (lids hide part of the iris).
        low, high = outline.min(axis=0), outline.max(axis=0)
        assert low[0] < eye.centre[0] < high[0]
        assert low[1] - 0.2 * width < eye.centre[1] < high[1] + 0.2 * width
        ring = eye.iris_landmarks()
        assert ring.shape == (32, 2)
        # An adult iris is about 0.4 of the eye width.
        assert 0.25 * width < 2 * eye.iris_radius < 0.6 * width
        assert np.all(np.abs(ring - eye.centre).max(axis=0) < 0.4 * width)
    assert irises.left.centre[0] < irises.right.centre[0]
    assert detection.box[0] < irises.left.centre[0] < irises.right.centre[0] < detection.box[0] + detection.box[2]


@pytest.mark.parametrize("name", ["obama.jpg", "obama3.jpg", "biden.jpg"])
def test_gaze_near_zero_when_looking_at_the_camera(name: str) -> None:
    detection, _, irises = analysed(name)
    result = gaze.estimate_gaze(irises, estimate_head_pose(detection))
    assert abs(result.yaw) < 10.0 and abs(result.pitch) < 15.0, result


def test_gaze_aside_and_mirrored() -> None:
    # obama2.jpg: head and eyes turned towards the image's left.
    results = []
    for mirrored in (False, True):
        detection, _, irises = analysed("obama2.jpg", mirrored)
        results.append(gaze.estimate_gaze(irises, estimate_head_pose(detection)))
    assert results[0].yaw > 12.0 and results[1].yaw < -12.0, results
    assert abs(results[0].pitch - results[1].pitch) < 5.0


def test_one_batched_call_for_all_eyes() -> None:
    calls = []

    class Counting(LocalTransport):
        def infer(self, spec: ModelSpec, inputs: Mapping[str, Tensor]) -> dict[str, Tensor]:
            calls.append((spec.name, len(next(iter(inputs.values())))))
            return super().infer(spec, inputs)

    pixels = load("obama.jpg")
    meshes = [analysed("obama.jpg")[1], analysed("biden.jpg")[1]]
    result = iris.IrisEstimator(Counting()).estimate(pixels, [mesh.points for mesh in meshes])
    assert len(result) == 2 and calls == [("mediapipe_iris", 4)]
    assert iris.IrisEstimator(Counting()).estimate(pixels, []) == [] and len(calls) == 1


def test_eyes_attributes_carry_iris_landmarks() -> None:
    _, mesh, irises = analysed("biden.jpg")
    state = eyes.eyes_from_landmarks68(mesh.landmarks68, irises)
    assert state.left_iris is not None and state.right_iris is not None
    assert state.left_iris.shape == (32, 2) and state.right_iris.shape == (32, 2)
    assert eyes.eyes_from_landmarks68(mesh.landmarks68).left_iris is None
