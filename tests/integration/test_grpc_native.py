"""The same services for gRPC clients: typed params, LUNA errors in google.rpc.Status details."""

from __future__ import annotations

import grpc
import pytest
from grpc_status import rpc_status

from lumen.v6 import common_pb2, lists_pb2, lists_service_pb2, lists_service_pb2_grpc
from server.stack import Stack


@pytest.fixture(scope="module")
def lists_stub(stack: Stack) -> lists_service_pb2_grpc.ListsServiceStub:
    return lists_service_pb2_grpc.ListsServiceStub(grpc.insecure_channel(stack.grpc_target))


def test_typed_create_and_get(lists_stub: lists_service_pb2_grpc.ListsServiceStub, account: str) -> None:
    metadata = (("luna-account-id", account),)
    created = lists_stub.CreateList(
        lists_service_pb2.CreateListRequest(params=lists_pb2.ListCreateParams(user_data="grpc")), metadata=metadata
    )
    got = lists_stub.GetList(lists_service_pb2.GetListRequest(list_id=created.list_id), metadata=metadata)
    assert got.user_data == "grpc" and got.account_id == account and created.url == f"/6/lists/{created.list_id}"


def test_luna_error_in_status_details(lists_stub: lists_service_pb2_grpc.ListsServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as failure:
        lists_stub.CreateList(lists_service_pb2.CreateListRequest())
    assert failure.value.code() == grpc.StatusCode.PERMISSION_DENIED
    status = rpc_status.from_call(failure.value)
    assert status is not None
    error = common_pb2.Error()
    assert status.details[0].Unpack(error)
    assert (error.error_code, error.desc) == (11036, "Forbidden")


def test_typed_params_are_validated_like_json(
    lists_stub: lists_service_pb2_grpc.ListsServiceStub, account: str
) -> None:
    with pytest.raises(grpc.RpcError) as failure:
        lists_stub.CreateList(
            lists_service_pb2.CreateListRequest(params=lists_pb2.ListCreateParams(user_data="x" * 200)),
            metadata=(("luna-account-id", account),),
        )
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "12022" in (failure.value.details() or "")
