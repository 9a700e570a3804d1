"""ListsService: lists of faces (v6 API-063..075)."""

from __future__ import annotations

import uuid
from typing import Any

from lumen.v6 import common_pb2, lists_pb2, lists_service_pb2, lists_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.rpc import Call, luna_rpc
from server.services.common import USER_DATA_MAX
from server.storage.repositories.lists import ListFilter, ListRow
from server.storage.store import Storage
from server.validation import (
    UUID_ARRAY_SCHEMA,
    flag_param,
    json_body,
    now,
    page_params,
    path_uuid,
    str_param,
    time_param,
    uuid_list_param,
    uuid_param,
)

CREATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"user_data": {"type": "string", "maxLength": USER_DATA_MAX}},
    "additionalProperties": False,
}
PATCH_SCHEMA = CREATE_SCHEMA
DELETE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"list_ids": {**UUID_ARRAY_SCHEMA, "maxItems": 1000}},
    "required": ["list_ids"],
}
FACES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "action": {"type": "string", "enum": ["attach", "detach"]},
        "face_ids": {**UUID_ARRAY_SCHEMA, "maxItems": 1000},
    },
    "required": ["action", "face_ids"],
}
LIST_COLUMNS = ("list_id", "account_id", "user_data", "create_time", "last_update_time")


def list_filters(request: Any, account_id: str | None) -> ListFilter:
    """The filters of GET /6/lists and GET /6/lists/count."""
    return ListFilter(
        account_id=account_id,
        user_data_contains=str_param(request, "user_data", max_length=USER_DATA_MAX),
        user_data=str_param(request, "user_data__eq", max_length=USER_DATA_MAX),
        list_ids=uuid_list_param(request, "list_ids"),
        list_id_gte=uuid_param(request, "list_id__gte"),
        list_id_lt=uuid_param(request, "list_id__lt"),
        create_time_gte=time_param(request, "create_time__gte"),
        create_time_lt=time_param(request, "create_time__lt"),
        last_update_time_gte=time_param(request, "last_update_time__gte"),
        last_update_time_lt=time_param(request, "last_update_time__lt"),
    )


def to_message(row: ListRow) -> lists_pb2.FaceList:
    return lists_pb2.FaceList(
        list_id=row["list_id"],
        account_id=row["account_id"],
        user_data=row["user_data"],
        create_time=row["create_time"],
        last_update_time=row["last_update_time"],
    )


class ListsService(lists_service_pb2_grpc.ListsServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _owned_list(self, list_id: str, account_id: str | None) -> ListRow:
        row = self.storage.lists.get(list_id, account_id)
        if row is None:
            raise LunaError(errors.LIST_NOT_FOUND, id=list_id)
        return row

    @luna_rpc(account_required=True)
    def CreateList(
        self, request: lists_service_pb2.CreateListRequest, call: Call
    ) -> lists_service_pb2.CreateListResponse:
        body = json_body(request.body, request.params, CREATE_SCHEMA, has_params=request.HasField("params"))
        list_id = str(uuid.uuid4())
        created = now()
        with self.storage.write() as batch:
            self.storage.lists.insert(
                batch,
                ListRow(
                    list_id=list_id,
                    account_id=call.require_account(),
                    user_data=body.get("user_data", ""),
                    create_time=created,
                    last_update_time=created,
                ),
            )
        return lists_service_pb2.CreateListResponse(list_id=list_id, url=f"/6/lists/{list_id}")

    @luna_rpc()
    def GetLists(self, request: lists_service_pb2.GetListsRequest, call: Call) -> lists_service_pb2.GetListsResponse:
        offset, limit = page_params(request)
        rows = self.storage.lists.find(list_filters(request, call.account_id), offset=offset, limit=limit)
        return lists_service_pb2.GetListsResponse(lists=[to_message(r) for r in rows])

    @luna_rpc()
    def CountLists(
        self, request: lists_service_pb2.CountListsRequest, call: Call
    ) -> lists_service_pb2.CountListsResponse:
        count = self.storage.lists.count(list_filters(request, call.account_id))
        return lists_service_pb2.CountListsResponse(lists_count=count)

    @luna_rpc(account_required=True)
    def DeleteLists(self, request: lists_service_pb2.DeleteListsRequest, call: Call) -> common_pb2.NoContent:
        with_faces = flag_param(request, "with_faces")
        body = json_body(request.body, request.params, DELETE_SCHEMA, has_params=request.HasField("params"))
        list_ids = [i.lower() for i in dict.fromkeys(body["list_ids"])]
        self._delete_lists(list_ids, call.require_account(), with_faces, all_must_exist=True)
        return common_pb2.NoContent()

    def _delete_lists(self, list_ids: list[str], account_id: str, with_faces: bool, *, all_must_exist: bool) -> None:
        with self.storage.write() as batch:
            found = self.storage.lists.owned_ids(account_id, list_ids)
            missing = [i for i in list_ids if i not in found]
            if missing and all_must_exist:
                spec = errors.LIST_NOT_FOUND if len(list_ids) == 1 else errors.LISTS_NOT_FOUND
                raise LunaError(spec, id=missing[0])
            self.storage.lists.delete(batch, account_id, list_ids, with_faces=with_faces)

    @luna_rpc()
    def GetList(self, request: lists_service_pb2.GetListRequest, call: Call) -> lists_pb2.FaceList:
        list_id = path_uuid(request.list_id, "list_id")
        return to_message(self._owned_list(list_id, call.account_id))

    @luna_rpc()
    def ListExists(self, request: lists_service_pb2.ListExistsRequest, call: Call) -> common_pb2.NoContent:
        self._owned_list(path_uuid(request.list_id, "list_id"), call.account_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def PatchList(self, request: lists_service_pb2.PatchListRequest, call: Call) -> common_pb2.NoContent:
        list_id = path_uuid(request.list_id, "list_id")
        body = json_body(request.body, request.params, PATCH_SCHEMA, has_params=request.HasField("params"))
        account_id = call.require_account()
        with self.storage.write() as batch:
            self._owned_list(list_id, account_id)
            if "user_data" in body:
                self.storage.lists.set_user_data(batch, list_id, body["user_data"])
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteList(self, request: lists_service_pb2.DeleteListRequest, call: Call) -> common_pb2.NoContent:
        list_id = path_uuid(request.list_id, "list_id")
        with_faces = flag_param(request, "with_faces")
        self._delete_lists([list_id], call.require_account(), with_faces, all_must_exist=True)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def UpdateListFaces(self, request: lists_service_pb2.UpdateListFacesRequest, call: Call) -> common_pb2.NoContent:
        list_id = path_uuid(request.list_id, "list_id")
        body = json_body(request.body, request.params, FACES_SCHEMA, has_params=request.HasField("params"))
        account_id = call.require_account()
        face_ids = [i.lower() for i in dict.fromkeys(body["face_ids"])]
        stamp = now()
        with self.storage.write() as batch:
            self._owned_list(list_id, account_id)
            if body["action"] == "attach":
                found = set(self.storage.faces.owned_ids(account_id, face_ids))
                missing = [i for i in face_ids if i not in found]
                if missing:
                    raise LunaError(errors.FACES_NOT_FOUND, id=missing[0])
                self.storage.lists.attach(batch, list_id, face_ids, stamp)
            else:
                self.storage.lists.detach(batch, list_id, face_ids)
            self.storage.lists.touch(batch, [list_id], stamp)
        return common_pb2.NoContent()


def register(server: Any, context: Any) -> None:
    lists_service_pb2_grpc.add_ListsServiceServicer_to_server(ListsService(context.storage), server)
