"""ImagesService: source images (v6 API-022..027)."""

from __future__ import annotations

from typing import Any

from google.api import httpbody_pb2

from lumen.v6 import common_pb2, images_service_pb2, images_service_pb2_grpc
from server.rpc import Call, luna_rpc
from server.services.blob_resources import IMAGES, BlobResources, validate_image
from server.storage.store import Storage


class ImagesService(images_service_pb2_grpc.ImagesServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.blobs = BlobResources(storage)

    @luna_rpc(account_required=True)
    def CreateImage(
        self, request: images_service_pb2.CreateImageRequest, call: Call
    ) -> images_service_pb2.CreateImageResponse:
        content_type = validate_image(request.body)
        image_id, url = self.blobs.create(IMAGES, call.require_account(), content_type, request.body.data)
        return images_service_pb2.CreateImageResponse(image_id=image_id, url=url)

    @luna_rpc()
    def GetImage(self, request: images_service_pb2.GetImageRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.blobs.read(IMAGES, request.image_id, call.account_id)

    @luna_rpc()
    def ImageExists(self, request: images_service_pb2.ImageExistsRequest, call: Call) -> common_pb2.NoContent:
        self.blobs.meta(IMAGES, request.image_id, call.account_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteImage(self, request: images_service_pb2.DeleteImageRequest, call: Call) -> common_pb2.NoContent:
        self.blobs.delete(IMAGES, request.image_id, call.require_account())
        return common_pb2.NoContent()


def register(server: Any, context: Any) -> None:
    images_service_pb2_grpc.add_ImagesServiceServicer_to_server(ImagesService(context.storage), server)
