"""Face descriptors on the wire, as clients give and get them: base64 raw descriptors (float32
little-endian) and SDK descriptors (b"dp\\0\\0" + uint32 version + raw). Decoding checks client
input and raises the v6 errors; the versions themselves are storage's (server/storage/descriptors.py).
"""

from __future__ import annotations

import base64
import binascii
import struct

import numpy as np

from server import errors
from server.errors import LunaError
from server.storage.descriptors import FORMATS, encode_raw, supported_versions

__all__ = ["SDK_SIGNATURE", "decode_raw", "decode_sdk", "encode_raw", "encode_sdk", "unsupported_version"]

SDK_SIGNATURE = b"dp\x00\x00"
SDK_HEADER_BYTES = 8


def unsupported_version(version: int, supported: str | None = None) -> LunaError:
    """22017 naming the version given and the versions accepted (default: every configured version; matching
    accepts only the current one, docs/model-updates.md)."""
    return LunaError(errors.DESCRIPTOR_VERSION, version=version, supported=supported or supported_versions())


def decode_raw(encoded: str, version: int) -> np.ndarray:
    """A base64 raw descriptor (float32 little-endian) of the given version."""
    fmt = FORMATS.get(version)
    if fmt is None:
        raise unsupported_version(version)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise LunaError(errors.JSON_VALIDATION, path="descriptor", message="descriptor is not base64") from None
    if len(raw) != fmt.byte_length:
        raise LunaError(errors.DESCRIPTOR_LENGTH, version=version, expected=fmt.byte_length, actual=len(raw))
    return np.frombuffer(raw, dtype="<f4").copy()


def decode_sdk(encoded: str) -> tuple[int, np.ndarray]:
    """A base64 SDK descriptor: b"dp\\0\\0" + uint32 version + raw payload."""
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise LunaError(errors.JSON_VALIDATION, path="descriptor", message="descriptor is not base64") from None
    if len(raw) < SDK_HEADER_BYTES or raw[:4] != SDK_SIGNATURE:
        raise LunaError(errors.JSON_VALIDATION, path="descriptor", message="not an SDK descriptor")
    (version,) = struct.unpack("<I", raw[4:8])
    payload = base64.b64encode(raw[SDK_HEADER_BYTES:]).decode()
    return version, decode_raw(payload, version)


def encode_sdk(version: int, vector: np.ndarray) -> str:
    raw = SDK_SIGNATURE + struct.pack("<I", version) + np.asarray(vector, dtype="<f4").tobytes()
    return base64.b64encode(raw).decode()
