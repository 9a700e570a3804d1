"""Tests for server.docs.openapi: OpenAPI generation from a compiled descriptor set."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import google.api
import grpc_tools
import pytest
import yaml
from grpc_tools import protoc

from gateway.config import DESCRIPTOR_SET, TASKS_API_SERVICE
from inference.analysis import Multiface
from server.analysis_options import MASK_CODES, NO_ANGLE_FILTER
from server.docs.html import render_html
from server.docs.openapi import build_openapi, render
from server.services.attributes import ATTRIBUTE_TARGETS
from server.services.faces import FACE_ATTRIBUTE_TARGETS, FACE_TARGETS
from server.settings import DEFAULT_ATTRIBUTE_TTL_S, MAX_ATTRIBUTE_TTL_S
from server.validation import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PROTO_ROOT = Path(__file__).resolve().parents[2] / "proto"

_TEST_PROTO = """
syntax = "proto3";

package lumen.test.v1;

import "google/api/annotations.proto";
import "google/api/httpbody.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "lumen/v6/options.proto";
import "other.proto";

// Items of the test API.
service ItemsService {
  // Get one item.
  // Second line of the description.
  rpc GetItem(GetItemRequest) returns (Item) {
    option (google.api.http) = {
      get: "/6/items/{item_id}"
      additional_bindings { get: "/6/things/{item_id=*}" }
    };
  }
  // Create an item.
  rpc CreateItem(CreateItemRequest) returns (CreateItemResponse) {
    option (lumen.v6.http_success_status) = 201;
    option (google.api.http) = {
      post: "/6/folders/{folder_id}/items"
      body: "*"
    };
  }
  // Search items.
  rpc SearchItems(SearchItemsRequest) returns (SearchItemsResponse) {
    option (google.api.http) = {
      post: "/6/items/search"
      body: "*"
    };
  }
  // Upload the raw content of an item.
  rpc PutContent(PutContentRequest) returns (google.protobuf.Empty) {
    option (google.api.http) = {
      post: "/6/items/{item_id}/content"
      body: "content"
    };
  }
  // Rename an item (JSON body convention: HttpBody body + typed params).
  rpc RenameItem(RenameItemRequest) returns (google.protobuf.Empty) {
    option (lumen.v6.http_success_status) = 204;
    option (google.api.http) = {
      patch: "/6/items/{item_id}/name"
      body: "body"
    };
  }
  // Upload a note: a raw body whose `params` sibling is not a message stays binary.
  rpc PutNote(PutNoteRequest) returns (google.protobuf.Empty) {
    option (google.api.http) = {
      put: "/6/items/{item_id}/name"
      body: "note"
    };
  }
  // Download the raw content of an item.
  rpc GetContent(GetItemRequest) returns (google.api.HttpBody) {
    option (google.api.http) = {get: "/6/items/{item_id}/content"};
  }
  // Download the item as JSON or msgpack, or as a thumbnail.
  rpc ExportItem(ItemExistsRequest) returns (google.api.HttpBody) {
    option (lumen.v6.http_response) = {
      media_types: ["application/json", "application/msgpack", "image/jpeg", "text/plain"]
      message: "lumen.test.v1.Item"
    };
    option (google.api.http) = {get: "/6/items/{item_id}/export"};
  }
  // Several items as a bare JSON array.
  rpc ExportItems(SearchItemsRequest) returns (google.api.HttpBody) {
    option (lumen.v6.http_success_status) = 201;
    option (lumen.v6.http_response) = {media_types: "application/json" message: "lumen.test.v1.Item" array: true};
    option (google.api.http) = {post: "/6/items/export" body: "*"};
  }
  // Any JSON document.
  rpc GetSettings(google.protobuf.Empty) returns (google.api.HttpBody) {
    option (lumen.v6.http_response) = {media_types: ["application/json", "application/x-yaml"]};
    option (google.api.http) = {get: "/6/settings"};
  }
  // Moved.
  rpc Moved(google.protobuf.Empty) returns (google.api.HttpBody) {
    option (lumen.v6.http_success_status) = 302;
    option (google.api.http) = {get: "/6/moved"};
  }
  // Replace an item.
  rpc PatchItem(PatchItemRequest) returns (Item) {
    option (google.api.http) = {
      patch: "/6/items/{item_id}"
      body: "item"
    };
  }
  // Check that an item exists.
  rpc ItemExists(ItemExistsRequest) returns (google.protobuf.Empty) {
    option (google.api.http) = {
      custom: {kind: "HEAD" path: "/6/items/{item_id}"}
    };
  }
  // CORS pre-flight.
  rpc ItemOptions(ItemExistsRequest) returns (google.protobuf.Empty) {
    option (google.api.http) = {
      custom: {kind: "OPTIONS" path: "/6/items/{item_id}"}
    };
  }
  // Delete an item.
  rpc DeleteItem(ItemExistsRequest) returns (Item) {
    option (lumen.v6.http_success_status) = 204;
    option (google.api.http) = {delete: "/6/items/{item_id}"};
  }
  // Not exposed over REST.
  rpc Internal(ItemExistsRequest) returns (google.protobuf.Empty);
}

