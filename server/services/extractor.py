"""ExtractorService: POST /6/extractor (v6 API-034..035).

Details: docs/image-operations.md, "server/services/extractor.py".
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import numpy as np
from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from inference.analysis import AnalysisOptions
from inference.descriptor import mean_descriptor
from inference.estimations.attributes import aggregate as aggregate_basic
from inference.warps import WARP_SIZE, warp_pixels
from lumen.v6 import extractor_service_pb2, extractor_service_pb2_grpc
from server import errors
from server.analysis_options import score_threshold
from server.errors import LunaError
from server.face_inference import FaceInference, require
from server.face_results import basic_attributes_message, stored_basic_attributes
from server.json_http import json_array_body
from server.rpc import Call, luna_rpc
from server.services.attribute_data import AttributeData
from server.services.blob_resources import FACE_SAMPLES, BlobResources
from server.services.image_input import decode
from server.settings import MAX_ATTRIBUTE_TTL_S, Settings
from server.storage.descriptors import current_version
from server.storage.store import Storage
from server.validation import (
    UUID_SCHEMA,
    flag_param,
    int_param,
    json_document,
    validate_json,
)

_LOGGER = logging.getLogger(__name__)

MAX_SAMPLES = 1000
#: Stored samples are decoded no larger than this (a 250x250 warp is all the extractor uses).
SAMPLE_WORK_PIXELS = 4 * WARP_SIZE * WARP_SIZE
SAMPLE_IDS_SCHEMA: dict[str, Any] = {"type": "array", "items": UUID_SCHEMA, "minItems": 1, "maxItems": MAX_SAMPLES}

ExtractParams = extractor_service_pb2.ExtractRequest | extractor_service_pb2.ExtractAttributesRequest


def _null() -> struct_pb2.Value:
    return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


class ExtractorService(extractor_service_pb2_grpc.ExtractorServiceServicer):
    def __init__(self, storage: Storage, settings: Settings, inference: FaceInference | None) -> None:
        self.storage = storage
        self.settings = settings
        self.blobs = BlobResources(storage)
        self.inference = inference

    @luna_rpc(account_required=True)
    def Extract(self, request: extractor_service_pb2.ExtractRequest, call: Call) -> httpbody_pb2.HttpBody:
        document = json_document(request.body)
        if not isinstance(document, list):  # checked apart: the schema's message would echo the body
            raise LunaError(errors.JSON_VALIDATION, path="", message="the body must be an array of sample ids")
        sample_ids = [item.lower() if isinstance(item, str) else item for item in document]
        validate_json(sample_ids, SAMPLE_IDS_SCHEMA)
        return json_array_body(self._extract(request, sample_ids, call.require_account()))

    @luna_rpc(account_required=True)
    def ExtractAttributes(
        self, request: extractor_service_pb2.ExtractAttributesRequest, call: Call
    ) -> extractor_service_pb2.ExtractAttributesResponse:
        sample_ids = [s.lower() for s in request.sample_ids]
        validate_json(sample_ids, SAMPLE_IDS_SCHEMA)
        return extractor_service_pb2.ExtractAttributesResponse(
            attributes=self._extract(request, sample_ids, call.require_account())
        )

    def _extract(
        self, request: ExtractParams, sample_ids: list[str], account_id: str
    ) -> list[extractor_service_pb2.ExtractedAttribute]:
        ttl = int_param(
            request,
            "ttl",
            self.settings.default_attribute_ttl_s,
            minimum=1,
            maximum=MAX_ATTRIBUTE_TTL_S,
        )
        extract_descriptor = flag_param(request, "extract_descriptor", default=True)
        extract_basic = flag_param(request, "extract_basic_attributes")
        aggregate = flag_param(request, "aggregate_attributes")
        threshold = score_threshold(request)
        if not extract_descriptor and not extract_basic:
            raise LunaError(errors.BAD_QUERY_PARAM, name="extract_descriptor")
        inference = require(self.inference)
        warps = [self._warp(sample_id, account_id) for sample_id in sample_ids]
        faces = inference.analyse_warps(
            warps, AnalysisOptions(descriptor=extract_descriptor, basic_attributes=extract_basic)
        )
        descriptors = scores = None
        if extract_descriptor:
            descriptors = np.stack([np.asarray(face.descriptor) for face in faces])
            scores = np.array([face.descriptor_score for face in faces], dtype=np.float32)
        basics = [face.basic for face in faces if face.basic is not None] if extract_basic else None
        groups: list[list[int]] = [list(range(len(sample_ids)))] if aggregate else [[i] for i in range(len(sample_ids))]
        results = []
        with self.storage.write() as batch:
            for group in groups:
                samples = [sample_ids[i] for i in group]
                score = float(np.mean(scores[group])) if scores is not None else None
                if score is not None and threshold > 0 and score < threshold:
                    results.append(filtered_attribute(score, threshold))
                    continue
                data = AttributeData(
                    face_descriptor_samples=samples if descriptors is not None else [],
                    basic_attributes_samples=samples if basics is not None else [],
                )
                if descriptors is not None:
                    data.descriptors[current_version()] = mean_descriptor(descriptors[group])
                basic = aggregate_basic([basics[i] for i in group]) if basics is not None else None
                if basic is not None:
                    data.basic_attributes = stored_basic_attributes(basic)
                attribute_id = str(uuid.uuid4())
                self.storage.attributes.insert(batch, attribute_id, account_id, data, ttl)
                item = extractor_service_pb2.ExtractedAttribute(samples=list(dict.fromkeys(samples)))
                item.attribute_id.string_value = attribute_id
                item.url.string_value = f"/6/attributes/{attribute_id}"
                if basic is not None:
                    item.basic_attributes.CopyFrom(basic_attributes_message(basic))
                if score is not None:
                    item.score = score
                results.append(item)
        return results

    def _warp(self, sample_id: str, account_id: str) -> np.ndarray:
        """The stored sample as a 250x250 RGB warp (13003 when missing, 13010 when unreadable)."""
        data = self.blobs.read(FACE_SAMPLES, sample_id, account_id).data
        try:
            # Reduced while decoding (a sample of any size becomes a 250x250 warp), charged to the decode budget.
            decoded = decode(data, use_exif_info=False, work_pixels=SAMPLE_WORK_PIXELS)
        except LunaError:
            raise LunaError(errors.BAD_IMAGE, reason=f"sample '{sample_id}' is not a readable image") from None
        return warp_pixels(decoded.pixels)


def filtered_attribute(score: float, threshold: float) -> extractor_service_pb2.ExtractedAttribute:
    """The item of an attribute dropped by score_threshold (v6: no samples, null id and url)."""
    item = extractor_service_pb2.ExtractedAttribute(score=score)
    item.attribute_id.null_value = struct_pb2.NULL_VALUE
    item.url.null_value = struct_pb2.NULL_VALUE
    item.filter.is_filtered = True
    item.filter.filter_reasons.add(filter_name="score_threshold", object_value=score, threshold_value=threshold)
    return item


def register(server: Any, context: Any) -> None:
    extractor_service_pb2_grpc.add_ExtractorServiceServicer_to_server(
        ExtractorService(context.storage, context.settings, context.face_inference), server
    )
    context.service_names.append(extractor_service_pb2.DESCRIPTOR.services_by_name["ExtractorService"].full_name)
