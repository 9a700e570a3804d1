"""MatcherService: descriptor matching (v6 API-076..081).

POST /6/matcher/faces matches up to 30 references against up to 30 candidate entries:
- references: `face` (face UUID), `attribute` (temporary attribute UUID), `face_external_id` (every
  face with that external ID that has a descriptor becomes one reference, echoed with its
  `face_id`), `raw_descriptor` (`data`: base64 raw descriptor of version 300, or
  `{descriptor, version}`), `sdk_descriptor` (`data`: base64 SDK descriptor "dp\\0\\0" + version).
  `event` (event UUID), `event_external_id`, `event_track_id` (every event with that external or track ID
  that has a descriptor becomes one reference, echoed with its `event_id`); `xpk_file` (format
  undocumented) answers 40023.
- candidates: `faces` (the face filters of GET /6/faces plus `account_id`, searched in the
  in-memory index: list and id filters restrict rows directly, the SQL-only filters (external_ids,
  user_data, create_time and face_id ranges) first select candidate ids from SQLite), `attributes`
  (live temporary attributes, brute force), `events` (stored event descriptors, the §4.5 filters;
  server/matching/events.py).
- Luna-Account-Id (optional) limits references and candidates to that account; a filter
  `account_id` of another account matches nothing.
The REST answer is a bare JSON array (server/json_http.py); gRPC clients call MatchFacesTyped.

POST /6/matcher/raw: similarity of every reference/candidate pair of given descriptors.
POST /6/matcher/bodies: the body is validated like the others (12017/12021/12022: references 1..30 of event
or body descriptor types, candidates 1..30 with origin "events"), then the documented error 40024: there is
no body descriptor model (server/capabilities.py; GET /6/config capabilities.body_matching).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from lumen.v6 import matcher_pb2, matcher_service_pb2, matcher_service_pb2_grpc
from server import errors
from server.descriptor_codec import decode_raw, decode_sdk, unsupported_version
from server.errors import LunaError
from server.events.filters import EVENT_FILTERS_SCHEMA, event_filter
from server.events.records import EVENT_TARGETS, stored_event_json
from server.json_http import json_array_body
from server.matching import Match
from server.matching.events import event_vectors, search_events
from server.matching.faces import FaceCandidates, lists_of, scope, search_faces
from server.matching.index import normalise
from server.matching.live import MatchingIndexes
from server.matching.similarity import similarity_from_cosine
from server.rpc import Call, luna_rpc
from server.services.attributes import to_message as attribute_message
from server.services.common import EXTERNAL_ID_MAX, USER_DATA_MAX
from server.services.events import to_event
from server.services.faces import FACE_TARGETS, to_face
from server.storage.descriptors import current_version
from server.storage.repositories.events import EventFilter
from server.storage.repositories.faces import FaceFilter, FaceRow
from server.storage.store import Storage
from server.validation import UUID_SCHEMA, format_time, json_body, parse_time

_LOGGER = logging.getLogger(__name__)

MAX_REFERENCES = 30
MAX_CANDIDATES = 30
MAX_RAW_ITEMS = 100
MAX_FILTER_IDS = 1000
DEFAULT_LIMIT = 3
MAX_LIMIT = 100

FACE_REFERENCE_TYPES = ("face", "attribute", "face_external_id")
EVENT_REFERENCE_TYPES = ("event", "event_external_id", "event_track_id")
DESCRIPTOR_TYPES = ("raw_descriptor", "sdk_descriptor", "xpk_file")
ATTRIBUTE_TARGETS = (
    "attribute_id",
    "account_id",
    "create_time",
    "face_descriptor_samples",
    "basic_attributes_samples",
    "basic_attributes",
)
SIMILARITY = "similarity"

RAW_DATA_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"descriptor": {"type": "string"}, "version": {"type": "integer"}},
            "required": ["descriptor", "version"],
            "additionalProperties": False,
        },
    ]
}


def _when_type(types: tuple[str, ...], then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"properties": {"type": {"enum": list(types)}}, "required": ["type"]}, "then": then}


REFERENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": [*FACE_REFERENCE_TYPES, *EVENT_REFERENCE_TYPES, *DESCRIPTOR_TYPES]},
        "id": {"type": "string", "minLength": 1, "maxLength": 128},
        "data": {},
    },
    "required": ["type", "id"],
    "additionalProperties": False,
    "allOf": [
        _when_type(("face", "attribute", "event"), {"properties": {"id": UUID_SCHEMA}}),
        _when_type(("face_external_id", "event_external_id"), {"properties": {"id": {"maxLength": EXTERNAL_ID_MAX}}}),
        _when_type(DESCRIPTOR_TYPES, {"required": ["data"]}),
        _when_type(("raw_descriptor",), {"properties": {"data": RAW_DATA_SCHEMA}}),
        _when_type(("sdk_descriptor", "xpk_file"), {"properties": {"data": {"type": "string"}}}),
    ],
}
_UUIDS: dict[str, Any] = {"type": "array", "items": UUID_SCHEMA, "maxItems": MAX_FILTER_IDS}
_TIME: dict[str, Any] = {"type": "string", "minLength": 1}
FACE_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "origin": {"const": "faces"},
        "face_ids": _UUIDS,
        "account_id": UUID_SCHEMA,
        "external_ids": {
            "type": "array",
            "items": {"type": "string", "maxLength": EXTERNAL_ID_MAX},
            "maxItems": MAX_FILTER_IDS,
        },
        "user_data": {"type": "string", "maxLength": USER_DATA_MAX},
        "create_time__gte": _TIME,
        "create_time__lt": _TIME,
        "face_id__gte": UUID_SCHEMA,
        "face_id__lt": UUID_SCHEMA,
        "list_id": UUID_SCHEMA,
    },
    "required": ["origin"],
    "additionalProperties": False,
}
ATTRIBUTE_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"origin": {"const": "attributes"}, "attribute_ids": _UUIDS, "account_id": UUID_SCHEMA},
    "required": ["origin"],
    "additionalProperties": False,
}
# The fields of a matched event when the candidate gives no targets (§2.5).
EVENT_CANDIDATE_FIELDS = ("event_id", "external_id", "user_data", "create_time", "handler_id", "source")


def _when_origin(origin: str, filters: dict[str, Any], targets: tuple[str, ...] | None) -> dict[str, Any]:
    then: dict[str, Any] = {"properties": {"filters": filters}}
    if targets is not None:
        then["properties"]["targets"] = {"items": {"enum": [*targets, SIMILARITY]}}
    return {"if": {"properties": {"filters": {"properties": {"origin": {"const": origin}}}}}, "then": then}


CANDIDATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "properties": {"origin": {"type": "string", "enum": ["faces", "attributes", "events"]}},
            "required": ["origin"],
        },
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "targets": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
        "order": {},
    },
    "required": ["filters"],
    "additionalProperties": False,
    "allOf": [
        _when_origin("faces", FACE_FILTERS_SCHEMA, FACE_TARGETS),
        _when_origin("attributes", ATTRIBUTE_FILTERS_SCHEMA, ATTRIBUTE_TARGETS),
        _when_origin("events", EVENT_FILTERS_SCHEMA, EVENT_TARGETS),
    ],
}
MATCH_FACES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "references": {"type": "array", "items": REFERENCE_SCHEMA, "minItems": 1, "maxItems": MAX_REFERENCES},
        "candidates": {"type": "array", "items": CANDIDATE_SCHEMA, "minItems": 0, "maxItems": MAX_CANDIDATES},
    },
    "required": ["candidates", "references"],
    "additionalProperties": False,
}
BODY_REFERENCE_TYPES = (*EVENT_REFERENCE_TYPES, "sdk_descriptor", "raw_descriptor")
BODY_CANDIDATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filters": {**EVENT_FILTERS_SCHEMA, "required": ["origin"]},
        "limit": CANDIDATE_SCHEMA["properties"]["limit"],
        "threshold": CANDIDATE_SCHEMA["properties"]["threshold"],
        "targets": CANDIDATE_SCHEMA["properties"]["targets"],
        "order": {},
    },
    "required": ["filters"],
    "additionalProperties": False,
}
# v6 API-078: references are events or body descriptors, candidates are events (1..30 each).
MATCH_BODIES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "references": {
            "type": "array",
            "items": {
                **REFERENCE_SCHEMA,
                "properties": {
                    **REFERENCE_SCHEMA["properties"],
                    "type": {"type": "string", "enum": list(BODY_REFERENCE_TYPES)},
                },
            },
            "minItems": 1,
            "maxItems": MAX_REFERENCES,
        },
        "candidates": {"type": "array", "items": BODY_CANDIDATE_SCHEMA, "minItems": 1, "maxItems": MAX_CANDIDATES},
    },
    "required": ["references", "candidates"],
    "additionalProperties": False,
}
RAW_ENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 128},
        "type": {"type": "string", "enum": list(DESCRIPTOR_TYPES)},
        "data": {},
    },
    "required": ["id", "type", "data"],
    "additionalProperties": False,
    "allOf": [
        _when_type(("raw_descriptor",), {"properties": {"data": RAW_DATA_SCHEMA}}),
        _when_type(("sdk_descriptor", "xpk_file"), {"properties": {"data": {"type": "string"}}}),
    ],
}
MATCH_RAW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "references": {"type": "array", "items": RAW_ENTITY_SCHEMA, "minItems": 1, "maxItems": MAX_RAW_ITEMS},
        "candidates": {"type": "array", "items": RAW_ENTITY_SCHEMA, "minItems": 1, "maxItems": MAX_RAW_ITEMS},
    },
    "required": ["references", "candidates"],
    "additionalProperties": False,
}


@dataclass
class Reference:
    """A resolved reference: what the answer echoes and the descriptor to match."""

    echo: matcher_pb2.MatchReference
    vector: np.ndarray


def descriptor_from_data(kind: str, data: Any, path: str) -> np.ndarray:
    """A float32 vector of Lumen's matching version from a raw/SDK/XPK `data` value."""
    if kind == "xpk_file":
        raise LunaError(errors.MATCH_XPK_NOT_SUPPORTED)
    if kind == "sdk_descriptor":
        version, vector = decode_sdk(str(data))
    elif isinstance(data, dict):
        version = int(data["version"])
        vector = decode_raw(str(data["descriptor"]), version)
    else:
        version, vector = current_version(), decode_raw(str(data), current_version())
    if version != current_version():
        raise unsupported_version(version, str(current_version()))  # matching compares the current version only
    if not np.all(np.isfinite(vector)):
        raise LunaError(errors.JSON_VALIDATION, path=path, message="descriptor has non-finite values")
    return vector


