"""SamplesService: face and body samples (warps), v6 API-008..021.

The type-less routes (/6/samples/{sample_id}, /5/samples/{sample_id}) address face samples.
"""

from __future__ import annotations

from typing import Any

from google.api import httpbody_pb2

from lumen.v6 import common_pb2, samples_service_pb2, samples_service_pb2_grpc
from server.rpc import Call, luna_rpc
from server.services.blob_resources import FACE_SAMPLES, BlobResources, samples_kind, validate_image
from server.storage.store import Storage


class SamplesService(samples_service_pb2_grpc.SamplesServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.blobs = BlobResources(storage)

    @luna_rpc(account_required=True)
    def CreateSample(
        self, request: samples_service_pb2.CreateSampleRequest, call: Call
    ) -> samples_service_pb2.CreateSampleResponse:
        kind = samples_kind(request.samples_type)
        content_type = validate_image(request.body)
        sample_id, url = self.blobs.create(kind, call.require_account(), content_type, request.body.data)
        return samples_service_pb2.CreateSampleResponse(sample_id=sample_id, url=url)

    @luna_rpc()
    def GetSample(self, request: samples_service_pb2.GetSampleRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.blobs.read(samples_kind(request.samples_type), request.sample_id, call.account_id)

    @luna_rpc()
    def SampleExists(self, request: samples_service_pb2.SampleExistsRequest, call: Call) -> common_pb2.NoContent:
        self.blobs.meta(samples_kind(request.samples_type), request.sample_id, call.account_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteSample(self, request: samples_service_pb2.DeleteSampleRequest, call: Call) -> common_pb2.NoContent:
        self.blobs.delete(samples_kind(request.samples_type), request.sample_id, call.require_account())
        return common_pb2.NoContent()

    @luna_rpc()
    def GetFaceSample(self, request: samples_service_pb2.GetFaceSampleRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.blobs.read(FACE_SAMPLES, request.sample_id, call.account_id)

    @luna_rpc()
    def FaceSampleExists(
        self, request: samples_service_pb2.FaceSampleExistsRequest, call: Call
    ) -> common_pb2.NoContent:
        self.blobs.meta(FACE_SAMPLES, request.sample_id, call.account_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteFaceSample(
        self, request: samples_service_pb2.DeleteFaceSampleRequest, call: Call
    ) -> common_pb2.NoContent:
        self.blobs.delete(FACE_SAMPLES, request.sample_id, call.require_account())
        return common_pb2.NoContent()


def register(server: Any, context: Any) -> None:
    samples_service_pb2_grpc.add_SamplesServiceServicer_to_server(SamplesService(context.storage), server)