enum State {
  STATE_UNSPECIFIED = 0;
  STATE_ACTIVE = 1;
}

message GetItemRequest {
  // The item identifier.
  string item_id = 1;
  // Page size.
  optional int32 limit = 2 [(lumen.v6.query) = {minimum: 1, maximum: 100, default_value: "10"}];
  repeated string tags = 3;
  State state = 4;
  bool verbose = 5;
  double score = 6 [(lumen.v6.query) = {minimum: 0, maximum: 1, default_value: "0.5"}];
  uint64 since = 7;
  Filter filter = 8;
  repeated int64 ids = 9;
  // Created at or after.
  google.protobuf.Timestamp create_time__gte = 10;
  // Owners.
  repeated string owner_ids = 11;
  optional string folder_id__lt = 12;
  // Free text, not a uuid.
  optional string external_id = 13 [(lumen.v6.query) = {format: ""}];
  optional int32 policy = 14 [(lumen.v6.query) = {enum_values: ["0", "1", "2"], default_value: "1"}];
  repeated string fields = 15 [(lumen.v6.query) = {enum_values: ["name", "count"], default_value: "name,count"}];
  google.protobuf.Int32Value maybe_limit = 16;
  google.protobuf.BoolValue maybe_flag = 17;
  optional string token = 18 [(lumen.v6.query) = {format: "byte"}];
  repeated string top_similar_external_ids = 21;
  optional string track_id__lt = 22;
  optional string bad_range = 19 [(lumen.v6.query) = {minimum: 1}];
  optional int32 bad_choice = 20 [(lumen.v6.query) = {enum_values: ["x"]}];
}

message Filter {
  string text = 1;
}

// An item.
message Item {
  // The item identifier.
  string item_id = 1;
  int32 count = 2;
  int64 total = 3;
  float ratio = 4;
  double weight = 5;
  bool active = 6;
  bytes blob = 7;
  State state = 8;
  // Free-form labels.
  map<string, int64> labels = 9;
  repeated Node nodes = 10;
  google.protobuf.Value extra = 11;
  google.protobuf.Struct meta = 12;
  google.protobuf.ListValue values = 13;
  google.protobuf.Timestamp created = 14;
  google.protobuf.Int32Value maybe_count = 15;
  google.protobuf.StringValue maybe_name = 16;
  Error last_error = 17;
  lumen.other.v1.Label other = 18;
  Node.Kind kind = 19;
  map<string, Node> node_map = 20;
  fixed32 f32 = 21;
  sint64 s64 = 22;
  Label label = 23;
}

message Label {
  string text = 1;
}

// A recursive tree node.
message Node {
  enum Kind {
    KIND_UNSPECIFIED = 0;
    KIND_LEAF = 1;
  }
  string name = 1;
  repeated Node children = 2;
  Node parent = 3;
}

// Same short name as the platform error schema.
message Error {
  string reason = 1;
}

message CreateItemRequest {
  string folder_id = 1;
  // Display name.
  string name = 2;
  repeated string tags = 3;
}

message CreateItemResponse {
  string item_id = 1;
  string url = 2;
}

message SearchItemsRequest {
  string query = 1;
  int32 limit = 2;
}

message SearchItemsResponse {
  repeated Item items = 1;
}

message PutContentRequest {
  string item_id = 1;
  // REST: the raw body.
  google.api.HttpBody content = 2;
  // Overwrite an existing content.
  bool overwrite = 3;
}

// JSON body of PATCH /6/items/{item_id}/name.
message RenameParams {
  // The new name.
  string name = 1;
}

message RenameItemRequest {
  string item_id = 1;
  // Also notify the owner.
  bool notify = 2;
  // REST: the raw JSON body (RenameParams).
  google.api.HttpBody body = 3;
  // gRPC: the typed body.
  RenameParams params = 4;
}

message PutNoteRequest {
  string item_id = 1;
  google.api.HttpBody note = 2;
  string params = 3;
}

message PatchItemRequest {
  string item_id = 1;
  // The new item.
  Item item = 2;
  bool dry_run = 3;
}

