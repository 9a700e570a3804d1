"""Inference with the real models (onnxruntime, in-process) on registry-fetched photos (tests/photos.py)."""

from __future__ import annotations

import io
import itertools
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inference.alignment import CHIP_SIZE, face_chip, face_chips, similarity_transform, template
from inference.analysis import FaceAnalyser
from inference.descriptor import DLIB_EUCLIDEAN_THRESHOLD, DescriptorExtractor
from inference.errors import ImageDecodeError, InferenceError
from inference.image import decode_image
from inference.models import DLIB_DESCRIPTOR, MTCNN_PNET
from inference.mtcnn import MtcnnOptions, nms, pyramid_scales
from inference.transport import LocalTransport, split_batches
from inference.types import FaceDetection
from tests import photos

_LOGGER = logging.getLogger(__name__)

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    with LocalTransport() as local:
        yield local


@pytest.fixture(scope="module")
def pipeline(transport: LocalTransport) -> FaceAnalyser:
    return FaceAnalyser(transport)


@pytest.fixture(scope="module")
def portraits() -> dict[str, np.ndarray]:
    return {name: decode_image(photos.face_recognition_image(name).read_bytes()) for name in PORTRAITS}


# --- image decoding ---------------------------------------------------------------------------------


def _jpeg(array: np.ndarray, orientation: int | None = None) -> bytes:
    image = Image.fromarray(array)
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def test_decode_applies_exif_orientation() -> None:
    array = np.zeros((40, 80, 3), dtype=np.uint8)
    array[:, :40] = (255, 0, 0)  # left half red
    upright = decode_image(_jpeg(array))
    assert upright.shape == (40, 80, 3) and upright.dtype == np.uint8
    rotated = decode_image(_jpeg(array, orientation=6))  # stored rotated: display = 90 deg clockwise
    assert rotated.shape == (80, 40, 3)
    assert rotated[5, 20, 0] > 200 and rotated[75, 20, 0] < 60  # red half now on top


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "I;16", "CMYK"])
def test_decode_converts_modes(mode: str) -> None:
    image = Image.new("RGB", (9, 7), (10, 200, 30)).convert(mode)
    out = io.BytesIO()
    image.save(out, format="TIFF" if mode in ("I;16", "CMYK") else "PNG")
    decoded = decode_image(out.getvalue())
    assert decoded.shape == (7, 9, 3) and decoded.dtype == np.uint8


@pytest.mark.parametrize("data", [b"", b"not an image", _jpeg(np.zeros((8, 8, 3), np.uint8))[:50]])
def test_decode_rejects_garbage(data: bytes) -> None:
    with pytest.raises(ImageDecodeError):
        decode_image(data)


def test_decode_rejects_huge_images() -> None:
    with pytest.raises(ImageDecodeError):
        decode_image(_jpeg(np.zeros((100, 100, 3), np.uint8)), max_pixels=5000)


# --- numpy building blocks -----------------------------------------------------------------------------


def test_nms_keeps_best_of_overlapping() -> None:
    boxes = np.array([[0, 0, 9, 9], [1, 1, 10, 10], [50, 50, 59, 59]], dtype=np.float64)
    scores = np.array([0.8, 0.9, 0.7])
    assert sorted(nms(boxes, scores, 0.5).tolist()) == [1, 2]
    assert sorted(nms(boxes, scores, 0.99).tolist()) == [0, 1, 2]


def test_pyramid_scales() -> None:
    scales = pyramid_scales(100, 200, MtcnnOptions(min_face_size=20))
    assert scales[0] == pytest.approx(0.6)
    assert all(b / a == pytest.approx(0.709) for a, b in itertools.pairwise(scales))
    assert 100 * scales[-1] >= 12 > 100 * scales[-1] * 0.709


