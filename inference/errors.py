"""Errors raised by the inference package (the server maps them to LUNA error codes)."""

from __future__ import annotations


class InferenceError(Exception):
    """A model could not be run (missing model file, backend failure, bad tensor shapes)."""


class ImageDecodeError(ValueError):
    """The bytes are not an image Pillow can decode (or the image is empty / too large)."""


class ModelsDisabledError(InferenceError):
    """A model was needed but this installation runs without models (inference disabled)."""


class MultipleFacesError(InferenceError):
    """More than one face passed the filters of an analysis that allows one (Multiface.ERROR)."""

    def __init__(self, count: int) -> None:
        super().__init__(f"found {count} faces, the analysis allows one")
        self.count = count
