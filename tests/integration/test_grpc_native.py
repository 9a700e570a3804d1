"""The same services for gRPC clients: typed params, LUNA errors in google.rpc.Status details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import timestamp_pb2
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


def test_typed_query_fields(lists_stub: lists_service_pb2_grpc.ListsServiceStub, account: str) -> None:
    """Query fields are real types for gRPC clients: int32 paging, repeated ids, Timestamp bounds, bool flags."""
    metadata = (("luna-account-id", account),)
    created = [
        lists_stub.CreateList(
            lists_service_pb2.CreateListRequest(params=lists_pb2.ListCreateParams(user_data=f"typed-{i}")),
            metadata=metadata,
        ).list_id
        for i in range(3)
    ]
    since = timestamp_pb2.Timestamp()
    since.FromDatetime(datetime.now(UTC) - timedelta(hours=1))
    page = lists_stub.GetLists(
        lists_service_pb2.GetListsRequest(page=1, page_size=2, list_ids=created, create_time__gte=since),
        metadata=metadata,
    )
    assert len(page.lists) == 2 and {item.list_id for item in page.lists} <= set(created)
    future = timestamp_pb2.Timestamp()
    future.FromDatetime(datetime.now(UTC) + timedelta(hours=1))
    later = lists_stub.CountLists(lists_service_pb2.CountListsRequest(create_time__gte=future), metadata=metadata)
    assert later.lists_count == 0
    with pytest.raises(grpc.RpcError) as failure:
        lists_stub.GetLists(lists_service_pb2.GetListsRequest(page_size=1000), metadata=metadata)
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_size" in (failure.value.details() or "")
    lists_stub.DeleteList(lists_service_pb2.DeleteListRequest(list_id=created[0], with_faces=True), metadata=metadata)
    left = lists_stub.CountLists(lists_service_pb2.CountListsRequest(list_ids=created), metadata=metadata)
    assert left.lists_count == 2
