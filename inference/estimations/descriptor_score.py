"""Descriptor score (LUNA `descriptor{sdk_descriptor, score}`, /6/extractor `score`, `score_threshold`).

v6 calls it the "descriptor quality score" and lets score_threshold drop descriptors below it. In VisionLabs'
FaceEngine it is the descriptor's "garbage score": how likely the image the descriptor was made from is a real,
usable face. Lumen has no network trained for that, so it asks the face classifier it has: the face
probability of MTCNN's O-Net (`mtcnn_onet`, its softmax_2[:, 1]) on the descriptor's own input, the 150x150
dlib chip (inference/alignment.py), cropped to CHIP_FACE_BOX and resized (box filter) to O-Net's 48x48, one
batched call for all chips. Photos and their stored warps give the same chip, so /6/sdk on a photo and
/6/extractor on its sample agree.

CHIP_FACE_BOX is the inner face of the chip, brows to chin (left, top, right, bottom = 20, 22, 130, 132). MTCNN's
own detection box maps to a median of x 14.5..134.8, y -17.1..145.3 chip px on the test photos (it includes the
forehead); the square centred on that box, (15, 4, 135, 124), scored real faces the same but flagged less
garbage (an eye band blacked out 0.98-0.997, a 90-degree rotation 0.27-0.54), so the inner face is used.

Measured (2026-11-23, LocalTransport, CHIP_FACE_BOX as above): the 71 real faces of the test photos
(face_recognition's 4 portraits + dlib's examples/faces) score 0.970-1.000 (5th percentile 0.998, median
1.000). Degraded copies of the obama x3 / biden chips (min-max over the 4): Gaussian blur 2-8 px 0.999-1.0,
down-sampled to 16 or 8 px 0.995-1.0, noise (sigma 40) 0.95-1.0 (the descriptor still matches the person
there: cosine to the original 0.82-0.98); darkened to 10 % 0.29-0.99, to 3 % 0.01-0.19; the lower half
blacked out 0.87-1.0; the eye band blacked out 0.66-0.99; a background patch instead of a face 0.00-0.04; the
chip rotated by 90 degrees 0.06-0.74. So the score separates non-faces, near-black and mangled inputs (the
"garbage" a descriptor should not be made from) from faces; it does NOT grade blur or resolution (`quality`
does). It is a classifier's probability, not VisionLabs' calibrated score: its values sit near 0 or 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.alignment import CHIP_SIZE
from inference.models import MTCNN_ONET
from inference.transport import InferenceTransport

#: The face square of a 150x150 chip (left, top, right, bottom; see the module docstring).
CHIP_FACE_BOX = (20, 22, 130, 132)
ONET_SIZE = 48


def onet_crops(chips: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """O-Net inputs uint8 [N, 48, 48, 3], transposed (x first) as the MTCNN graphs take them."""
    crops = np.empty((chips.shape[0], ONET_SIZE, ONET_SIZE, 3), dtype=np.uint8)
    for index, chip in enumerate(chips):
        face = Image.fromarray(chip).crop(CHIP_FACE_BOX)
        crops[index] = np.asarray(face.resize((ONET_SIZE, ONET_SIZE), Image.Resampling.BOX), dtype=np.uint8)
    return np.ascontiguousarray(crops.transpose(0, 2, 1, 3))


def descriptor_scores(transport: InferenceTransport, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
    """The score in [0, 1] of each chip uint8 [N, 150, 150, 3] (one batched O-Net call)."""
    if chips.ndim != 4 or chips.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3) or chips.dtype != np.uint8:
        raise ValueError(f"expected uint8 [N, {CHIP_SIZE}, {CHIP_SIZE}, 3], got {chips.dtype} {chips.shape}")
    if chips.shape[0] == 0:
        return np.empty((0,), dtype=np.float32)
    out = transport.infer(MTCNN_ONET, {MTCNN_ONET.inputs[0]: onet_crops(chips)})
    return np.asarray(out["softmax_2"][:, 1], dtype=np.float32)
