"""FacesService: faces and their attributes (v6 API-044..062).

A face row lives in `faces`, its list links in `list_faces`, its attribute in `face_attributes`
and its descriptors in LanceDB. Every change that touches descriptors goes through
Storage.write() so that SQLite and LanceDB stay consistent.
"""

from __future__ import annotations

import uuid
from typing import Any

from lumen.v6 import attributes_pb2, common_pb2, faces_pb2, faces_service_pb2, faces_service_pb2_grpc
from server import errors
from server.descriptor_codec import encode_raw
from server.errors import LunaError
from server.rpc import Call, luna_rpc
from server.services.attribute_data import (
    FACE_ATTRIBUTE_SCHEMA,
    AttributeData,
    json_value,
    null_value,
    query_descriptor_version,
    resolve_face_attribute,
    string_list,
)
from server.services.common import AVATAR_MAX, EXTERNAL_ID_MAX, USER_DATA_MAX
from server.storage.repositories.faces import FaceAttributeRow, FaceFilter, FaceRow
from server.storage.store import Storage
from server.validation import (
    UUID_ARRAY_SCHEMA,
    UUID_PATTERN,
    UUID_SCHEMA,
    flag_param,
    json_body,
    list_param,
    now,
    page_params,
    path_uuid,
    str_param,
    targets_param,
    time_param,
    uuid_list_param,
    uuid_param,
)

FACE_TARGETS = ("face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists")
FACE_ATTRIBUTE_TARGETS = (
    "create_time",
    "basic_attributes",
    "basic_attributes_samples",
    "face_descriptor",
    "face_descriptor_samples",
)
MAX_DELETE_FACES = 1000

CREATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "attribute": FACE_ATTRIBUTE_SCHEMA,
        "external_id": {"type": "string", "maxLength": EXTERNAL_ID_MAX},
        "user_data": {"type": "string", "maxLength": USER_DATA_MAX},
        "avatar": {"type": "string", "maxLength": AVATAR_MAX},
        "lists": UUID_ARRAY_SCHEMA,
        "event_id": UUID_SCHEMA,
    },
    "additionalProperties": False,
}
PATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "external_id": {"type": "string", "maxLength": EXTERNAL_ID_MAX},
        "event_id": {"type": ["string", "null"], "pattern": UUID_PATTERN},
        "user_data": {"type": "string", "maxLength": USER_DATA_MAX},
        "avatar": {"type": "string", "maxLength": AVATAR_MAX},
    },
    "additionalProperties": False,
}
# additionalProperties before required: v6 reports an unknown key ('faces') rather than the missing one.
DELETE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"face_ids": {**UUID_ARRAY_SCHEMA, "maxItems": MAX_DELETE_FACES}},
    "required": ["face_ids"],
}


def face_filters(request: Any, account_id: str | None) -> FaceFilter:
    """The filters of GET /6/faces and GET /6/faces/count."""
    external_ids = list_param(request, "external_ids")
    if external_ids is not None and any(len(item) > EXTERNAL_ID_MAX for item in external_ids):
        raise LunaError(errors.BAD_QUERY_PARAM, name="external_ids")
    return FaceFilter(
        account_id=account_id,
        face_ids=uuid_list_param(request, "face_ids"),
        external_ids=external_ids,
        user_data_contains=str_param(request, "user_data", max_length=USER_DATA_MAX),
        event_id=uuid_param(request, "event_id"),
        face_id_gte=uuid_param(request, "face_id__gte"),
        face_id_lt=uuid_param(request, "face_id__lt"),
        create_time_gte=time_param(request, "create_time__gte"),
        create_time_lt=time_param(request, "create_time__lt"),
        list_id=uuid_param(request, "list_id"),
    )


def to_face(row: FaceRow, lists: list[str], targets: list[str] | None) -> faces_pb2.Face:
    wanted = set(FACE_TARGETS if targets is None else targets)
    face = faces_pb2.Face()
    for name in ("face_id", "account_id", "user_data", "create_time", "external_id", "avatar"):
        if name in wanted:
            setattr(face, name, row[name])
    if "event_id" in wanted:
        if row["event_id"] is None:
            face.event_id.CopyFrom(null_value())
        else:
            face.event_id.string_value = row["event_id"]
    if "lists" in wanted:
        face.lists.CopyFrom(string_list(lists))
    return face