message ItemExistsRequest {
  string item_id = 1;
}
"""

_OTHER_PROTO = """
syntax = "proto3";

package lumen.other.v1;

message Label {
  string label = 1;
}
"""

_FOREIGN_PROTO = """
syntax = "proto3";

package acme.v1;

import "google/api/annotations.proto";
import "google/protobuf/empty.proto";

service AcmeService {
  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty) {
    option (google.api.http) = {get: "/acme/ping"};
  }
}
"""

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _compile(tmp_path: Path) -> bytes:
    (tmp_path / "test.proto").write_text(_TEST_PROTO)
    (tmp_path / "other.proto").write_text(_OTHER_PROTO)
    (tmp_path / "foreign.proto").write_text(_FOREIGN_PROTO)
    wkt = Path(next(iter(grpc_tools.__path__))) / "_proto"
    # google/api/*.proto live in the googleapis-common-protos wheel: site-packages/google/api.
    googleapis = Path(next(iter(google.api.__path__))).parent.parent
    out = tmp_path / "descriptor.pb"
    args = [
        "protoc",
        f"-I{tmp_path}",
        f"-I{PROTO_ROOT}",
        f"-I{wkt}",
        f"-I{googleapis}",
        "--include_imports",
        "--include_source_info",
        f"--descriptor_set_out={out}",
        "test.proto",
        "foreign.proto",
    ]
    assert protoc.main(args) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_openapi(_compile(tmp_path_factory.mktemp("proto")))


def _params(operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The operation's own (path and query) parameters, without the shared header references."""
    return {(p["in"], p["name"]): p for p in operation.get("parameters", []) if "$ref" not in p}


def _header_refs(operation: dict[str, Any]) -> list[str]:
    return [p["$ref"] for p in operation.get("parameters", []) if "$ref" in p]


ACCOUNT_REF = "#/components/parameters/LunaAccountId"
REQUEST_ID_REF = "#/components/parameters/LunaRequestId"
REQUEST_ID_HEADER = {"Luna-Request-Id": {"$ref": "#/components/headers/LunaRequestId"}}
BINARY = {"type": "string", "format": "binary"}