def _body_time(value: str, path: str) -> str:
    try:
        return format_time(parse_time(value))
    except ValueError:
        raise LunaError(errors.JSON_VALIDATION, path=path, message=f"'{value}' is not a date-time") from None


def _struct(document: dict[str, Any]) -> struct_pb2.Struct:
    found = struct_pb2.Struct()
    found.update(document)
    return found


class MatcherService(matcher_service_pb2_grpc.MatcherServiceServicer):
    def __init__(self, storage: Storage, matching: MatchingIndexes) -> None:
        self.storage = storage
        self.matching = matching

    # -- references ----------------------------------------------------------------------------

    def _references(self, items: list[dict[str, Any]], account_id: str | None) -> list[Reference]:
        resolved: list[Reference] = []
        for position, item in enumerate(items):
            kind, ref_id = str(item["type"]), str(item["id"])
            if kind in ("face", "attribute"):
                ref_id = ref_id.lower()
            echo = matcher_pb2.MatchReference(id=ref_id, type=kind)
            if kind == "face":
                resolved.append(Reference(echo, self._face_vector(ref_id, account_id)))
            elif kind == "attribute":
                resolved.append(Reference(echo, self._attribute_vector(ref_id, account_id)))
            elif kind == "face_external_id":
                resolved.extend(self._external_id_references(echo, account_id))
            elif kind in EVENT_REFERENCE_TYPES:
                resolved.extend(self._event_references(echo, account_id))
            else:
                vector = descriptor_from_data(kind, item["data"], f"references.{position}.data")
                resolved.append(Reference(echo, vector))
        return resolved

    def _face_vector(self, face_id: str, account_id: str | None) -> np.ndarray:
        if self.storage.faces.get(face_id, account_id) is None:
            raise LunaError(errors.FACE_NOT_FOUND, id=face_id)
        vector = self.matching.faces.get(face_id)
        if vector is None:
            raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=face_id, version=self.matching.version)
        return vector

    def _attribute_vector(self, attribute_id: str, account_id: str | None) -> np.ndarray:
        if not self.storage.attributes.live([attribute_id], account_id):
            raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
        blob = self.storage.attributes.descriptors([attribute_id], self.matching.version).get(attribute_id, {})
        data = blob.get(self.matching.version)
        if data is None:
            raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=attribute_id, version=self.matching.version)
        return np.frombuffer(data, dtype="<f4").astype(np.float32)

    def _external_id_references(self, echo: matcher_pb2.MatchReference, account_id: str | None) -> list[Reference]:
        face_ids = self.storage.faces.ids(FaceFilter(account_id=account_id, external_ids=[echo.id]), ordered=True)
        found = []
        for face_id in face_ids:
            vector = self.matching.faces.get(face_id)
            if vector is not None:
                found.append(Reference(matcher_pb2.MatchReference(id=echo.id, type=echo.type, face_id=face_id), vector))
        if not found:
            raise LunaError(errors.MATCH_EXTERNAL_ID_NOT_FOUND, id=echo.id)
        return found

    def _event_references(self, echo: matcher_pb2.MatchReference, account_id: str | None) -> list[Reference]:
        """An `event` reference, or one reference per event (with a descriptor) of an external / track ID."""
        if echo.type == "event":
            echo.id = echo.id.lower()
            if not self.storage.events.repository.exists(echo.id, account_id):
                raise LunaError(errors.EVENT_NOT_FOUND, id=echo.id)
            vector = self.matching.events.get(echo.id)
            if vector is None:
                raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=echo.id, version=self.matching.version)
            return [Reference(echo, vector)]
        kind = "external_id" if echo.type == "event_external_id" else "track_id"
        found = EventFilter(
            account_id=account_id,
            with_descriptor=True,
            external_ids=[echo.id] if kind == "external_id" else None,
            track_ids=[echo.id] if kind == "track_id" else None,
        )
        pairs = self.storage.events.repository.ids(found)
        vectors = event_vectors(self.matching, sorted(event_id for event_id, _ in pairs))
        if not vectors:
            raise LunaError(errors.MATCH_EVENT_REFERENCE_NOT_FOUND, kind=kind, id=echo.id)
        return [
            Reference(matcher_pb2.MatchReference(id=echo.id, type=echo.type, event_id=event_id), vector)
            for event_id, vector in vectors.items()
        ]

    # -- candidates ----------------------------------------------------------------------------

    def _event_candidates(
        self, vectors: np.ndarray, candidate: dict[str, Any], position: int, account_id: str | None
    ) -> list[list[matcher_pb2.MatchedCandidate]]:
        filters = candidate["filters"]
        possible, account = scope(filters.get("account_id"), account_id)
        if not possible:
            return [[] for _ in range(vectors.shape[0])]
        found = search_events(
            self.storage,
            self.matching,
            vectors,
            event_filter(filters, account, f"candidates.{position}.filters"),
            limit=int(candidate.get("limit", DEFAULT_LIMIT)),
            threshold=float(candidate["threshold"]) if "threshold" in candidate else None,
        )
        targets = candidate.get("targets")
        fields = EVENT_CANDIDATE_FIELDS if targets is None else [t for t in targets if t != SIMILARITY]
        with_similarity = targets is None or SIMILARITY in targets
        results = []
        for items in found:
            matched = []
            for item in items:
                result = matcher_pb2.MatchedCandidate()
                if fields:
                    result.event.CopyFrom(to_event(stored_event_json(item.record, fields)))
                if with_similarity:
                    result.similarity = item.match.similarity
                matched.append(result)
            results.append(matched)
        return results

    def _face_candidates(
        self, vectors: np.ndarray, candidate: dict[str, Any], position: int, account_id: str | None
    ) -> list[list[matcher_pb2.MatchedCandidate]]:
        filters = candidate["filters"]
        path = f"candidates.{position}.filters"
        times = {
            name: _body_time(str(filters[name]), f"{path}.{name}")
            for name in ("create_time__gte", "create_time__lt")
            if name in filters
        }
        candidates = FaceCandidates(
            account_id=str(filters["account_id"]) if "account_id" in filters else None,
            face_ids=[str(f).lower() for f in filters["face_ids"]] if "face_ids" in filters else None,
            external_ids=filters.get("external_ids"),
            user_data=filters.get("user_data"),
            create_time_gte=times.get("create_time__gte"),
            create_time_lt=times.get("create_time__lt"),
            face_id_gte=filters.get("face_id__gte", "").lower() or None,
            face_id_lt=filters.get("face_id__lt", "").lower() or None,
            list_id=str(filters["list_id"]).lower() if "list_id" in filters else None,
        )
        limit = int(candidate.get("limit", DEFAULT_LIMIT))
        threshold = float(candidate["threshold"]) if "threshold" in candidate else None
        targets = candidate.get("targets")
        face_targets = None if targets is None else [t for t in targets if t != SIMILARITY]
        with_similarity = targets is None or SIMILARITY in targets
        found = search_faces(
            self.storage, self.matching, vectors, candidates, limit=limit, threshold=threshold, account_id=account_id
        )
        lists = lists_of(self.storage, found) if face_targets is None or "lists" in face_targets else {}
        return [
            [self._face_result(item.match, item.row, lists, face_targets, with_similarity) for item in items]
            for items in found
        ]

    @staticmethod
    def _face_result(
        match: Match,
        row: FaceRow,
        lists: dict[str, list[str]],
        face_targets: list[str] | None,
        with_similarity: bool,
    ) -> matcher_pb2.MatchedCandidate:
        item = matcher_pb2.MatchedCandidate()
        if face_targets is None or face_targets:
            item.face.CopyFrom(to_face(row, lists.get(match.face_id, []), face_targets))
        if with_similarity:
            item.similarity = match.similarity
        return item

    def _attribute_candidates(
        self, vectors: np.ndarray, candidate: dict[str, Any], account_id: str | None
    ) -> list[list[matcher_pb2.MatchedCandidate]]:
        filters = candidate["filters"]
        empty: list[list[matcher_pb2.MatchedCandidate]] = [[] for _ in range(vectors.shape[0])]
        possible, account = scope(filters.get("account_id"), account_id)
        if not possible:
            return empty
        attribute_ids = [str(a).lower() for a in filters["attribute_ids"]] if "attribute_ids" in filters else None
        pairs = self.storage.attributes.live_descriptors(self.matching.version, account, attribute_ids)
        if not pairs:
            return empty
        ids = [str(p[0]) for p in pairs]
        matrix = normalise(
            np.frombuffer(b"".join(bytes(p[1]) for p in pairs), dtype="<f4").reshape(len(ids), -1), vectors.shape[1]
        )
        sims = similarity_from_cosine(
            normalise(vectors, vectors.shape[1]).astype(np.float64) @ matrix.T.astype(np.float64)
        )
        limit = int(candidate.get("limit", DEFAULT_LIMIT))
        threshold = float(candidate["threshold"]) if "threshold" in candidate else None
        targets = candidate.get("targets")
        attribute_targets = list(ATTRIBUTE_TARGETS) if targets is None else [t for t in targets if t != SIMILARITY]
        with_similarity = targets is None or SIMILARITY in targets
        rows = self.storage.attributes.live(ids, None)
        results = []
        for line in sims:
            order = np.argsort(-line, kind="stable")[:limit]
            items = []
            for at in order.tolist():
                similarity = float(line[at])
                if (threshold is not None and similarity < threshold) or ids[at] not in rows:
                    continue
                item = matcher_pb2.MatchedCandidate()
                if attribute_targets:
                    item.attribute.CopyFrom(attribute_message(rows[ids[at]], None, attribute_targets))
                if with_similarity:
                    item.similarity = similarity
                items.append(item)
            results.append(items)
        return results

    # -- operations ----------------------------------------------------------------------------

    def _match_faces(self, request: Any, call: Call) -> list[matcher_pb2.ReferenceMatches]:
        body = json_body(
            request.body, request.params, MATCH_FACES_SCHEMA, has_params=request.HasField("params"), accept_msgpack=True
        )
        references = self._references(body["references"], call.account_id)
        reports = [matcher_pb2.ReferenceMatches(reference=ref.echo) for ref in references]
        if not references:
            return reports
        vectors = np.stack([ref.vector for ref in references]).astype(np.float32)
        for position, candidate in enumerate(body["candidates"]):
            origin = candidate["filters"]["origin"]
            if origin == "faces":
                per_reference = self._face_candidates(vectors, candidate, position, call.account_id)
            elif origin == "attributes":
                per_reference = self._attribute_candidates(vectors, candidate, call.account_id)
            else:
                per_reference = self._event_candidates(vectors, candidate, position, call.account_id)
            filters = _struct(candidate["filters"])
            for report, result in zip(reports, per_reference, strict=True):
                report.matches.append(matcher_pb2.CandidateMatches(result=result, filters=filters))
        return reports

    @luna_rpc()
    def MatchFaces(self, request: matcher_service_pb2.MatchFacesRequest, call: Call) -> httpbody_pb2.HttpBody:
        return json_array_body(self._match_faces(request, call))

    @luna_rpc()
    def MatchFacesTyped(
        self, request: matcher_service_pb2.MatchFacesTypedRequest, call: Call
    ) -> matcher_service_pb2.MatchFacesResponse:
        return matcher_service_pb2.MatchFacesResponse(matches=self._match_faces(request, call))

    @luna_rpc()
    def MatchBodies(self, request: matcher_service_pb2.MatchBodiesRequest, call: Call) -> httpbody_pb2.HttpBody:
        # The request is checked as for any operation (12017/12021/12022) before it is refused.
        has_params = request.HasField("params")
        json_body(request.body, request.params, MATCH_BODIES_SCHEMA, has_params=has_params, accept_msgpack=True)
        raise LunaError(errors.BODY_MATCHING_NOT_AVAILABLE)

    @luna_rpc()
    def MatchRaw(
        self, request: matcher_service_pb2.MatchRawRequest, call: Call
    ) -> matcher_service_pb2.MatchRawResponse:
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
            sides.append(([str(item["id"]) for item in items], normalise(np.stack(vectors), vectors[0].size)))
        (ref_ids, refs), (cand_ids, cands) = sides
        sims = similarity_from_cosine(refs.astype(np.float64) @ cands.T.astype(np.float64))
        response = matcher_service_pb2.MatchRawResponse()
        for ref_id, line in zip(ref_ids, sims, strict=True):
            order = np.argsort(-line, kind="stable")
            response.matches.append(
                matcher_pb2.RawReferenceMatches(
                    reference_id=ref_id,
                    matches=[
                        matcher_pb2.RawMatch(candidate_id=cand_ids[i], similarity=float(line[i]))
                        for i in order.tolist()
                    ],
                )
            )
        return response


def register(server: Any, context: Any) -> None:
    # ANN candidate search for very large collections (server/matching/ann.py; builds in background)
    context.matching.start_ann(context.storage, context.settings.matcher_ann_min_rows)
    matcher_service_pb2_grpc.add_MatcherServiceServicer_to_server(
        MatcherService(context.storage, context.matching), server
    )
    context.service_names.append(matcher_service_pb2.DESCRIPTOR.services_by_name["MatcherService"].full_name)