def test_similarity_transform_recovers_known_transform() -> None:
    rng = np.random.default_rng(1)
    source = rng.uniform(0, 100, (5, 2))
    angle, scale, shift = 0.3, 1.7, np.array([12.0, -4.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = source @ (scale * rotation).T + shift
    matrix = similarity_transform(source, target)
    np.testing.assert_allclose(matrix[:, :2], scale * rotation, atol=1e-9)
    np.testing.assert_allclose(matrix[:, 2], shift, atol=1e-9)


def test_face_chip_is_a_crop_when_landmarks_sit_on_the_template() -> None:
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (200, 220, 3), dtype=np.uint8)
    chip = face_chip(image, template() + [30, 20])
    assert chip.shape == (CHIP_SIZE, CHIP_SIZE, 3)
    assert np.abs(chip.astype(int) - image[20:170, 30:180]).max() <= 1
    # Twice as large: the face region is averaged 2x2 first, exactly.
    big = np.kron(image[:150, :150], np.ones((2, 2, 1), dtype=np.uint8))
    chip = face_chip(np.pad(big, ((6, 6), (4, 4), (0, 0))), template() * 2 + [4.5, 6.5])
    assert np.abs(chip.astype(int) - image[:150, :150]).max() <= 1


def test_split_batches() -> None:
    parts = split_batches({"x": np.arange(10).reshape(10, 1)}, 4)
    assert [p["x"].shape[0] for p in parts] == [4, 4, 2]
    with pytest.raises(InferenceError):
        split_batches({"a": np.zeros((2, 1)), "b": np.zeros((3, 1))}, 4)


def test_missing_model_is_an_inference_error(tmp_path: Path) -> None:
    with LocalTransport(tmp_path) as local, pytest.raises(InferenceError, match="missing"):
        local.infer(MTCNN_PNET, {"input_1": np.zeros((1, 20, 20, 3), np.float32)})


# --- detection -----------------------------------------------------------------------------------------


def _check_geometry(face: FaceDetection) -> None:
    marks = face.landmarks
    assert marks.shape == (5, 2)
    assert np.all(marks[:, 0] >= face.x) and np.all(marks[:, 0] <= face.x + face.width)
    assert np.all(marks[:, 1] >= face.y) and np.all(marks[:, 1] <= face.y + face.height)
    left_eye, right_eye, nose, mouth_left, mouth_right = marks
    assert left_eye[0] < right_eye[0] and mouth_left[0] < mouth_right[0]
    eyes_y = max(left_eye[1], right_eye[1])
    assert eyes_y < nose[1] < min(mouth_left[1], mouth_right[1])


@pytest.mark.parametrize("name", PORTRAITS)
def test_detects_exactly_one_face(name: str, pipeline: FaceAnalyser, portraits: dict[str, np.ndarray]) -> None:
    image = portraits[name]
    faces = pipeline.detect(image)
    assert len(faces) == 1, [(f.box, f.score) for f in faces]
    face = faces[0]
    assert face.score > 0.99
    assert face.width > 0.15 * image.shape[1] and face.height > 0.1 * image.shape[0]
    _check_geometry(face)


def test_no_face_in_noise_and_flat_images(pipeline: FaceAnalyser) -> None:
    rng = np.random.default_rng(3)
    assert pipeline.detect(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)) == []
    assert pipeline.detect(np.full((64, 64, 3), 128, np.uint8)) == []
    assert pipeline.detect(np.zeros((10, 10, 3), np.uint8)) == []  # smaller than one P-Net window


def test_detection_on_labelled_dlib_faces(pipeline: FaceAnalyser) -> None:
    """dlib's examples/faces: 43 labelled faces in 11 PASCAL VOC photos (plus dogs.jpg, no people)."""
    examples = photos.dlib_examples()
    if examples is None:
        pytest.skip("Debian libdlib19.1 examples unavailable")
    found = labelled = false_positives = 0
    for xml in ("training.xml", "testing.xml"):
        for item in ET.parse(examples / "faces" / xml).getroot().iter("image"):
            image = decode_image((examples / "faces" / item.get("file", "")).read_bytes())
            truth = [tuple(int(box.get(k, 0)) for k in ("left", "top", "width", "height")) for box in item.iter("box")]
            labelled += len(truth)
            faces = pipeline.detect(image)
            matched = set()
            for face in faces:
                _check_geometry(face)
                cx, cy = face.x + face.width / 2, face.y + face.height / 2
                hits = [
                    i
                    for i, (x, y, w, h) in enumerate(truth)
                    if i not in matched and x <= cx <= x + w and y <= cy <= y + h
                ]
                if hits:
                    matched.add(hits[0])
                else:
                    false_positives += 1
            found += len(matched)
    assert pipeline.detect(decode_image((examples / "faces" / "dogs.jpg").read_bytes())) == []
    _LOGGER.info("dlib faces: %d/%d found, %d false positives", found, labelled, false_positives)
    assert labelled == 43
    assert found >= 41 and false_positives == 0