def test_document_header(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.0.3"
    assert document["info"] == {
        "title": "Lumen (LUNA PLATFORM 5 API v6)",
        "version": "6",
    }
    assert document["tags"] == [{"name": "Items", "description": "Items of the test API."}]


def test_custom_title_and_version(tmp_path: Path) -> None:
    doc = build_openapi(_compile(tmp_path), title="T", version="1.2")
    assert doc["info"] == {"title": "T", "version": "1.2"}


def test_paths_and_methods(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert set(paths) == {
        "/6/items/{item_id}",
        "/6/things/{item_id}",
        "/6/folders/{folder_id}/items",
        "/6/items/search",
        "/6/items/{item_id}/content",
        "/6/items/{item_id}/name",
        "/6/items/{item_id}/export",
        "/6/items/export",
        "/6/settings",
        "/6/moved",
    }
    assert set(paths["/6/items/{item_id}"]) == {
        "get",
        "patch",
        "head",
        "options",
        "delete",
    }
    assert set(paths["/6/items/{item_id}/content"]) == {"get", "post"}
    assert "/acme/ping" not in paths  # only lumen.* packages
    ids = {op["operationId"] for item in paths.values() for op in item.values()}
    assert "ItemsService.Internal" not in ids
    assert "AcmeService.Ping" not in ids


def test_get_operation(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}"]["get"]
    assert op["operationId"] == "ItemsService.GetItem"
    assert op["tags"] == ["Items"]
    assert op["summary"] == "Get one item."
    assert op["description"] == "Get one item.\nSecond line of the description."
    params = _params(op)
    assert params[("path", "item_id")] == {
        "name": "item_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
        "description": "The item identifier.",
    }
    assert params[("query", "limit")] == {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 10},
        "description": "Page size.",
    }
    assert params[("query", "tags")] == {
        "name": "tags",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
        "description": "A comma-separated list; repeating the parameter (x=a&x=b) works too.",
    }
    assert params[("query", "state")]["schema"] == {
        "type": "string",
        "enum": ["STATE_UNSPECIFIED", "STATE_ACTIVE"],
    }
    assert params[("query", "verbose")]["schema"] == {"type": "integer", "enum": [0, 1]}  # v6 flags are 0/1
    assert params[("query", "score")]["schema"] == {
        "type": "number",
        "format": "double",
        "minimum": 0,
        "maximum": 1,
        "default": 0.5,
    }
    assert params[("query", "since")]["schema"] == {
        "type": "integer",
        "format": "int64",
    }
    assert params[("query", "ids")]["schema"] == {
        "type": "array",
        "items": {"type": "integer", "format": "int64"},
    }
    assert params[("query", "create_time__gte")]["schema"] == {"type": "string", "format": "date-time"}
    assert params[("query", "create_time__gte")]["description"] == "Created at or after."
    owners = params[("query", "owner_ids")]
    assert owners["schema"] == {"type": "array", "items": {"type": "string", "format": "uuid"}}
    assert (owners["style"], owners["explode"]) == ("form", False)
    assert owners["description"] == "Owners.\nA comma-separated list; repeating the parameter (x=a&x=b) works too."
    assert params[("query", "folder_id__lt")]["schema"] == {"type": "string", "format": "uuid"}  # lookup suffix
    assert params[("query", "external_id")]["schema"] == {"type": "string"}  # format "" in the option
    assert params[("query", "token")]["schema"] == {"type": "string", "format": "byte"}
    assert params[("query", "top_similar_external_ids")]["schema"]["items"] == {"type": "string"}  # free text
    assert params[("query", "track_id__lt")]["schema"] == {"type": "string"}
    assert params[("query", "policy")]["schema"] == {
        "type": "integer",
        "format": "int32",
        "enum": [0, 1, 2],
        "default": 1,
    }
    assert params[("query", "fields")]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["name", "count"]},
        "default": ["name", "count"],
    }
    assert params[("query", "maybe_limit")]["schema"] == {"type": "integer", "format": "int32"}
    assert params[("query", "maybe_flag")]["schema"] == {"type": "integer", "enum": [0, 1]}
    assert params[("query", "bad_range")]["schema"] == {"type": "string"}  # a range on a string is ignored
    assert params[("query", "bad_choice")]["schema"]["enum"] == ["x"]  # kept as text, with a warning
    assert ("query", "filter") not in params  # message fields are not query parameters
    assert ("query", "item_id") not in params  # bound to the path
    assert next(iter(params)) == ("path", "item_id")  # path parameters first
    assert _header_refs(op) == [ACCOUNT_REF, REQUEST_ID_REF]  # after the own parameters
    assert op["parameters"][-2:] == [{"$ref": ACCOUNT_REF}, {"$ref": REQUEST_ID_REF}]
    assert "requestBody" not in op
    assert op["responses"] == {
        "200": {
            "description": "OK",
            "headers": REQUEST_ID_HEADER,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        },
        "default": {"$ref": "#/components/responses/Error"},
    }


def test_additional_binding(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/things/{item_id}"]["get"]
    assert op["operationId"] == "ItemsService.GetItem_1"
    assert _params(op)[("path", "item_id")]["required"] is True
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}


def test_post_body_star_with_path_param_and_status(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/folders/{folder_id}/items"]["post"]
    assert op["operationId"] == "ItemsService.CreateItem"
    assert op["summary"] == "Create an item."
    params = _params(op)
    assert set(params) == {("path", "folder_id")}  # body "*": no query parameters
    assert params[("path", "folder_id")]["schema"] == {
        "type": "string",
        "format": "uuid",
    }
    body = op["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"name", "tags"}  # minus the path parameter
    assert schema["properties"]["name"] == {
        "type": "string",
        "description": "Display name.",
    }
    assert set(op["responses"]) == {"201", "default"}
    assert op["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateItemResponse"
    }
    assert op["responses"]["201"]["headers"] == REQUEST_ID_HEADER
    assert document["components"]["schemas"]["CreateItemResponse"]["properties"] == {
        "item_id": {"type": "string"},
        "url": {"type": "string"},
    }


def test_post_body_star_without_path_params(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/search"]["post"]
    assert _params(op) == {}  # only the headers
    assert _header_refs(op) == [ACCOUNT_REF, REQUEST_ID_REF]
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SearchItemsRequest"
    }
    schemas = document["components"]["schemas"]
    assert set(schemas["SearchItemsRequest"]["properties"]) == {"query", "limit"}


def test_http_body_request_and_empty_response(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}/content"]["post"]
    assert op["requestBody"] == {
        "required": True,
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
    params = _params(op)
    assert set(params) == {("path", "item_id"), ("query", "overwrite")}
    assert params[("query", "overwrite")]["description"] == "Overwrite an existing content."
    assert op["responses"]["200"] == {"description": "OK", "headers": REQUEST_ID_HEADER}  # google.protobuf.Empty


def test_http_body_with_params_is_json(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}/name"]["patch"]
    assert op["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenameParams"}}},
        "description": "REST: the raw JSON body (RenameParams).",
    }
    params = _params(op)
    assert set(params) == {("path", "item_id"), ("query", "notify")}  # neither body nor params
    assert set(op["responses"]) == {"204", "default"}
    schemas = document["components"]["schemas"]
    assert schemas["RenameParams"] == {
        "type": "object",
        "description": "JSON body of PATCH /6/items/{item_id}/name.",
        "properties": {"name": {"type": "string", "description": "The new name."}},
    }
    assert "RenameItemRequest" not in schemas


