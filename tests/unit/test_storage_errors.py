"""Storage raises its own errors; the server maps them to LUNA errors in one place, and the client
descriptor codecs (server/descriptor_codec.py) raise the v6 errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from server import descriptor_codec, errors
from server.errors import LunaError
from server.rpc import ERROR_HEADER, HTTP_STATUS_HEADER, Call, luna_rpc
from server.storage import descriptors
from server.storage.errors import CorruptDescriptorError, StorageError, UnknownDescriptorVersionError


def test_storage_raises_its_own_errors() -> None:
    with pytest.raises(UnknownDescriptorVersionError) as unknown:
        descriptors.descriptor_format(46)
    assert unknown.value.version == 46 and unknown.value.supported == tuple(sorted(descriptors.FORMATS))
    with pytest.raises(CorruptDescriptorError):
        descriptors.decode_raw(descriptors.encode_raw(np.zeros(10, dtype=np.float32)), descriptors.DEFAULT_VERSION)
    with pytest.raises(CorruptDescriptorError):
        descriptors.decode_raw("not base64!", descriptors.DEFAULT_VERSION)


def test_stored_form_round_trips() -> None:
    vector = np.arange(128, dtype=np.float32)
    decoded = descriptors.decode_raw(descriptors.encode_raw(vector), descriptors.DEFAULT_VERSION)
    assert np.array_equal(decoded, vector)


def test_storage_errors_map_to_luna_errors() -> None:
    mapped = errors.from_storage_error(UnknownDescriptorVersionError(46, (300,)))
    assert mapped.code == errors.DESCRIPTOR_VERSION.code and mapped.http_status == 400
    assert "46" in mapped.detail and "300" in mapped.detail
    assert errors.from_storage_error(CorruptDescriptorError("bad")).code == errors.INTERNAL.code
    assert errors.from_storage_error(StorageError("other")).http_status == 500


def test_client_codecs_raise_v6_errors() -> None:
    with pytest.raises(LunaError) as version:
        descriptor_codec.decode_sdk(descriptor_codec.encode_sdk(46, np.zeros(128, dtype=np.float32)))
    assert version.value.code == errors.DESCRIPTOR_VERSION.code
    with pytest.raises(LunaError) as length:
        descriptor_codec.decode_raw(descriptor_codec.encode_raw(np.zeros(64, dtype=np.float32)), 300)
    assert length.value.code == errors.DESCRIPTOR_LENGTH.code
    with pytest.raises(LunaError) as garbage:
        descriptor_codec.decode_sdk("bm90IGFuIFNESyBkZXNjcmlwdG9y")
    assert garbage.value.code == errors.JSON_VALIDATION.code
    vector = np.linspace(-1, 1, 128, dtype=np.float32)
    version_found, decoded = descriptor_codec.decode_sdk(descriptor_codec.encode_sdk(300, vector))
    assert version_found == 300 and np.array_equal(decoded, vector)


def test_old_import_path_of_the_sdk_encoder() -> None:
    from server.storage.descriptors import encode_sdk

    assert encode_sdk is descriptor_codec.encode_sdk


class _AbortedError(Exception):
    pass


class _Context:
    """The parts of grpc.ServicerContext the rpc wrapper uses."""

    def __init__(self) -> None:
        self.metadata: tuple[tuple[str, str], ...] = ()

    def invocation_metadata(self) -> list[tuple[str, str]]:
        return []

    def send_initial_metadata(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self.metadata = metadata

    def abort_with_status(self, status: object) -> None:
        raise _AbortedError


def test_rpc_wrapper_answers_storage_errors_with_luna_errors() -> None:
    class Servicer:
        @luna_rpc()
        def Unknown(self, request: object, call: Call) -> None:
            descriptors.descriptor_format(46)

    context = _Context()
    with pytest.raises(_AbortedError):
        Servicer().Unknown(object(), context)
    headers = dict(context.metadata)
    assert headers[HTTP_STATUS_HEADER] == "400"
    assert json.loads(headers[ERROR_HEADER])["error_code"] == errors.DESCRIPTOR_VERSION.code