class FacesService(faces_service_pb2_grpc.FacesServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # -- helpers -----------------------------------------------------------------------------

    def _owned_face(self, face_id: str, account_id: str | None) -> FaceRow:
        row = self.storage.faces.get(face_id, account_id)
        if row is None:
            raise LunaError(errors.FACE_NOT_FOUND, id=face_id)
        return row

    def _faces(self, rows: list[FaceRow], targets: list[str] | None) -> list[faces_pb2.Face]:
        ids = [str(row["face_id"]) for row in rows]
        lists = self.storage.faces.lists_of(ids) if targets is None or "lists" in targets else {}
        return [to_face(row, lists.get(str(row["face_id"]), []), targets) for row in rows]

    def _attribute_input(self, document: dict[str, Any], account_id: str) -> AttributeData:
        return resolve_face_attribute(self.storage.attributes, document, account_id)

    def _delete_faces(self, face_ids: list[str], account_id: str, *, must_exist: bool) -> None:
        with self.storage.write() as batch:
            found = self.storage.faces.owned_ids(account_id, face_ids)
            found_set = set(found)
            missing = [i for i in face_ids if i not in found_set]
            if missing and must_exist:
                spec = errors.FACE_NOT_FOUND if len(face_ids) == 1 else errors.FACES_NOT_FOUND
                raise LunaError(spec, id=missing[0])
            self.storage.faces.delete(batch, found)

    # -- faces -------------------------------------------------------------------------------

    @luna_rpc(account_required=True)
    def CreateFace(
        self, request: faces_service_pb2.CreateFaceRequest, call: Call
    ) -> faces_service_pb2.CreateFaceResponse:
        body = json_body(
            request.body, request.params, CREATE_SCHEMA, has_params=request.HasField("params"), accept_msgpack=True
        )
        account_id = call.require_account()
        attribute = self._attribute_input(body["attribute"], account_id) if "attribute" in body else None
        list_ids = [i.lower() for i in dict.fromkeys(body.get("lists", []))]
        face_id = str(uuid.uuid4())
        created = now()
        with self.storage.write() as batch:
            if list_ids:
                found = self.storage.lists.owned_ids(account_id, list_ids)
                missing = [i for i in list_ids if i not in found]
                if missing:
                    spec = errors.LIST_NOT_FOUND if len(list_ids) == 1 else errors.LISTS_NOT_FOUND
                    raise LunaError(spec, id=missing[0])
            self.storage.faces.insert(
                batch,
                FaceRow(
                    face_id=face_id,
                    account_id=account_id,
                    event_id=body["event_id"].lower() if "event_id" in body else None,
                    user_data=body.get("user_data", ""),
                    external_id=body.get("external_id", ""),
                    avatar=body.get("avatar", ""),
                    create_time=created,
                ),
                list_ids,
            )
            if attribute is not None:
                self.storage.faces.set_attribute(batch, face_id, account_id, attribute, replacing=False)
        return faces_service_pb2.CreateFaceResponse(face_id=face_id, url=f"/6/faces/{face_id}")

    @luna_rpc()
    def GetFaces(self, request: faces_service_pb2.GetFacesRequest, call: Call) -> faces_service_pb2.GetFacesResponse:
        offset, limit = page_params(request)
        targets = targets_param(request, "targets", FACE_TARGETS)
        rows = self.storage.faces.find(face_filters(request, call.account_id), offset=offset, limit=limit)
        return faces_service_pb2.GetFacesResponse(faces=self._faces(rows, targets))

    @luna_rpc(account_required=True)
    def DeleteFaces(self, request: faces_service_pb2.DeleteFacesRequest, call: Call) -> common_pb2.NoContent:
        ignore = flag_param(request, "ignore")
        body = json_body(request.body, request.params, DELETE_SCHEMA, has_params=request.HasField("params"))
        face_ids = [i.lower() for i in dict.fromkeys(body["face_ids"])]
        self._delete_faces(face_ids, call.require_account(), must_exist=not ignore)
        return common_pb2.NoContent()

    @luna_rpc()
    def CountFaces(
        self, request: faces_service_pb2.CountFacesRequest, call: Call
    ) -> faces_service_pb2.CountFacesResponse:
        count = self.storage.faces.count(face_filters(request, call.account_id))
        return faces_service_pb2.CountFacesResponse(faces_count=count)

    @luna_rpc()
    def CountFaceAttributes(
        self, request: faces_service_pb2.CountFaceAttributesRequest, call: Call
    ) -> faces_service_pb2.CountFacesResponse:
        count = self.storage.faces.count_attributes(call.account_id)
        return faces_service_pb2.CountFacesResponse(faces_count=count)

    @luna_rpc()
    def GetFace(self, request: faces_service_pb2.GetFaceRequest, call: Call) -> faces_pb2.Face:
        face_id = path_uuid(request.face_id, "face_id")
        targets = targets_param(request, "targets", FACE_TARGETS)
        return self._faces([self._owned_face(face_id, call.account_id)], targets)[0]

    @luna_rpc(account_required=True)
    def PatchFace(self, request: faces_service_pb2.PatchFaceRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        body = json_body(request.body, request.params, PATCH_SCHEMA, has_params=request.HasField("params"))
        if body.get("event_id") is not None:
            body["event_id"] = body["event_id"].lower()
        account_id = call.require_account()
        with self.storage.write() as batch:
            self._owned_face(face_id, account_id)
            self.storage.faces.update(batch, face_id, body)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteFace(self, request: faces_service_pb2.DeleteFaceRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        self._delete_faces([face_id], call.require_account(), must_exist=True)
        return common_pb2.NoContent()

    @luna_rpc()
    def FaceExists(self, request: faces_service_pb2.FaceExistsRequest, call: Call) -> common_pb2.NoContent:
        self._owned_face(path_uuid(request.face_id, "face_id"), call.account_id)
        return common_pb2.NoContent()

    # -- face attributes ---------------------------------------------------------------------

    def _attribute_row(self, face_id: str) -> FaceAttributeRow:
        row = self.storage.faces.attribute(face_id)
        if row is None:
            raise LunaError(errors.FACE_ATTRIBUTE_NOT_FOUND, id=face_id)
        return row

    @luna_rpc(account_required=True)
    def PutFaceAttribute(self, request: faces_service_pb2.PutFaceAttributeRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        body = json_body(request.body, request.params, FACE_ATTRIBUTE_SCHEMA, has_params=request.HasField("params"))
        account_id = call.require_account()
        self._owned_face(face_id, account_id)
        attribute = self._attribute_input(body, account_id)
        with self.storage.write() as batch:
            self._owned_face(face_id, account_id)
            self.storage.faces.set_attribute(batch, face_id, account_id, attribute, replacing=True)
        return common_pb2.NoContent()

    @luna_rpc()
    def GetFaceAttribute(
        self, request: faces_service_pb2.GetFaceAttributeRequest, call: Call
    ) -> faces_service_pb2.GetFaceAttributeResponse:
        face_id = path_uuid(request.face_id, "face_id")
        targets = targets_param(request, "targets", FACE_ATTRIBUTE_TARGETS)
        version = query_descriptor_version(request)
        self._owned_face(face_id, call.account_id)
        row = self._attribute_row(face_id)
        wanted = set(FACE_ATTRIBUTE_TARGETS if targets is None else targets)
        attribute = faces_pb2.FaceAttribute()
        if "create_time" in wanted:
            attribute.create_time = row.create_time
        if "basic_attributes" in wanted:
            attribute.basic_attributes.CopyFrom(json_value(row.basic_attributes))
        if "face_descriptor" in wanted:
            vector = None
            if version in row.descriptor_versions:
                vector = self.storage.descriptors.get(face_id).get(version)
            attribute.face_descriptor.CopyFrom(
                null_value()
                if vector is None
                else json_value({"descriptor": encode_raw(vector), "descriptor_version": version})
            )
        if "basic_attributes_samples" in wanted:
            attribute.basic_attributes_samples.CopyFrom(string_list(row.basic_attributes_samples))
        if "face_descriptor_samples" in wanted:
            attribute.face_descriptor_samples.CopyFrom(string_list(row.face_descriptor_samples))
        return faces_service_pb2.GetFaceAttributeResponse(attributes=attribute)

    @luna_rpc(account_required=True)
    def DeleteFaceAttribute(
        self, request: faces_service_pb2.DeleteFaceAttributeRequest, call: Call
    ) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        account_id = call.require_account()
        with self.storage.write() as batch:
            self._owned_face(face_id, account_id)
            self.storage.faces.delete_attribute(batch, face_id)
        return common_pb2.NoContent()

    @luna_rpc()
    def GetFaceAttributeSamples(
        self, request: faces_service_pb2.GetFaceAttributeSamplesRequest, call: Call
    ) -> attributes_pb2.AttributeSamples:
        face_id = path_uuid(request.face_id, "face_id")
        self._owned_face(face_id, call.account_id)
        row = self._attribute_row(face_id)
        data = AttributeData(
            face_descriptor_samples=row.face_descriptor_samples,
            basic_attributes_samples=row.basic_attributes_samples,
        )
        return attributes_pb2.AttributeSamples(samples=data.samples())


def register(server: Any, context: Any) -> None:
    faces_service_pb2_grpc.add_FacesServiceServicer_to_server(FacesService(context.storage), server)
    context.service_names.append(faces_service_pb2.DESCRIPTOR.services_by_name["FacesService"].full_name)
