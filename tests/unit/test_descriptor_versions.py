"""Descriptor versions from the settings (docs/model-updates.md): parsing LUMEN_FACE_DESCRIPTOR_MODELS, the known
formats and the current version, the descriptor model version the extractor calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from inference.descriptor import DescriptorExtractor
from inference.errors import InferenceError
from inference.models import DLIB_DESCRIPTOR, descriptor_model
from inference.transport import LocalTransport
from server.face_inference import configured_descriptor_model
from server.settings import Settings
from server.storage import descriptors


@pytest.fixture
def configured() -> Iterator[None]:
    yield
    descriptors.configure({descriptors.DEFAULT_VERSION: 1}, descriptors.DEFAULT_VERSION)


def test_default_settings_know_one_version() -> None:
    settings = Settings()
    assert settings.descriptor_models() == {300: 1}
    assert configured_descriptor_model(settings) == replace(DLIB_DESCRIPTOR, version="1")


@pytest.mark.parametrize(
    ("models", "current", "message"),
    [
        ("300", 300, "is not <version>:<triton version>"),
        ("300:x", 300, "is not <version>:<triton version>"),
        ("300:1,300:2", 300, "repeated"),
        ("300:0", 300, "bad"),
        ("300:1", 301, "LUMEN_FACE_DESCRIPTOR_VERSION=301 is not in"),
    ],
)
def test_malformed_models_are_refused(models: str, current: int, message: str) -> None:
    settings = replace(Settings(), face_descriptor_models=models, face_descriptor_version=current)
    with pytest.raises(ValueError, match=message):
        settings.descriptor_models()


def test_settings_from_env() -> None:
    env = {"LUMEN_FACE_DESCRIPTOR_MODELS": "300:1, 301:2", "LUMEN_FACE_DESCRIPTOR_VERSION": "301"}
    settings = Settings.from_env(env)
    assert settings.descriptor_models() == {300: 1, 301: 2}
    assert configured_descriptor_model(settings).version == "2"


def test_configure_sets_formats_and_current(configured: None) -> None:
    descriptors.configure({300: 1, 301: 2}, 301)
    assert sorted(descriptors.FORMATS) == [300, 301] and descriptors.current_version() == 301
    assert descriptors.descriptor_format(301).dimension == 128
    assert descriptors.supported_versions() == "300, 301"
    with pytest.raises(ValueError):
        descriptors.configure({300: 1}, 301)
    descriptors.configure({300: 1}, 300)
    assert sorted(descriptors.FORMATS) == [300] and descriptors.current_version() == 300


def test_extractor_calls_the_configured_model_version(tmp_path: Path) -> None:
    """The local transport runs <name>/<version>/model.onnx: a missing version is an error, not version 1."""
    repository = tmp_path / "models"
    source = LocalTransport().model_path(DLIB_DESCRIPTOR)
    (repository / DLIB_DESCRIPTOR.name / "2").mkdir(parents=True)
    (repository / DLIB_DESCRIPTOR.name / "2" / "model.onnx").symlink_to(source)
    transport = LocalTransport(repository)
    chips = np.zeros((1, 150, 150, 3), dtype=np.uint8)
    assert DescriptorExtractor(transport, descriptor_model(2)).extract(chips).shape == (1, 128)
    assert transport.model_path(descriptor_model(3)).parts[-2] == "3"
    with pytest.raises(InferenceError, match="model file missing"):
        DescriptorExtractor(transport, descriptor_model(1)).extract(chips)


def test_get_many_reads_every_version_of_many_faces(tmp_path: Path, configured: None) -> None:
    descriptors.configure({300: 1, 301: 2}, 301)
    store = descriptors.DescriptorStore(tmp_path / "lancedb")
    rng = np.random.default_rng(4)
    ids = [f"face-{i:04d}" for i in range(1500)]  # more than one IN chunk
    old = rng.standard_normal((len(ids), 128)).astype(np.float32)
    store.append(300, ids, ["a"] * len(ids), old)
    store.append(301, ids[:10], ["a"] * 10, old[:10] * 2)
    found = store.get_many([*ids[5:1500], "unknown"])
    assert len(found) == 1495 and "unknown" not in found
    assert np.array_equal(found["face-0005"][300], old[5]) and np.array_equal(found["face-0005"][301], old[5] * 2)
    assert set(found["face-1499"]) == {300}
    assert {v: x.tolist() for v, x in found["face-0007"].items()} == {
        v: x.tolist() for v, x in store.get("face-0007").items()
    }