# --- descriptors -----------------------------------------------------------------------------------------


def _portrait_descriptors(pipeline: FaceAnalyser, portraits: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for name, image in portraits.items():
        faces = pipeline.process(image)
        assert len(faces) == 1
        descriptor = faces[0].descriptor
        assert descriptor.shape == (128,) and descriptor.dtype == np.float32
        assert np.linalg.norm(descriptor) == pytest.approx(1.0, abs=1e-5)
        out[name] = descriptor
    return out


def test_same_person_is_more_similar(pipeline: FaceAnalyser, portraits: dict[str, np.ndarray]) -> None:
    vectors = _portrait_descriptors(pipeline, portraits)
    obama = [vectors[n] for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")]
    same = [float(a @ b) for a, b in itertools.combinations(obama, 2)]
    different = [float(v @ vectors["biden.jpg"]) for v in obama]
    _LOGGER.info("cosine obama-obama %s, obama-biden %s", np.round(same, 4), np.round(different, 4))
    assert min(same) > max(different) + 0.05


def test_raw_euclidean_follows_dlib_threshold(pipeline: FaceAnalyser, portraits: dict[str, np.ndarray]) -> None:
    raw = {}
    for name, image in portraits.items():
        faces = pipeline.detect(image)
        raw[name] = pipeline.extractor.extract_raw(face_chips(image, [faces[0].landmarks]))[0]
    obama = ("obama.jpg", "obama2.jpg", "obama3.jpg")
    same = [float(np.linalg.norm(raw[a] - raw[b])) for a, b in itertools.combinations(obama, 2)]
    different = [float(np.linalg.norm(raw[a] - raw["biden.jpg"])) for a in obama]
    _LOGGER.info("euclidean obama-obama %s, obama-biden %s", np.round(same, 4), np.round(different, 4))
    assert max(same) < DLIB_EUCLIDEAN_THRESHOLD < min(different)


def test_batch_and_single_give_the_same_descriptor(pipeline: FaceAnalyser, portraits: dict[str, np.ndarray]) -> None:
    chips = np.stack([face_chip(image, pipeline.detect(image)[0].landmarks) for image in portraits.values()])
    batched = pipeline.extractor.extract(chips)
    for i in range(len(chips)):
        single = pipeline.extractor.extract(chips[i : i + 1])[0]
        assert float(single @ batched[i]) > 0.99999
        np.testing.assert_allclose(single, batched[i], atol=2e-5)
    # Larger than the model's max batch: split by the transport, same results.
    many = np.concatenate([chips] * (DLIB_DESCRIPTOR.max_batch // len(chips) + 1))
    np.testing.assert_allclose(pipeline.extractor.extract(many)[: len(chips)], batched, atol=2e-5)


def test_descriptor_rejects_wrong_chip_shape(transport: LocalTransport) -> None:
    with pytest.raises(ValueError):
        DescriptorExtractor(transport).extract(np.zeros((1, 112, 112, 3), np.uint8))
    assert DescriptorExtractor(transport).extract(np.zeros((0, 150, 150, 3), np.uint8)).shape == (0, 128)


def test_johns_identities_separate(transport: LocalTransport) -> None:
    """dlib's johns/: 5 people x 11 dlib-aligned chips; every pair on the right side of dlib's 0.6."""
    johns = photos.johns_chips()
    if johns is None:
        pytest.skip("Debian libdlib19.1 examples unavailable")
    labels = [person for person, files in johns.items() for _ in files]
    chips = np.stack([decode_image(p.read_bytes()) for files in johns.values() for p in files])
    assert chips.shape == (55, 150, 150, 3)
    raw = DescriptorExtractor(transport).extract_raw(chips)
    distances = np.linalg.norm(raw[:, None] - raw[None], axis=2)
    same = np.array([[a == b for b in labels] for a in labels])
    upper = np.triu(np.ones_like(same), 1).astype(bool)
    _LOGGER.info(
        "johns euclidean: same max %.4f, different min %.4f",
        distances[same & upper].max(),
        distances[~same & upper].min(),
    )
    assert distances[same & upper].max() < DLIB_EUCLIDEAN_THRESHOLD < distances[~same & upper].min()
