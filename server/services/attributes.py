"""AttributesService: temporary attributes with a TTL (v6 API-036..043).

Multipart bodies for POST /6/attributes are not served: the v6 reference names the content type
but not its parts, so only application/json is accepted (anything else: 12017).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from lumen.v6 import attributes_pb2, attributes_service_pb2, attributes_service_pb2_grpc, common_pb2
from server import errors
from server.errors import LunaError
from server.rpc import Call, luna_rpc
from server.services.attribute_data import (
    ATTRIBUTE_DATA_SCHEMA,
    json_value,
    load_temporary,
    null_value,
    parse_attribute_data,
    query_descriptor_version,
    string_list,
)
from server.settings import MAX_ATTRIBUTE_TTL_S, Settings
from server.storage.repositories.attributes import TemporaryAttributeRow
from server.storage.store import Storage
from server.validation import (
    int_param,
    json_body,
    path_uuid,
    targets_param,
    uuid_list_param,
)

ATTRIBUTE_TARGETS = (
    "create_time",
    "attribute_id",
    "account_id",
    "face_descriptor_samples",
    "basic_attributes_samples",
    "face_descriptor",
    "basic_attributes",
)
MAX_ATTRIBUTE_IDS = 1000


def to_message(
    row: TemporaryAttributeRow, descriptor: bytes | None, targets: list[str] | None
) -> attributes_pb2.TemporaryAttribute:
    wanted = set(ATTRIBUTE_TARGETS if targets is None else targets)
    message = attributes_pb2.TemporaryAttribute()
    for name in ("create_time", "attribute_id", "account_id"):
        if name in wanted:
            setattr(message, name, getattr(row, name))
    if "face_descriptor_samples" in wanted:
        message.face_descriptor_samples.CopyFrom(string_list(row.face_descriptor_samples))
    if "basic_attributes_samples" in wanted:
        message.basic_attributes_samples.CopyFrom(string_list(row.basic_attributes_samples))
    if "face_descriptor" in wanted:
        if descriptor is None:
            message.face_descriptor.CopyFrom(null_value())
        else:
            message.face_descriptor.string_value = base64.b64encode(descriptor).decode()
    if "basic_attributes" in wanted:
        message.basic_attributes.CopyFrom(json_value(row.basic_attributes))
    return message


class AttributesService(attributes_service_pb2_grpc.AttributesServiceServicer):
    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.storage = storage
        self.settings = settings

    def _render(
        self, attribute_ids: list[str], account_id: str | None, targets: list[str] | None, version: int
    ) -> list[attributes_pb2.TemporaryAttribute]:
        rows = self.storage.attributes.live(attribute_ids, account_id)
        found = [i for i in attribute_ids if i in rows]
        wanted_descriptor = targets is None or "face_descriptor" in targets
        descriptors = self.storage.attributes.descriptors(found, version) if wanted_descriptor else {}
        return [to_message(rows[i], descriptors.get(i, {}).get(version), targets) for i in found]

    @luna_rpc(account_required=True)
    def CreateAttribute(
        self, request: attributes_service_pb2.CreateAttributeRequest, call: Call
    ) -> attributes_service_pb2.CreateAttributeResponse:
        ttl = int_param(
            request,
            "ttl",
            self.settings.default_attribute_ttl_s,
            minimum=1,
            maximum=MAX_ATTRIBUTE_TTL_S,
        )
        body = json_body(request.body, request.params, ATTRIBUTE_DATA_SCHEMA, has_params=request.HasField("params"))
        data = parse_attribute_data(body)
        attribute_id = str(uuid.uuid4())
        with self.storage.write() as batch:
            self.storage.attributes.insert(batch, attribute_id, call.require_account(), data, ttl)
        return attributes_service_pb2.CreateAttributeResponse(
            attribute_id=attribute_id, url=f"/6/attributes/{attribute_id}"
        )

    @luna_rpc()
    def GetAttributes(
        self, request: attributes_service_pb2.GetAttributesRequest, call: Call
    ) -> attributes_service_pb2.GetAttributesResponse:
        attribute_ids = uuid_list_param(request, "attribute_ids")
        if attribute_ids is None:
            raise LunaError(errors.BAD_QUERY_PARAM, name="attribute_ids")
        attribute_ids = list(dict.fromkeys(attribute_ids))
        if len(attribute_ids) > MAX_ATTRIBUTE_IDS:
            raise LunaError(errors.BAD_QUERY_PARAM, name="attribute_ids")
        targets = targets_param(request, "targets", ATTRIBUTE_TARGETS)
        version = query_descriptor_version(request)
        return attributes_service_pb2.GetAttributesResponse(
            attributes=self._render(attribute_ids, call.account_id, targets, version)
        )

    @luna_rpc()
    def GetAttribute(
        self, request: attributes_service_pb2.GetAttributeRequest, call: Call
    ) -> attributes_pb2.TemporaryAttribute:
        attribute_id = path_uuid(request.attribute_id, "attribute_id")
        targets = targets_param(request, "targets", ATTRIBUTE_TARGETS)
        version = query_descriptor_version(request)
        found = self._render([attribute_id], call.account_id, targets, version)
        if not found:
            raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
        return found[0]

    @luna_rpc()
    def AttributeExists(
        self, request: attributes_service_pb2.AttributeExistsRequest, call: Call
    ) -> common_pb2.NoContent:
        attribute_id = path_uuid(request.attribute_id, "attribute_id")
        if not self.storage.attributes.live([attribute_id], call.account_id):
            raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteAttribute(
        self, request: attributes_service_pb2.DeleteAttributeRequest, call: Call
    ) -> common_pb2.NoContent:
        attribute_id = path_uuid(request.attribute_id, "attribute_id")
        account_id = call.require_account()
        with self.storage.write() as batch:
            if not self.storage.attributes.live([attribute_id], account_id):
                raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
            self.storage.attributes.delete(batch, attribute_id)
        return common_pb2.NoContent()

    @luna_rpc()
    def GetAttributeSamples(
        self, request: attributes_service_pb2.GetAttributeSamplesRequest, call: Call
    ) -> attributes_pb2.AttributeSamples:
        attribute_id = path_uuid(request.attribute_id, "attribute_id")
        data = load_temporary(self.storage.attributes, attribute_id, call.account_id)
        return attributes_pb2.AttributeSamples(samples=data.samples())


def register(server: Any, context: Any) -> None:
    attributes_service_pb2_grpc.add_AttributesServiceServicer_to_server(
        AttributesService(context.storage, context.settings), server
    )
    context.service_names.append(attributes_service_pb2.DESCRIPTOR.services_by_name["AttributesService"].full_name)
