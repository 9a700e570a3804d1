"""ObjectsService: arbitrary json/pdf/zip/text objects (v6 API-028..033)."""

from __future__ import annotations

from typing import Any

from google.api import httpbody_pb2

from lumen.v6 import common_pb2, objects_service_pb2, objects_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.rpc import Call, luna_rpc
from server.services.blob_resources import (
    ACCEPT_HEADER,
    OBJECTS,
    BlobResources,
    accepts,
    request_header,
    validate_object,
)
from server.storage.store import Storage


class ObjectsService(objects_service_pb2_grpc.ObjectsServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.blobs = BlobResources(storage)

    def _check_accept(self, call: Call, content_type: str) -> None:
        if not accepts(request_header(call, ACCEPT_HEADER), content_type):
            raise LunaError(errors.NOT_ACCEPTABLE)

    @luna_rpc(account_required=True)
    def CreateObject(
        self, request: objects_service_pb2.CreateObjectRequest, call: Call
    ) -> objects_service_pb2.CreateObjectResponse:
        content_type = validate_object(request.body)
        object_id, url = self.blobs.create(OBJECTS, call.require_account(), content_type, request.body.data)
        return objects_service_pb2.CreateObjectResponse(object_id=object_id, url=url)

    @luna_rpc()
    def GetObject(self, request: objects_service_pb2.GetObjectRequest, call: Call) -> httpbody_pb2.HttpBody:
        body = self.blobs.read(OBJECTS, request.object_id, call.account_id)
        self._check_accept(call, body.content_type)
        return body

    @luna_rpc()
    def ObjectExists(self, request: objects_service_pb2.ObjectExistsRequest, call: Call) -> common_pb2.NoContent:
        row = self.blobs.meta(OBJECTS, request.object_id, call.account_id)
        self._check_accept(call, str(row["content_type"]))
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteObject(self, request: objects_service_pb2.DeleteObjectRequest, call: Call) -> common_pb2.NoContent:
        self.blobs.delete(OBJECTS, request.object_id, call.require_account())
        return common_pb2.NoContent()


def register(server: Any, context: Any) -> None:
    objects_service_pb2_grpc.add_ObjectsServiceServicer_to_server(ObjectsService(context.storage), server)
