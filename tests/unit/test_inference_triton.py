"""The real tritonserver (from the nvidia-pytriton wheel, python backend on CPU) serving
deploy/triton/models, reached through TritonTransport: same results as the in-process LocalTransport."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

from inference.analysis import FaceAnalyser
from inference.errors import InferenceError
from inference.image import decode_image
from inference.models import ALL_MODELS, DLIB_DESCRIPTOR, MTCNN_RNET
from inference.transport import LocalTransport
from inference.triton import TritonTransport
from inference.triton_server import TritonServer
from tests import photos


@pytest.fixture(scope="module")
def triton(triton_server: TritonServer) -> Iterator[tuple[TritonServer, TritonTransport]]:
    transport = TritonTransport(triton_server.url)
    try:
        yield triton_server, transport
    finally:
        transport.close()


def test_models_ready(triton: tuple[TritonServer, TritonTransport]) -> None:
    _, transport = triton
    assert transport.is_ready()
    transport.warm_up(ALL_MODELS)


def test_pipeline_over_triton_matches_local(triton: tuple[TritonServer, TritonTransport]) -> None:
    _, transport = triton
    remote = FaceAnalyser(transport)
    with LocalTransport() as local_transport:
        local = FaceAnalyser(local_transport)
        for name in ("obama.jpg", "biden.jpg"):
            image = decode_image(photos.face_recognition_image(name).read_bytes())
            got, expected = remote.process(image), local.process(image)
            assert len(got) == len(expected) == 1
            np.testing.assert_allclose(got[0].detection.landmarks, expected[0].detection.landmarks, atol=1e-3)
            assert float(got[0].descriptor @ expected[0].descriptor) > 0.99999


def test_concurrent_requests_are_batched_correctly(triton: tuple[TritonServer, TritonTransport]) -> None:
    """Several threads at once: Triton's dynamic batcher may merge them; each still gets its own rows."""
    _, transport = triton
    rng = np.random.default_rng(5)
    chips = [rng.integers(0, 256, (n, 150, 150, 3), dtype=np.uint8) for n in (1, 2, 3, 1, 2, 4)]
    with LocalTransport() as local:
        expected = [local.infer(DLIB_DESCRIPTOR, {"chip": c})["descriptor"] for c in chips]
    results: list[np.ndarray | None] = [None] * len(chips)

    def run(i: int) -> None:
        results[i] = transport.infer(DLIB_DESCRIPTOR, {"chip": chips[i]})["descriptor"]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(chips))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got, want in zip(results, expected, strict=True):
        assert got is not None
        np.testing.assert_allclose(got, want, atol=1e-4)


def test_bad_shape_is_an_inference_error(triton: tuple[TritonServer, TritonTransport]) -> None:
    _, transport = triton
    with pytest.raises(InferenceError):
        transport.infer(MTCNN_RNET, {"input_2": np.zeros((1, 12, 12, 3), np.float32)})
