"""inference/analysis.py: the one entry point into the models (real models in-process, onnxruntime), and the
layering rule that inference/ never imports the server."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from inference.analysis import (
    AggregateAnalysis,
    AnalysisOptions,
    FaceAnalyser,
    FaceAnalysis,
    Multiface,
    aggregate_faces,
)
from inference.errors import ModelsDisabledError, MultipleFacesError
from inference.image import decode_image
from inference.transport import LocalTransport, NoModels
from inference.warps import WARP_SIZE
from tests import photos

INFERENCE = Path(__file__).resolve().parents[2] / "inference"
#: Packages inference/ must not import: the server, and the generated protobuf code (the server's API).
FORBIDDEN = ("server", "lumen", "gateway")


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_inference_never_imports_the_server() -> None:
    sources = sorted(INFERENCE.rglob("*.py"))
    assert len(sources) > 10
    offending = {
        f"{path.relative_to(INFERENCE.parent)}: {module}"
        for path in sources
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    }
    assert offending == set()


def test_the_import_scan_sees_imports(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text("import server.errors\nfrom lumen.v6 import common_pb2\nfrom . import sibling\n")
    assert imported_modules(source) == {"server.errors", "lumen.v6"}


@pytest.fixture(scope="module")
def analyser() -> Iterator[FaceAnalyser]:
    with LocalTransport() as transport:
        yield FaceAnalyser(transport)


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    return decode_image(photos.face_recognition_image("obama.jpg").read_bytes())


def test_scale_maps_every_coordinate_to_the_original_image(analyser: FaceAnalyser, portrait: np.ndarray) -> None:
    options = AnalysisOptions(landmarks68=True, eyes=True)
    (plain,) = analyser.analyse_image(portrait, options).kept
    (scaled,) = analyser.analyse_image(portrait, options, scale=(2.0, 3.0)).kept
    x, y, width, height = plain.box
    assert scaled.box == pytest.approx((x * 2, y * 3, width * 2, height * 3))
    factor = np.array([2.0, 3.0])
    for before, after in ((plain.landmarks, scaled.landmarks), (plain.landmarks68, scaled.landmarks68)):
        assert before is not None and after is not None
        np.testing.assert_allclose(after, before * factor)
    assert plain.eyes is not None and scaled.eyes is not None
    assert plain.eyes.left_iris is not None and scaled.eyes.left_iris is not None
    np.testing.assert_allclose(scaled.eyes.left_iris, plain.eyes.left_iris * factor)


def test_multiface_policy(analyser: FaceAnalyser, portrait: np.ndarray) -> None:
    pair = np.ascontiguousarray(np.concatenate([portrait, portrait[:, ::-1]], axis=1))
    assert len(analyser.analyse_image(pair, AnalysisOptions()).kept) == 2
    (best,) = analyser.analyse_image(pair, AnalysisOptions(multiface=Multiface.BEST)).kept
    with pytest.raises(MultipleFacesError) as raised:
        analyser.analyse_image(pair, AnalysisOptions(multiface=Multiface.ERROR))
    assert raised.value.count == 2
    # Filtered faces do not count: a 0 threshold filters every face.
    strict = AnalysisOptions(multiface=Multiface.ERROR, thresholds=(("yaw_threshold", 0),))
    result = analyser.analyse_image(pair, strict)
    assert result.kept == [] and len(result.filtered) == 2


def test_warps_batched_as_one_by_one(analyser: FaceAnalyser, portrait: np.ndarray) -> None:
    options = AnalysisOptions(descriptor=True, basic_attributes=True, quality=True, warp=True)
    (face,) = analyser.analyse_image(portrait, options).kept
    assert face.warp is not None and face.warp.shape == (WARP_SIZE, WARP_SIZE, 3)
    mirrored = np.ascontiguousarray(face.warp[:, ::-1])
    together = analyser.analyse_warps([face.warp, mirrored], options)
    alone = [analyser.analyse_warps([warp], options)[0] for warp in (face.warp, mirrored)]
    for batched, single in zip(together, alone, strict=True):
        assert batched.descriptor is not None and single.descriptor is not None
        np.testing.assert_allclose(batched.descriptor, single.descriptor, atol=1e-5)
        assert batched.descriptor_score == pytest.approx(single.descriptor_score, abs=1e-5)
        assert batched.basic is not None and single.basic is not None and batched.basic.age == single.basic.age
        assert batched.box == (0.0, 0.0, float(WARP_SIZE), float(WARP_SIZE))
    # The warp of a photo's face describes that face.
    assert float(np.dot(together[0].descriptor, face.descriptor)) > 0.9  # type: ignore[arg-type]


def test_without_models_only_model_free_estimations(portrait: np.ndarray) -> None:
    analyser = FaceAnalyser(NoModels())
    warp = np.ascontiguousarray(portrait[:300, :300])
    (face,) = analyser.analyse_warps([warp], AnalysisOptions(quality=True))
    assert face.quality is not None and face.descriptor is None
    with pytest.raises(ModelsDisabledError):
        analyser.analyse_warps([warp], AnalysisOptions(descriptor=True))
    with pytest.raises(ModelsDisabledError):
        analyser.analyse_image(portrait, AnalysisOptions())


def test_aggregate_of_faces() -> None:
    first, second = np.zeros(128, dtype=np.float32), np.zeros(128, dtype=np.float32)
    first[0], second[1] = 1.0, 1.0
    aggregated = aggregate_faces(
        [
            FaceAnalysis(box=(0, 0, 1, 1), descriptor=first, descriptor_score=0.5),
            FaceAnalysis(box=(0, 0, 1, 1), descriptor=second, descriptor_score=0.7),
        ]
    )
    assert aggregated.descriptor is not None and aggregated.descriptor_score == pytest.approx(0.6)
    np.testing.assert_allclose(aggregated.descriptor[:2], [2**-0.5, 2**-0.5], atol=1e-6)
    assert aggregated.basic is None and aggregated.mask is None and aggregated.liveness is None
    assert aggregate_faces([]) == AggregateAnalysis()
