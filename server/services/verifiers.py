"""VerifiersService: verifiers and verification (v6 API-139..147).

CRUD as for handlers (server/services/handlers.py): REST bodies (HttpBody) and gRPC typed bodies (VerifierParams)
become one JSON document checked by BODY_SCHEMA, then server/verifiers/policies.py parses the policies with every
default; the stored policies are that complete JSON. PUT replaces the whole verifier and increments `version`.

POST /6/verifiers/{id}/raw: every reference descriptor against every candidate descriptor (the /6/matcher/raw
body); POST /6/verifiers/{id}/verifications: images (or one SDK descriptor) processed with the verifier's
policies, each detection verified against the stored candidates named in the query (server/verifiers/
verification.py). A pair is verified (status true) when its similarity is greater than verification_threshold.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
from google.api import httpbody_pb2
from google.protobuf import json_format, struct_pb2

from inference.analysis import FaceAnalysis
from lumen.v6 import common_pb2, verifiers_pb2, verifiers_service_pb2, verifiers_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.face_inference import FaceInference, require
from server.face_results import (
    SUCCESS,
    basic_attributes_message,
    encode_warp,
    face_detection_result,
    filtered_detections,
    per_image_error,
    stored_basic_attributes,
)
from server.handlers.detections import PlannedDetections, analyse_with_plan
from server.handlers.inputs import parse_events_body
from server.handlers.plan import Plan
from server.json_http import json_http_body
from server.matching.live import MatchingIndexes
from server.rpc import Call, luna_rpc
from server.services.blob_resources import FACE_SAMPLES, BlobResources
from server.services.common import EXTERNAL_ID_MAX
from server.services.image_input import InputImage
from server.services.matcher import MATCH_RAW_SCHEMA, descriptor_from_data
from server.storage.descriptors import current_version
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.verifiers import VerifierFilter, VerifierRow
from server.storage.store import Storage
from server.validation import (
    flag_param,
    json_body,
    list_param,
    now,
    page_params,
    path_uuid,
    str_param,
    uuid_list_param,
)
from server.verifiers.policies import (
    VerifierPolicies,
    parse_verifier_policies,
    policies_text,
    stored_verifier_policies,
    verifier_policies_to_json,
)
from server.verifiers.verification import (
    MAX_CANDIDATES,
    Candidate,
    CandidateIds,
    CandidateResolver,
    similarities,
    verifier_plan,
    verify,
)

DESCRIPTION_MAX = 128
VERIFIER_URL = "/6/verifiers/{verifier_id}"
ATTRIBUTE_URL = "/6/attributes/{attribute_id}"
BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
        # Checked by server/verifiers/policies.py (12022 with its path).
        "policies": {"type": ["object", "null"]},
    },
    "additionalProperties": False,
}
DESCRIPTOR_FILENAME = "raw descriptor"
CANDIDATE_PARAMS = ("face_ids", "external_ids", "attribute_ids", "event_ids")


def verifier_json(row: VerifierRow) -> dict[str, Any]:
    """The v6 Verifier object (§3.2), keys in v6 order."""
    return {
        "verifier_id": row["verifier_id"],
        "account_id": row["account_id"],
        "description": row["description"],
        "policies": verifier_policies_to_json(stored_verifier_policies(row["policies"])),
        "create_time": row["create_time"],
        "last_update_time": row["last_update_time"],
        "version": row["version"],
    }


def verifier_message(row: VerifierRow) -> verifiers_pb2.Verifier:
    """The typed Verifier of gRPC clients (v6 nulls are absent fields)."""
    return json_format.ParseDict(verifier_json(row), verifiers_pb2.Verifier())


def verifier_content(body: dict[str, Any]) -> tuple[str, str]:
    """(description, complete policies JSON text) of a create/replace body."""
    return body.get("description", ""), policies_text(parse_verifier_policies(body.get("policies")))


def verifier_filters(request: Any, account_id: str | None) -> VerifierFilter:
    return VerifierFilter(
        account_id=account_id, description_contains=str_param(request, "description", max_length=DESCRIPTION_MAX)
    )


def candidate_ids(request: verifiers_service_pb2.VerifyRequest) -> CandidateIds:
    """The candidates of the query (12012 naming the parameter: malformed, none at all, or too many)."""
    external_ids = list_param(request, "external_ids") or []
    if any(len(item) > EXTERNAL_ID_MAX for item in external_ids):
        raise LunaError(errors.BAD_QUERY_PARAM, name="external_ids")
    ids = CandidateIds(
        face_ids=tuple(uuid_list_param(request, "face_ids") or ()),
        external_ids=tuple(external_ids),
        attribute_ids=tuple(uuid_list_param(request, "attribute_ids") or ()),
        event_ids=tuple(uuid_list_param(request, "event_ids") or ()),
    )
    counts = {name: len(getattr(ids, name)) for name in CANDIDATE_PARAMS}
    if not any(counts.values()):
        raise LunaError(errors.BAD_QUERY_PARAM, name="face_ids")
    if sum(counts.values()) > MAX_CANDIDATES:
        raise LunaError(errors.BAD_QUERY_PARAM, name=max(counts, key=lambda name: counts[name]))
    return ids


def _text_or_null(value: str | None) -> struct_pb2.Value:
    found = struct_pb2.Value()
    if value is None:
        found.null_value = struct_pb2.NULL_VALUE
    else:
        found.string_value = value
    return found


def fill_verifications(
    target: verifiers_pb2.VerifiedFaceDetection, results: list[tuple[Candidate, float, bool]]
) -> None:
    for candidate, similarity, status in results:
        item = target.verifications.add(similarity=similarity, status=status)
        if candidate.kind == "face":
            item.face.face_id = candidate.object_id
        elif candidate.kind == "attribute":
            item.attribute.attribute_id = candidate.object_id
        else:
            item.event.event_id = candidate.object_id


class VerifiersService(verifiers_service_pb2_grpc.VerifiersServiceServicer):
    def __init__(self, storage: Storage, matching: MatchingIndexes, inference: FaceInference | None) -> None:
        self.storage = storage
        self.blobs = BlobResources(storage)
        self.candidates = CandidateResolver(storage, matching)
        self.inference = inference

    def _row(self, verifier_id: str, account_id: str | None) -> VerifierRow:
        row = self.storage.verifiers.get(verifier_id, account_id)
        if row is None:
            raise LunaError(errors.VERIFIER_NOT_FOUND, id=verifier_id)
        return row

    def _policies(self, request: Any, account_id: str) -> VerifierPolicies:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        return stored_verifier_policies(self._row(verifier_id, account_id)["policies"])

    def _rows(self, request: Any, call: Call) -> list[VerifierRow]:
        offset, limit = page_params(request)
        return self.storage.verifiers.find(verifier_filters(request, call.account_id), offset=offset, limit=limit)

    # -- CRUD ----------------------------------------------------------------------------------

    @luna_rpc(account_required=True)
    def CreateVerifier(
        self, request: verifiers_service_pb2.CreateVerifierRequest, call: Call
    ) -> verifiers_service_pb2.CreateVerifierResponse:
        body = json_body(request.body, request.params, BODY_SCHEMA, has_params=request.HasField("params"))
        description, policies = verifier_content(body)
        verifier_id = str(uuid.uuid4())
        created = now()
        with self.storage.write() as batch:
            self.storage.verifiers.insert(
                batch,
                VerifierRow(
                    verifier_id=verifier_id,
                    account_id=call.require_account(),
                    description=description,
                    policies=policies,
                    version=0,
                    create_time=created,
                    last_update_time=created,
                ),
            )
        return verifiers_service_pb2.CreateVerifierResponse(
            verifier_id=verifier_id, url=VERIFIER_URL.format(verifier_id=verifier_id)
        )

    @luna_rpc()
    def GetVerifiers(self, request: verifiers_service_pb2.GetVerifiersRequest, call: Call) -> httpbody_pb2.HttpBody:
        return json_http_body([verifier_json(row) for row in self._rows(request, call)])

    @luna_rpc()
    def GetVerifiersTyped(
        self, request: verifiers_service_pb2.GetVerifiersTypedRequest, call: Call
    ) -> verifiers_service_pb2.GetVerifiersResponse:
        return verifiers_service_pb2.GetVerifiersResponse(
            verifiers=[verifier_message(row) for row in self._rows(request, call)]
        )

    @luna_rpc()
    def CountVerifiers(
        self, request: verifiers_service_pb2.CountVerifiersRequest, call: Call
    ) -> verifiers_service_pb2.CountVerifiersResponse:
        count = self.storage.verifiers.count(verifier_filters(request, call.account_id))
        return verifiers_service_pb2.CountVerifiersResponse(verifiers_count=count)

    @luna_rpc()
    def GetVerifier(self, request: verifiers_service_pb2.GetVerifierRequest, call: Call) -> httpbody_pb2.HttpBody:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        return json_http_body(verifier_json(self._row(verifier_id, call.account_id)))

    @luna_rpc()
    def GetVerifierTyped(
        self, request: verifiers_service_pb2.GetVerifierTypedRequest, call: Call
    ) -> verifiers_pb2.Verifier:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        return verifier_message(self._row(verifier_id, call.account_id))

    @luna_rpc(account_required=True)
    def PutVerifier(
        self, request: verifiers_service_pb2.PutVerifierRequest, call: Call
    ) -> verifiers_service_pb2.PutVerifierResponse:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        body = json_body(request.body, request.params, BODY_SCHEMA, has_params=request.HasField("params"))
        description, policies = verifier_content(body)
        account_id = call.require_account()
        with self.storage.write() as batch:
            version = self.storage.verifiers.replace(
                batch, verifier_id, account_id, description=description, policies=policies, stamp=now()
            )
            if version is None:
                raise LunaError(errors.VERIFIER_NOT_FOUND, id=verifier_id)
        return verifiers_service_pb2.PutVerifierResponse(version=version)

    @luna_rpc()
    def VerifierExists(self, request: verifiers_service_pb2.VerifierExistsRequest, call: Call) -> common_pb2.NoContent:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        if not self.storage.verifiers.exists(verifier_id, call.account_id):
            raise LunaError(errors.VERIFIER_NOT_FOUND, id=verifier_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteVerifier(self, request: verifiers_service_pb2.DeleteVerifierRequest, call: Call) -> common_pb2.NoContent:
        verifier_id = path_uuid(request.verifier_id, "verifier_id")
        account_id = call.require_account()
        with self.storage.write() as batch:
            if not self.storage.verifiers.delete(batch, verifier_id, account_id):
                raise LunaError(errors.VERIFIER_NOT_FOUND, id=verifier_id)
        return common_pb2.NoContent()

    # -- verification --------------------------------------------------------------------------

    @luna_rpc(account_required=True)
    def VerifyRaw(
        self, request: verifiers_service_pb2.VerifyRawRequest, call: Call
    ) -> verifiers_service_pb2.VerifyRawResponse:
        policies = self._policies(request, call.require_account())
        body = json_body(
            request.body, request.params, MATCH_RAW_SCHEMA, has_params=request.HasField("params"), accept_msgpack=True
        )
        sides = []
        for side in ("references", "candidates"):
            items = body[side]
            vectors = [
                descriptor_from_data(str(item["type"]), item["data"], f"{side}.{i}.data")
                for i, item in enumerate(items)
            ]
            sides.append(([str(item["id"]) for item in items], np.stack(vectors)))
        (reference_ids, references), (candidate_ids_, candidates) = sides
        sims = similarities(references, candidates)
        threshold = policies.verification_threshold
        response = verifiers_service_pb2.VerifyRawResponse()
        for reference_id, line in zip(reference_ids, sims, strict=True):
            item = response.matches.add(reference_id=reference_id)
            for candidate_id, similarity in zip(candidate_ids_, line.tolist(), strict=True):
                item.matches.add(candidate_id=candidate_id, similarity=similarity, status=similarity > threshold)
        return response

    @luna_rpc(account_required=True)
    def Verify(self, request: verifiers_service_pb2.VerifyRequest, call: Call) -> verifiers_service_pb2.VerifyResponse:
        account_id = call.require_account()
        ids = candidate_ids(request)
        use_exif_info = flag_param(request, "use_exif_info", True)
        policies = self._policies(request, account_id)
        body = parse_events_body(request.body)
        candidates = self.candidates.resolve(ids, account_id)
        threshold = policies.verification_threshold
        response = verifiers_service_pb2.VerifyResponse()
        if body.descriptor is not None:
            image = response.images.add(filename=DESCRIPTOR_FILENAME, status=1)
            image.error.CopyFrom(SUCCESS)
            detection = image.detections.face_detections.add()
            fill_verifications(detection, verify(body.descriptor, candidates, threshold))
            detection.face_attributes.attribute_id.CopyFrom(_text_or_null(None))
            detection.face_attributes.url.CopyFrom(_text_or_null(None))
            image.detections.filtered_detections.SetInParent()
            return response
        inference = require(self.inference)
        plan = verifier_plan(policies)
        # Every image is analysed before anything is stored: a request that fails as a whole (40004) stores nothing.
        outcomes = [self._analyse(item.image, inference, plan, use_exif_info) for item in body.images]
        for item, outcome in zip(body.images, outcomes, strict=True):
            response.images.append(self._image(item.image, outcome, policies, candidates, account_id))
        return response

    @staticmethod
    def _analyse(
        item: InputImage, inference: FaceInference, plan: Plan, use_exif_info: bool
    ) -> PlannedDetections | common_pb2.Error:
        """The image's detections, or its own error object (the other images go on)."""
        try:
            return analyse_with_plan(item, inference, plan, warped=False, use_exif_info=use_exif_info)
        except LunaError as error:
            return per_image_error(error)

    def _image(
        self,
        item: InputImage,
        found: PlannedDetections | common_pb2.Error,
        policies: VerifierPolicies,
        candidates: list[Candidate],
        account_id: str,
    ) -> verifiers_pb2.VerificationImage:
        result = verifiers_pb2.VerificationImage(filename=item.filename)
        if isinstance(found, common_pb2.Error):
            result.error.CopyFrom(found)
            result.status = 0
            return result
        result.error.CopyFrom(SUCCESS)
        result.status = 1
        if found.exif is not None:
            result.exif.update(found.exif)
        detections = result.detections
        for face in found.kept:
            detection = detections.face_detections.add()
            if face.descriptor is not None:
                probe = np.asarray(face.descriptor, dtype=np.float32)
                fill_verifications(detection, verify(probe, candidates, policies.verification_threshold))
            self._store_and_describe(detection, face, policies, account_id)
            quality = found.face_quality.get(id(face))
            if quality is not None:
                detection.sample.face.face_quality.CopyFrom(quality)
        detections.filtered_detections.CopyFrom(filtered_detections(item.filename, found.filtered))
        return result

    def _store_and_describe(
        self,
        target: verifiers_pb2.VerifiedFaceDetection,
        face: FaceAnalysis,
        policies: VerifierPolicies,
        account_id: str,
    ) -> None:
        """face_attributes and sample of one verified detection, storing the sample and the attribute as the
        storage policy says."""
        sample_id = sample_url = attribute_id = None
        if policies.store_sample and face.warp is not None:
            sample_id, sample_url = self.blobs.create(FACE_SAMPLES, account_id, "image/jpeg", encode_warp(face.warp))
        samples = [sample_id] if sample_id is not None else []
        if policies.store_attribute and face.descriptor is not None:
            data = AttributeData(face_descriptor_samples=samples)
            data.descriptors[current_version()] = np.asarray(face.descriptor, dtype=np.float32)
            if face.basic is not None:
                data.basic_attributes = stored_basic_attributes(face.basic)
                data.basic_attributes_samples = samples
            attribute_id = str(uuid.uuid4())
            ttl = policies.policies.storage_policy.attribute_policy.ttl
            with self.storage.write() as batch:
                self.storage.attributes.insert(batch, attribute_id, account_id, data, ttl)
        attributes = target.face_attributes
        attributes.attribute_id.CopyFrom(_text_or_null(attribute_id))
        attributes.url.CopyFrom(
            _text_or_null(None if attribute_id is None else ATTRIBUTE_URL.format(attribute_id=attribute_id))
        )
        attributes.samples.extend(samples)
        if face.descriptor_score is not None:
            attributes.score = face.descriptor_score
        if face.basic is not None:
            attributes.basic_attributes.CopyFrom(basic_attributes_message(face.basic))
        sample = target.sample.face
        sample.sample_id.CopyFrom(_text_or_null(sample_id))
        sample.url.CopyFrom(_text_or_null(sample_url))
        found = face_detection_result(face)
        sample.rect.CopyFrom(found.rect)
        if found.HasField("landmarks5"):
            sample.landmarks5.CopyFrom(found.landmarks5)
        if found.HasField("landmarks68"):
            sample.landmarks68.CopyFrom(found.landmarks68)
        if found.HasField("attributes"):
            sample.attributes.CopyFrom(found.attributes)
        if found.HasField("quality"):
            sample.quality.CopyFrom(found.quality)


def register(server: Any, context: Any) -> None:
    verifiers_service_pb2_grpc.add_VerifiersServiceServicer_to_server(
        VerifiersService(context.storage, context.matching, context.face_inference), server
    )
    context.service_names.append(verifiers_service_pb2.DESCRIPTOR.services_by_name["VerifiersService"].full_name)