def test_http_body_with_scalar_params_stays_binary(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}/name"]["put"]
    assert op["requestBody"] == {
        "required": True,
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
    assert set(_params(op)) == {("path", "item_id"), ("query", "params")}


def test_http_body_response(document: dict[str, Any]) -> None:
    # Without a (lumen.v6.http_response) option: opaque bytes.
    op = document["paths"]["/6/items/{item_id}/content"]["get"]
    assert op["responses"]["200"]["content"] == {"application/octet-stream": {"schema": BINARY}}


def test_http_body_response_option(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}/export"]["get"]
    item = {"$ref": "#/components/schemas/Item"}
    assert op["responses"]["200"]["content"] == {
        "application/json": {"schema": item},
        "application/msgpack": {"schema": item},
        "image/jpeg": {"schema": BINARY},
        "text/plain": {"schema": {"type": "string"}},
    }
    created = document["paths"]["/6/items/export"]["post"]["responses"]
    assert set(created) == {"201", "default"}
    assert created["201"]["content"] == {"application/json": {"schema": {"type": "array", "items": item}}}
    settings = document["paths"]["/6/settings"]["get"]["responses"]["200"]["content"]
    assert settings == {"application/json": {"schema": {}}, "application/x-yaml": {"schema": {"type": "string"}}}
    moved = document["paths"]["/6/moved"]["get"]["responses"]["302"]
    assert moved["headers"]["Location"]["schema"] == {"type": "string"}
    assert "*/*" not in json.dumps([op["responses"] for item in document["paths"].values() for op in item.values()])


def test_body_message_field(document: dict[str, Any]) -> None:
    op = document["paths"]["/6/items/{item_id}"]["patch"]
    body = op["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}
    assert body["description"] == "The new item."
    params = _params(op)
    assert set(params) == {("path", "item_id"), ("query", "dry_run")}


def test_custom_methods_and_no_content(document: dict[str, Any]) -> None:
    item = document["paths"]["/6/items/{item_id}"]
    head = item["head"]
    assert head["operationId"] == "ItemsService.ItemExists"
    assert head["responses"]["200"] == {"description": "OK", "headers": REQUEST_ID_HEADER}
    assert "requestBody" not in head
    assert item["options"]["operationId"] == "ItemsService.ItemOptions"
    delete = item["delete"]
    assert set(delete["responses"]) == {"204", "default"}
    assert delete["responses"]["204"] == {"description": "No Content", "headers": REQUEST_ID_HEADER}
    assert delete["description"] == "Delete an item."


def test_item_schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    item = schemas["Item"]
    assert item["type"] == "object"
    assert item["description"] == "An item."
    props = item["properties"]
    assert props["item_id"] == {"type": "string", "description": "The item identifier."}
    assert props["count"] == {"type": "integer", "format": "int32"}
    assert props["total"] == {"type": "integer", "format": "int64"}
    assert props["ratio"]["type"] == "number"
    assert props["weight"]["type"] == "number"
    assert props["active"] == {"type": "boolean"}
    assert props["blob"] == {"type": "string", "format": "byte"}
    assert props["state"] == {
        "type": "string",
        "enum": ["STATE_UNSPECIFIED", "STATE_ACTIVE"],
    }
    assert props["labels"] == {
        "type": "object",
        "additionalProperties": {"type": "integer", "format": "int64"},
        "description": "Free-form labels.",
    }
    assert props["nodes"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Node"},
    }
    assert props["extra"] == {}
    assert props["meta"]["type"] == "object"
    assert props["values"]["type"] == "array"
    assert props["created"] == {"type": "string", "format": "date-time"}
    assert props["maybe_count"] == {
        "type": "integer",
        "format": "int32",
        "nullable": True,
    }
    assert props["maybe_name"] == {"type": "string", "nullable": True}
    assert props["kind"] == {
        "type": "string",
        "enum": ["KIND_UNSPECIFIED", "KIND_LEAF"],
    }
    assert props["node_map"] == {
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/Node"},
    }
    assert props["f32"] == {"type": "integer", "format": "int32"}
    assert props["s64"] == {"type": "integer", "format": "int64"}


def test_recursive_message(document: dict[str, Any]) -> None:
    node = document["components"]["schemas"]["Node"]
    assert node["properties"]["children"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Node"},
    }
    assert node["properties"]["parent"] == {"$ref": "#/components/schemas/Node"}


def test_schema_names(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Error"] == {
        "type": "object",
        "description": schemas["Error"]["description"],
        "properties": {
            "error_code": {"type": "integer", "format": "int32"},
            "desc": {"type": "string"},
            "detail": {"type": "string"},
        },
    }
    # A lumen message called Error must not shadow the platform error schema.
    assert schemas["lumen_test_v1_Error"]["properties"] == {"reason": {"type": "string"}}
    props = schemas["Item"]["properties"]
    assert props["last_error"] == {"$ref": "#/components/schemas/lumen_test_v1_Error"}
    # Label exists in two packages: the short name is ambiguous.
    assert props["label"] == {"$ref": "#/components/schemas/lumen_test_v1_Label"}
    assert props["other"] == {"$ref": "#/components/schemas/lumen_other_v1_Label"}
    assert schemas["lumen_test_v1_Label"]["properties"] == {"text": {"type": "string"}}
    assert schemas["lumen_other_v1_Label"]["properties"] == {"label": {"type": "string"}}
    assert "Label" not in schemas
    # Unreferenced messages (and inlined well-known types) are not components.
    for name in ("Filter", "ItemExistsRequest", "GetItemRequest", "Empty", "Timestamp"):
        assert name not in schemas


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_all_references_resolve(document: dict[str, Any]) -> None:
    components = document["components"]
    refs = _refs(document)
    assert refs
    for ref in refs:
        kind, name = ref.removeprefix("#/components/").split("/")
        assert ref.startswith("#/components/") and kind in ("schemas", "parameters", "headers", "responses")
        assert name in components[kind]


@pytest.mark.parametrize("accept", [None, "", "*/*", "application/json", "text/html"])
def test_render_json(document: dict[str, Any], accept: str | None) -> None:
    body, content_type = render(document, accept)
    assert content_type == "application/json"
    assert json.loads(body) == document


@pytest.mark.parametrize("accept", ["application/x-yaml", "text/yaml", "text/html, application/x-yaml;q=0.9"])
def test_render_yaml(document: dict[str, Any], accept: str) -> None:
    body, content_type = render(document, accept)
    assert content_type == "application/x-yaml"
    text = body.decode("utf-8")
    assert "&id" not in text and "*id" not in text  # no anchors / aliases
    assert yaml.safe_load(text) == document
    assert text.startswith("openapi: 3.0.3")


def test_render_html(document: dict[str, Any]) -> None:
    page = render_html(document)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Lumen (LUNA PLATFORM 5 API v6) 6</title>" in page
    assert '<a href="#tag-Items">Items</a> (16 operations)' in page
    assert '<div class="op" id="ItemsService.GetItem">' in page
    assert "<code>/6/items/{item_id}</code> &mdash; Get one item." in page
    assert "<p>Get one item.\nSecond line of the description.</p>" in page
    assert (
        "<tr><td><code>limit</code></td><td>query</td><td>no</td><td>integer (int32), 1..100, default 10</td>"
        "<td>Page size.</td></tr>" in page
    )
    # the shared header parameters and error response are resolved
    assert "<tr><td><code>Luna-Account-Id</code></td><td>header</td><td>no</td><td>string (uuid)</td>" in page
    assert "<li><b>default</b> LUNA error: " in page
    assert (
        'Request body: <code>application/json</code> <a href="#schema-RenameParams">RenameParams</a>'
        " &mdash; REST: the raw JSON body (RenameParams)." in page
    )
    assert '<li><b>200</b> OK: <code>application/json</code> <a href="#schema-Item">Item</a></li>' in page
    assert "<li><b>204</b> No Content</li>" in page
    assert '<h3 id="schema-Node">Node</h3>' in page
    assert 'array of <a href="#schema-Node">Node</a>' in page
    # GET comes before HEAD, PATCH and DELETE of the same path
    positions = [
        page.index(f'id="ItemsService.{name}"') for name in ("GetItem", "ItemExists", "PatchItem", "DeleteItem")
    ]
    assert positions == sorted(positions)


def test_render_html_escapes() -> None:
    document = {
        "info": {"title": "<T&>", "version": "1"},
        "tags": [{"name": "X", "description": "a <b> & c"}],
        "paths": {"/p/{id}": {"get": {"operationId": "S.Get", "tags": ["X"], "summary": "<script>", "responses": {}}}},
        "components": {"schemas": {}},
    }
    page = render_html(document)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<title>&lt;T&amp;&gt; 1</title>" in page
    assert "<p>a &lt;b&gt; &amp; c</p>" in page


def test_header_components(document: dict[str, Any]) -> None:
    components = document["components"]
    account = components["parameters"]["LunaAccountId"]
    assert (account["name"], account["in"], account["required"]) == ("Luna-Account-Id", "header", False)
    assert account["schema"] == {"type": "string", "format": "uuid"}
    request_id = components["parameters"]["LunaRequestId"]
    assert (request_id["name"], request_id["in"], request_id["required"]) == ("Luna-Request-Id", "header", False)
    pattern = re.compile(request_id["schema"]["pattern"])
    assert pattern.match("1700000000,3b0c1f4e-8a57-4a3e-9b8e-2c6f0e5d4a21")
    assert not pattern.match("3b0c1f4e-8a57-4a3e-9b8e-2c6f0e5d4a21")
    assert components["headers"]["LunaRequestId"]["schema"] == request_id["schema"]
    error = components["responses"]["Error"]
    assert error["headers"] == REQUEST_ID_HEADER
    assert error["content"] == {"application/json": {"schema": ERROR_REF}}
    for item in document["paths"].values():
        for op in item.values():
            assert REQUEST_ID_REF in _header_refs(op)
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}
            success = [status for status in op["responses"] if status != "default"]
            assert [op["responses"][status]["headers"]["Luna-Request-Id"] for status in success]


def test_required_account_and_public_operations(tmp_path: Path) -> None:
    doc = build_openapi(
        _compile(tmp_path), require_account=True, public_rpcs=frozenset({"lumen.test.v1.ItemsService/GetItem"})
    )
    assert doc["components"]["parameters"]["LunaAccountId"]["required"] is True
    assert "LUMEN_REQUIRE_ACCOUNT" in doc["components"]["parameters"]["LunaAccountId"]["description"]
    assert _header_refs(doc["paths"]["/6/items/{item_id}"]["get"]) == [REQUEST_ID_REF]  # public: no account
    assert _header_refs(doc["paths"]["/6/items/{item_id}"]["delete"]) == [ACCOUNT_REF, REQUEST_ID_REF]


# -- the served document (gateway/lumen.pb) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> dict[str, Any]:
    return build_openapi(DESCRIPTOR_SET.read_bytes())


def test_served_document_builds_without_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # a (lumen.v6.http_response) message that does not exist, a range on a text field, a value that is no number...
    with caplog.at_level(logging.WARNING, logger="server.docs.openapi"):
        build_openapi(DESCRIPTOR_SET.read_bytes())
    assert caplog.records == []


def test_served_query_types_ranges_and_enums(served: dict[str, Any]) -> None:
    paths = served["paths"]
    for path in ("/6/faces", "/6/lists"):
        params = _params(paths[path]["get"])
        assert params[("query", "page")]["schema"] == {"type": "integer", "format": "int32", "minimum": 1, "default": 1}
        assert params[("query", "page_size")]["schema"] == {
            "type": "integer",
            "format": "int32",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": DEFAULT_PAGE_SIZE,
        }
        assert params[("query", "create_time__gte")]["schema"] == {"type": "string", "format": "date-time"}
    faces = _params(paths["/6/faces"]["get"])
    assert faces[("query", "face_ids")]["schema"] == {"type": "array", "items": {"type": "string", "format": "uuid"}}
    assert faces[("query", "external_ids")]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert faces[("query", "targets")]["schema"]["items"]["enum"] == list(FACE_TARGETS)
    assert faces[("query", "face_ids")]["explode"] is False
    assert _params(paths["/6/faces/{face_id}/attributes"]["get"])[("query", "targets")]["schema"]["items"][
        "enum"
    ] == list(FACE_ATTRIBUTE_TARGETS)
    assert _params(paths["/6/attributes"]["get"])[("query", "targets")]["schema"]["items"]["enum"] == list(
        ATTRIBUTE_TARGETS
    )
    assert _params(paths["/6/faces"]["delete"])[("query", "ignore")]["schema"] == {
        "type": "integer",
        "enum": [0, 1],
        "default": 0,
    }
    sdk = _params(paths["/6/sdk"]["post"])
    assert sdk[("query", "multiface_policy")]["schema"]["enum"] == [int(code) for code in Multiface]
    assert sdk[("query", "multiface_policy")]["schema"]["default"] == Multiface.ALL
    assert sdk[("query", "image_type")]["schema"]["enum"] == [0, 1, 2]
    assert sdk[("query", "estimate_glasses")]["schema"] == {"type": "integer", "enum": [0, 1]}
    assert sdk[("query", "score_threshold")]["schema"] == {
        "type": "number",
        "format": "double",
        "minimum": 0,
        "maximum": 1,
        "default": 0,
    }
    assert sdk[("query", "yaw_threshold")]["schema"]["maximum"] == NO_ANGLE_FILTER
    assert sdk[("query", "mask_states")]["schema"]["items"]["enum"] == [str(code) for code in MASK_CODES]
    iso = _params(paths["/6/iso"]["post"])
    assert iso[("query", "multiface_policy")]["schema"]["default"] == Multiface.ERROR
    extractor = _params(paths["/6/extractor"]["post"])
    assert extractor[("query", "ttl")]["schema"] == {
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": MAX_ATTRIBUTE_TTL_S,
        "default": DEFAULT_ATTRIBUTE_TTL_S,
    }


def test_served_headers(served: dict[str, Any]) -> None:
    paths = served["paths"]
    assert _header_refs(paths["/6/faces"]["post"]) == [ACCOUNT_REF, REQUEST_ID_REF]
    assert _header_refs(paths["/6/healthcheck"]["get"]) == [REQUEST_ID_REF]  # public
    assert served["components"]["parameters"]["LunaAccountId"]["required"] is False


def test_served_responses(served: dict[str, Any]) -> None:
    paths = served["paths"]
    for path, key in (("/6/faces", "face_id"), ("/6/lists", "list_id")):
        created = paths[path]["post"]["responses"]["201"]
        ref = created["content"]["application/json"]["schema"]["$ref"]
        schema = served["components"]["schemas"][ref.removeprefix("#/components/schemas/")]
        assert set(schema["properties"]) == {key, "url"}
    for path in ("/6/sdk", "/6/iso"):
        content = paths[path]["post"]["responses"]["200"]["content"]
        assert list(content) == ["application/json", "application/msgpack"]
        assert content["application/json"] == content["application/msgpack"]
        assert "$ref" in content["application/json"]["schema"]
    matches = paths["/6/matcher/faces"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert matches == {"type": "array", "items": {"$ref": "#/components/schemas/ReferenceMatches"}}
    extracted = paths["/6/extractor"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert extracted == {"type": "array", "items": {"$ref": "#/components/schemas/ExtractedAttribute"}}
    image = paths["/6/images/{image_id}"]["get"]["responses"]["200"]["content"]
    assert "image/jpeg" in image and image["image/jpeg"]["schema"] == BINARY
    assert "content" not in paths["/6/faces/{face_id}"]["delete"]["responses"]["204"]
    for item in paths.values():
        for op in item.values():
            for response in op["responses"].values():
                assert "*/*" not in response.get("content", {}), op["operationId"]
            assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}


def test_served_tasks_api_document() -> None:
    """The LUNA Tasks API listener's own document: LunaTasksService's routes only, from the same generator; the v6
    document leaves them out."""
    document = build_openapi(DESCRIPTOR_SET.read_bytes(), services=(TASKS_API_SERVICE,), title="Tasks", version="1")
    assert document["info"] == {"title": "Tasks", "version": "1"}
    assert [tag["name"] for tag in document["tags"]] == ["LunaTasks"]
    paths = document["paths"]
    assert all(path.startswith("/1/") for path in paths if path != "/docs/dev/index.html")
    assert {"/1/tasks", "/1/tasks/{task_id}", "/1/config", "/1/docs/spec", "/1/docs/dev"} <= set(paths)
    assert paths["/1/docs/dev"]["get"]["responses"]["302"]["headers"]["Location"]
    assert set(paths["/1/config"]["get"]["responses"]["200"]["content"]) == {"application/json", "text/plain"}
    assert paths["/1/tasks"]["get"]["operationId"] == "LunaTasksService.GetTasks"
    page_size = next(p for p in paths["/1/tasks"]["get"]["parameters"] if p.get("name") == "page_size")
    assert page_size["schema"]["maximum"] == 1000
    assert "TaskParams" in document["components"]["schemas"]
    v6 = build_openapi(DESCRIPTOR_SET.read_bytes())
    assert not any(path.startswith("/1/") for path in v6["paths"])
    assert "LunaTasks" not in [tag["name"] for tag in v6["tags"]]
    assert 'href="/1/docs/spec"' in render_html(document, "/1/docs/spec")
    assert 'href="/6/docs/spec"' in render_html(v6)
