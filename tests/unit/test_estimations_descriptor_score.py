"""inference/estimations/descriptor_score.py with LocalTransport on the test photos: faces score high,
garbage (a background patch, a near-black chip) low; input checks."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from inference.alignment import face_chip
from inference.analysis import FaceAnalyser
from inference.estimations.descriptor_score import descriptor_scores, onet_crops
from inference.transport import LocalTransport
from tests import photos


@pytest.fixture(scope="module")
def transport() -> LocalTransport:
    return LocalTransport()


def chip_of(transport: LocalTransport, name: str) -> tuple[Image.Image, np.ndarray]:
    image = Image.open(photos.face_recognition_image(name)).convert("RGB")
    (detection,) = FaceAnalyser(transport).detect(np.asarray(image))
    return image, face_chip(image, detection.landmarks)


def test_faces_score_high_and_garbage_low(transport: LocalTransport) -> None:
    chips, garbage = [], []
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"):
        image, chip = chip_of(transport, name)
        chips.append(chip)
        garbage.append(np.asarray(image.crop((0, 0, 60, 60)).resize((150, 150))))
        garbage.append(np.asarray(ImageEnhance.Brightness(Image.fromarray(chip)).enhance(0.03)))
    scores = descriptor_scores(transport, np.stack(chips + garbage))
    assert scores.dtype == np.float32 and scores.shape == (12,)
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores[:4].min() > 0.9
    assert scores[4:].max() < 0.5


def test_crops_are_transposed_48px_and_empty_batches_work(transport: LocalTransport) -> None:
    chip = np.zeros((150, 150, 3), dtype=np.uint8)
    chip[:, 100:] = 255  # right side of the chip white
    crops = onet_crops(chip[None])
    assert crops.shape == (1, 48, 48, 3) and crops.dtype == np.uint8
    assert crops[0, -1, 0, 0] == 255 and crops[0, 0, -1, 0] == 0  # x first: the last rows are the right side
    assert descriptor_scores(transport, np.empty((0, 150, 150, 3), dtype=np.uint8)).shape == (0,)
    with pytest.raises(ValueError):
        descriptor_scores(transport, np.zeros((1, 64, 64, 3), dtype=np.uint8))
