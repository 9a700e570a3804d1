"""FacesService: faces and their attributes (v6 API-044..062).

A face row lives in `faces`, its list links in `list_faces`, its attribute in `face_attributes`
and its descriptors in LanceDB. Every change that touches descriptors goes through
Storage.write() so that SQLite and LanceDB stay consistent.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from lumen.v6 import attributes_pb2, common_pb2, faces_pb2, faces_service_pb2, faces_service_pb2_grpc
from server import errors
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
from server.services.common import AVATAR_MAX, EXTERNAL_ID_MAX, USER_DATA_MAX, Where
from server.storage.descriptors import encode_raw
from server.storage.store import Storage, WriteBatch
from server.validation import (
    UUID_ARRAY_SCHEMA,
    UUID_PATTERN,
    UUID_SCHEMA,
    json_body,
    now,
    paging,
    path_uuid,
    query_flag,
    query_param,
    query_str,
    query_str_list,
    query_targets,
    query_time,
    query_uuid,
    query_uuid_list,
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


def face_filters(request: Any, account_id: str | None) -> Where:
    """The WHERE clause (on `faces`) of GET /6/faces and GET /6/faces/count."""
    external_ids = query_str_list(query_param(request, "external_ids"), "external_ids")
    if external_ids is not None and any(len(item) > EXTERNAL_ID_MAX for item in external_ids):
        raise LunaError(errors.BAD_QUERY_PARAM, name="external_ids")
    where = (
        Where()
        .eq("account_id", account_id)
        .among("face_id", query_uuid_list(query_param(request, "face_ids"), "face_ids"))
        .among("external_id", external_ids)
        .contains("user_data", query_str(query_param(request, "user_data"), "user_data", max_length=USER_DATA_MAX))
        .eq("event_id", query_uuid(query_param(request, "event_id"), "event_id"))
        .gte("face_id", query_uuid(query_param(request, "face_id__gte"), "face_id__gte"))
        .lt("face_id", query_uuid(query_param(request, "face_id__lt"), "face_id__lt"))
        .gte("create_time", query_time(query_param(request, "create_time__gte"), "create_time__gte"))
        .lt("create_time", query_time(query_param(request, "create_time__lt"), "create_time__lt"))
    )
    list_id = query_uuid(query_param(request, "list_id"), "list_id")
    if list_id is not None:
        where.add("face_id IN (SELECT face_id FROM list_faces WHERE list_id = ?)", list_id)
    return where


def to_face(row: dict[str, Any], lists: list[str], targets: list[str] | None) -> faces_pb2.Face:
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


def write_face_attribute(
    batch: WriteBatch, face_id: str, account_id: str, data: AttributeData, *, replacing: bool
) -> None:
    """Make `data` the attribute of the face: metadata row now, descriptors via the journal
    (a new face without descriptors needs no LanceDB change)."""
    batch.tx.table("face_attributes").insert(
        {
            "face_id": face_id,
            "create_time": now(),
            "basic_attributes": None if data.basic_attributes is None else json.dumps(data.basic_attributes),
            "basic_attributes_samples": json.dumps(data.basic_attributes_samples),
            "face_descriptor_samples": json.dumps(data.face_descriptor_samples),
            "descriptor_versions": json.dumps(sorted(data.descriptors)),
        },
        replace=True,
    )
    if data.descriptors or replacing:
        batch.set_descriptors(face_id, account_id, data.descriptors)


def _marks(items: list[str]) -> str:
    return ", ".join("?" * len(items))


class FacesService(faces_service_pb2_grpc.FacesServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # -- helpers -----------------------------------------------------------------------------

    def _conn(self) -> Any:
        return self.storage.db.connection().conn

    def _owned_face(self, face_id: str, account_id: str | None) -> dict[str, Any]:
        where = Where().eq("face_id", face_id).eq("account_id", account_id)
        rows = self.storage.db.query(f"SELECT * FROM faces{where.sql()}", where.params)
        if not rows:
            raise LunaError(errors.FACE_NOT_FOUND, id=face_id)
        return rows[0]

    def _face_lists(self, face_ids: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {face_id: [] for face_id in face_ids}
        if face_ids:
            for face_id, list_id in self._conn().execute(
                f"SELECT face_id, list_id FROM list_faces WHERE face_id IN ({_marks(face_ids)}) "
                "ORDER BY link_time, list_id",
                face_ids,
            ):
                found[face_id].append(list_id)
        return found

    def _faces(self, rows: list[dict[str, Any]], targets: list[str] | None) -> list[faces_pb2.Face]:
        ids = [str(row["face_id"]) for row in rows]
        lists = self._face_lists(ids) if targets is None or "lists" in targets else {}
        return [to_face(row, lists.get(str(row["face_id"]), []), targets) for row in rows]

    def _attribute_input(self, document: dict[str, Any], account_id: str) -> AttributeData:
        return resolve_face_attribute(self._conn(), document, account_id)

    def _delete_faces(self, face_ids: list[str], account_id: str, *, must_exist: bool) -> None:
        with self.storage.write() as batch:
            conn = batch.tx.conn
            found = [
                r[0]
                for r in conn.execute(
                    f"SELECT face_id FROM faces WHERE account_id = ? AND face_id IN ({_marks(face_ids)})",
                    (account_id, *face_ids),
                )
            ]
            found_set = set(found)
            missing = [i for i in face_ids if i not in found_set]
            if missing and must_exist:
                spec = errors.FACE_NOT_FOUND if len(face_ids) == 1 else errors.FACES_NOT_FOUND
                raise LunaError(spec, id=missing[0])
            if not found:
                return
            marks = _marks(found)
            conn.execute(
                "UPDATE lists SET last_update_time = ? WHERE list_id IN "
                f"(SELECT DISTINCT list_id FROM list_faces WHERE face_id IN ({marks}))",
                (now(), *found),
            )
            with_attributes = [
                r[0] for r in conn.execute(f"SELECT face_id FROM face_attributes WHERE face_id IN ({marks})", found)
            ]
            conn.execute(f"DELETE FROM faces WHERE face_id IN ({marks})", found)
            batch.delete_descriptors(with_attributes)
            batch.faces_deleted(found)

    # -- faces -------------------------------------------------------------------------------

    @luna_rpc(account_required=True, status=201)
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
            conn = batch.tx.conn
            if list_ids:
                found = {
                    r[0]
                    for r in conn.execute(
                        f"SELECT list_id FROM lists WHERE account_id = ? AND list_id IN ({_marks(list_ids)})",
                        (account_id, *list_ids),
                    )
                }
                missing = [i for i in list_ids if i not in found]
                if missing:
                    spec = errors.LIST_NOT_FOUND if len(list_ids) == 1 else errors.LISTS_NOT_FOUND
                    raise LunaError(spec, id=missing[0])
            batch.tx.table("faces").insert(
                {
                    "face_id": face_id,
                    "account_id": account_id,
                    "event_id": body["event_id"].lower() if "event_id" in body else None,
                    "user_data": body.get("user_data", ""),
                    "external_id": body.get("external_id", ""),
                    "avatar": body.get("avatar", ""),
                    "create_time": created,
                }
            )
            if list_ids:
                conn.executemany(
                    "INSERT INTO list_faces (list_id, face_id, link_time) VALUES (?, ?, ?)",
                    [(list_id, face_id, created) for list_id in list_ids],
                )
                conn.execute(
                    f"UPDATE lists SET last_update_time = ? WHERE list_id IN ({_marks(list_ids)})",
                    (created, *list_ids),
                )
                for list_id in list_ids:
                    batch.list_faces_attached(list_id, [face_id])
            if attribute is not None:
                write_face_attribute(batch, face_id, account_id, attribute, replacing=False)
        return faces_service_pb2.CreateFaceResponse(face_id=face_id, url=f"/6/faces/{face_id}")

    @luna_rpc()
    def GetFaces(self, request: faces_service_pb2.GetFacesRequest, call: Call) -> faces_service_pb2.GetFacesResponse:
        offset, limit = paging(query_param(request, "page"), query_param(request, "page_size"))
        targets = query_targets(query_param(request, "targets"), "targets", FACE_TARGETS)
        where = face_filters(request, call.account_id)
        rows = self.storage.db.query(
            f"SELECT * FROM faces{where.sql()} ORDER BY create_time, face_id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return faces_service_pb2.GetFacesResponse(faces=self._faces(rows, targets))

    @luna_rpc(account_required=True, status=204)
    def DeleteFaces(self, request: faces_service_pb2.DeleteFacesRequest, call: Call) -> common_pb2.NoContent:
        ignore = query_flag(query_param(request, "ignore"), "ignore")
        body = json_body(request.body, request.params, DELETE_SCHEMA, has_params=request.HasField("params"))
        face_ids = [i.lower() for i in dict.fromkeys(body["face_ids"])]
        self._delete_faces(face_ids, call.require_account(), must_exist=not ignore)
        return common_pb2.NoContent()

    @luna_rpc()
    def CountFaces(
        self, request: faces_service_pb2.CountFacesRequest, call: Call
    ) -> faces_service_pb2.CountFacesResponse:
        where = face_filters(request, call.account_id)
        count = self.storage.db.count(f"SELECT COUNT(*) FROM faces{where.sql()}", where.params)
        return faces_service_pb2.CountFacesResponse(faces_count=count)

    @luna_rpc()
    def CountFaceAttributes(
        self, request: faces_service_pb2.CountFaceAttributesRequest, call: Call
    ) -> faces_service_pb2.CountFacesResponse:
        where = Where().eq("f.account_id", call.account_id)
        count = self.storage.db.count(
            f"SELECT COUNT(*) FROM face_attributes a JOIN faces f ON f.face_id = a.face_id{where.sql()}",
            where.params,
        )
        return faces_service_pb2.CountFacesResponse(faces_count=count)

    @luna_rpc()
    def GetFace(self, request: faces_service_pb2.GetFaceRequest, call: Call) -> faces_pb2.Face:
        face_id = path_uuid(request.face_id, "face_id")
        targets = query_targets(query_param(request, "targets"), "targets", FACE_TARGETS)
        return self._faces([self._owned_face(face_id, call.account_id)], targets)[0]

    @luna_rpc(account_required=True, status=204)
    def PatchFace(self, request: faces_service_pb2.PatchFaceRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        body = json_body(request.body, request.params, PATCH_SCHEMA, has_params=request.HasField("params"))
        if body.get("event_id") is not None:
            body["event_id"] = body["event_id"].lower()
        account_id = call.require_account()
        with self.storage.db.transaction() as tx:
            self._owned_face(face_id, account_id)
            if body:
                columns = sorted(body)
                tx.conn.execute(
                    f"UPDATE faces SET {', '.join(f'{c} = ?' for c in columns)} WHERE face_id = ?",
                    (*(body[c] for c in columns), face_id),
                )
        return common_pb2.NoContent()

    @luna_rpc(account_required=True, status=204)
    def DeleteFace(self, request: faces_service_pb2.DeleteFaceRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        self._delete_faces([face_id], call.require_account(), must_exist=True)
        return common_pb2.NoContent()

    @luna_rpc()
    def FaceExists(self, request: faces_service_pb2.FaceExistsRequest, call: Call) -> common_pb2.NoContent:
        self._owned_face(path_uuid(request.face_id, "face_id"), call.account_id)
        return common_pb2.NoContent()

    # -- face attributes ---------------------------------------------------------------------

    def _attribute_row(self, face_id: str) -> dict[str, Any]:
        rows = self.storage.db.query("SELECT * FROM face_attributes WHERE face_id = ?", (face_id,))
        if not rows:
            raise LunaError(errors.FACE_ATTRIBUTE_NOT_FOUND, id=face_id)
        return rows[0]

    @luna_rpc(account_required=True, status=204)
    def PutFaceAttribute(self, request: faces_service_pb2.PutFaceAttributeRequest, call: Call) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        body = json_body(request.body, request.params, FACE_ATTRIBUTE_SCHEMA, has_params=request.HasField("params"))
        account_id = call.require_account()
        self._owned_face(face_id, account_id)
        attribute = self._attribute_input(body, account_id)
        with self.storage.write() as batch:
            self._owned_face(face_id, account_id)
            write_face_attribute(batch, face_id, account_id, attribute, replacing=True)
        return common_pb2.NoContent()

    @luna_rpc()
    def GetFaceAttribute(
        self, request: faces_service_pb2.GetFaceAttributeRequest, call: Call
    ) -> faces_service_pb2.GetFaceAttributeResponse:
        face_id = path_uuid(request.face_id, "face_id")
        targets = query_targets(query_param(request, "targets"), "targets", FACE_ATTRIBUTE_TARGETS)
        version = query_descriptor_version(query_param(request, "descriptor_version"))
        self._owned_face(face_id, call.account_id)
        row = self._attribute_row(face_id)
        wanted = set(FACE_ATTRIBUTE_TARGETS if targets is None else targets)
        attribute = faces_pb2.FaceAttribute()
        if "create_time" in wanted:
            attribute.create_time = row["create_time"]
        if "basic_attributes" in wanted:
            basic = row["basic_attributes"]
            attribute.basic_attributes.CopyFrom(json_value(None if basic is None else json.loads(basic)))
        if "face_descriptor" in wanted:
            vector = None
            if version in json.loads(row["descriptor_versions"]):
                vector = self.storage.descriptors.get(face_id).get(version)
            attribute.face_descriptor.CopyFrom(
                null_value()
                if vector is None
                else json_value({"descriptor": encode_raw(vector), "descriptor_version": version})
            )
        for name in ("basic_attributes_samples", "face_descriptor_samples"):
            if name in wanted:
                getattr(attribute, name).CopyFrom(string_list(json.loads(row[name])))
        return faces_service_pb2.GetFaceAttributeResponse(attributes=attribute)

    @luna_rpc(account_required=True, status=204)
    def DeleteFaceAttribute(
        self, request: faces_service_pb2.DeleteFaceAttributeRequest, call: Call
    ) -> common_pb2.NoContent:
        face_id = path_uuid(request.face_id, "face_id")
        account_id = call.require_account()
        with self.storage.write() as batch:
            self._owned_face(face_id, account_id)
            cursor = batch.tx.conn.execute("DELETE FROM face_attributes WHERE face_id = ?", (face_id,))
            if cursor.rowcount:
                batch.delete_descriptors([face_id])
        return common_pb2.NoContent()

    @luna_rpc()
    def GetFaceAttributeSamples(
        self, request: faces_service_pb2.GetFaceAttributeSamplesRequest, call: Call
    ) -> attributes_pb2.AttributeSamples:
        face_id = path_uuid(request.face_id, "face_id")
        self._owned_face(face_id, call.account_id)
        row = self._attribute_row(face_id)
        data = AttributeData(
            face_descriptor_samples=json.loads(row["face_descriptor_samples"]),
            basic_attributes_samples=json.loads(row["basic_attributes_samples"]),
        )
        return attributes_pb2.AttributeSamples(samples=data.samples())


def register(server: Any, context: Any) -> None:
    faces_service_pb2_grpc.add_FacesServiceServicer_to_server(FacesService(context.storage), server)
    context.service_names.append(faces_service_pb2.DESCRIPTOR.services_by_name["FacesService"].full_name)
