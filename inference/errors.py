"""Errors raised by the inference package (the server maps them to LUNA error codes)."""

from __future__ import annotations


class InferenceError(Exception):
    """A model could not be run (missing model file, backend failure, bad tensor shapes)."""


class ImageDecodeError(ValueError):
    """The bytes are not an image Pillow can decode (or the image is empty / too large)."""
