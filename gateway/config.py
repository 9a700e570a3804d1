"""Envoy configuration generated from the descriptor set (gateway/lumen.pb).

The REST routes come from the google.api.http rules: the transcoder gets every lumen.* service,
and the Lua filter gets a table (Lua pattern -> allowed methods) for OPTIONS, 404 and 405.
"""

from __future__ import annotations

import json
import re
import string
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

from gateway.query_types import FIELD_REPLIES, rpc_query_kinds
from server import errors
from server.accounts import PUBLIC_RPCS, Credential, load_credentials
from server.storage.descriptors import supported_versions

GATEWAY_DIR = Path(__file__).resolve().parent
DESCRIPTOR_SET = GATEWAY_DIR / "lumen.pb"
LUA_SOURCE = GATEWAY_DIR / "lumen.lua"
ACCOUNTS_LUA_SOURCE = GATEWAY_DIR / "accounts.lua"
UPSTREAM_TIMEOUT_S = 300
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
# Request line + headers above this many KiB are refused by Envoy (431, LUNA body below); the gRPC
# server accepts more metadata than that (server/app.py MAX_METADATA_BYTES).
MAX_REQUEST_HEADERS_KB = 60


def luna_body(spec: errors.ErrorSpec, **values: object) -> dict[str, object]:
    """The LUNA body of a catalogue error (server/errors.py), as the server would send it."""
    return errors.LunaError(spec, **values).body()


# Every LUNA error the gateway answers itself comes from the catalogue (tests/unit/test_error_catalogue.py).
PAYLOAD_TOO_LARGE = luna_body(errors.PAYLOAD_TOO_LARGE)
BAD_REQUEST = luna_body(errors.UNDECODABLE_REQUEST)
INTERNAL = luna_body(errors.INTERNAL)
UNAVAILABLE = luna_body(errors.SERVICE_UNAVAILABLE, service="lumen-server")
TIMEOUT = luna_body(errors.GATEWAY_TIMEOUT)
# lumen.lua sets this request header before it answers itself (its body is LUNA already).
LUNA_REPLY_HEADER = "x-lumen-luna-reply"
# Envoy's own replies (local replies), in LUNA shape.
LOCAL_REPLY_ERRORS = {
    400: BAD_REQUEST,
    413: PAYLOAD_TOO_LARGE,
    431: luna_body(errors.HEADERS_TOO_LARGE),
    500: INTERNAL,
    502: UNAVAILABLE,
    503: UNAVAILABLE,
    504: TIMEOUT,
}
# The replies lumen.lua builds itself (LUNA_REPLIES.<name>: {http status, body format with %s per detail value}).
LUA_REPLIES = {
    "UNKNOWN_PATH": errors.UNKNOWN_RESOURCE,  # path, as sent (bounded)
    "METHOD_NOT_ALLOWED": errors.METHOD_NOT_ALLOWED,  # method
    "BAD_QUERY_PARAMETER": errors.BAD_QUERY_PARAM,  # parameter name
    "BAD_DESCRIPTOR_VERSION": errors.BAD_DESCRIPTOR_VERSION_PARAM,  # (the versions, filled in by lua_code)
}
#: Detail values of LUA_REPLIES known when the configuration is generated.
LUA_REPLY_VALUES = {"BAD_DESCRIPTOR_VERSION": {"supported": supported_versions()}}
# A gRPC error that gRPC core answered (the Lumen wrapper sends its LUNA body as x-lumen-error
# metadata; these came without one): grpc-status -> (HTTP status, LUNA body); applied by lumen.lua.
GRPC_ERRORS: dict[str, tuple[int, dict[str, object]]] = {
    "3": (400, BAD_REQUEST),  # INVALID_ARGUMENT
    "4": (504, TIMEOUT),  # DEADLINE_EXCEEDED
    "8": (413, PAYLOAD_TOO_LARGE),  # RESOURCE_EXHAUSTED: message or metadata over the server's limit
    "13": (400, BAD_REQUEST),  # INTERNAL "Exception deserializing request" (lumen.lua: other INTERNAL -> 500)
    "14": (503, UNAVAILABLE),  # UNAVAILABLE
    "default": (500, INTERNAL),
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    rpc: str  # full gRPC method name "lumen.v6.ListsService/GetList"


def load_descriptor_set(path: Path = DESCRIPTOR_SET) -> descriptor_pb2.FileDescriptorSet:
    return descriptor_pb2.FileDescriptorSet.FromString(path.read_bytes())


def _rule_bindings(rule: http_pb2.HttpRule) -> list[tuple[str, str]]:
    bindings: list[tuple[str, str]] = []
    pattern = rule.WhichOneof("pattern")
    if pattern == "custom":
        bindings.append((rule.custom.kind.upper(), rule.custom.path))
    elif pattern is not None:
        bindings.append((pattern.upper(), getattr(rule, pattern)))
    for extra in rule.additional_bindings:
        bindings.extend(_rule_bindings(extra))
    return bindings


def routes(descriptor_set: descriptor_pb2.FileDescriptorSet) -> list[Route]:
    found: list[Route] = []
    for file in descriptor_set.file:
        if not file.package.startswith("lumen."):
            continue
        for service in file.service:
            for method in service.method:
                if not method.options.HasExtension(annotations_pb2.http):
                    continue
                rule = method.options.Extensions[annotations_pb2.http]
                for verb, path in _rule_bindings(rule):
                    found.append(Route(verb, path, f"{file.package}.{service.name}/{method.name}"))
    return found


def service_names(descriptor_set: descriptor_pb2.FileDescriptorSet) -> list[str]:
    return sorted(
        f"{file.package}.{service.name}"
        for file in descriptor_set.file
        if file.package.startswith("lumen.")
        for service in file.service
    )


#: Path variables whose values v6 enumerates (spelt out where two templates share one shape).
ENUM_VARIABLES: dict[str, tuple[str, ...]] = {"samples_type": ("faces", "bodies")}
#: A UUID path segment (either case; the services lower-case it).
LUA_UUID = "%x" * 8 + "%-" + "%x" * 4 + "%-" + "%x" * 4 + "%-" + "%x" * 4 + "%-" + "%x" * 12


def _lua_pattern(path: str, *, typed: bool = False) -> str:
    """The Lua pattern of a path template; typed: `*_id` variables match UUIDs only."""
    parts = []
    for segment in re.split(r"(\{[^}]+\})", path):
        if segment.startswith("{"):
            name = segment[1:-1].split("=", 1)[0]
            parts.append(LUA_UUID if typed and name.endswith("_id") else "[^/]+")
        else:
            parts.append(re.sub(r"([%().+\-*?\[\]^$])", r"%\1", segment))
    return "^" + "".join(parts) + "$"


def _spelt_out(path: str) -> list[str]:
    """The path with its enumerated variables replaced by each value (/6/samples/faces, /6/samples/bodies)."""
    paths = [path]
    for name, values in ENUM_VARIABLES.items():
        marker = "{" + name + "}"
        paths = [p.replace(marker, value) for p in paths for value in values] if marker in path else paths
    return paths


def _route_patterns(all_routes: list[Route]) -> list[tuple[Route, str, str]]:
    """(route, path, lua pattern) of every route; see allow_table for how twins of one shape are told apart."""
    shapes: dict[str, set[str]] = defaultdict(set)
    for route in all_routes:
        shapes[_lua_pattern(route.path)].add(route.path)
    found = []
    for route in all_routes:
        ambiguous = len(shapes[_lua_pattern(route.path)]) > 1
        for path in _spelt_out(route.path) if ambiguous else [route.path]:
            found.append((route, path, _lua_pattern(path, typed=ambiguous)))
    return found


def allow_table(all_routes: list[Route]) -> list[tuple[str, str, str, str]]:
    """(path, lua pattern, "GET,HEAD,OPTIONS", "var1,var2") ordered so literal paths win over templates.

    Templates of the same shape (POST /6/samples/{samples_type} and GET /6/samples/{sample_id}) are told
    apart by their variables' types, as v6 documents them: enumerated variables become their literal values
    (/6/samples/faces, /6/samples/bodies) and `*_id` variables match UUIDs only, so each path gets exactly
    the methods of its own route (OPTIONS, 405 and routing agree) and a segment that is neither is 404.
    Templates without such a twin keep `[^/]+` (a malformed id is the service's 12001).
    """
    methods: dict[str, set[str]] = defaultdict(set)
    variables: dict[str, set[str]] = defaultdict(set)
    paths: dict[str, str] = {}
    for route, path, pattern in _route_patterns(all_routes):
        methods[pattern].add(route.method)
        variables[pattern].update(re.findall(r"\{([^}=]+)", route.path))
        paths.setdefault(pattern, path)
    table = []
    for pattern, verbs in methods.items():
        verbs.add("OPTIONS")
        table.append((paths[pattern], pattern, ",".join(sorted(verbs)), ",".join(sorted(variables[pattern]))))
    table.sort(key=lambda row: (row[0].count("{"), -len(row[0])))
    return table


def query_table(all_routes: list[Route], kinds: dict[str, dict[str, str]]) -> dict[str, dict[str, dict[str, str]]]:
    """lua pattern -> method -> {query field: kind} (gateway/query_types.py), for the routes with typed fields."""
    table: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for route, _, pattern in _route_patterns(all_routes):
        if kinds.get(route.rpc):
            table[pattern][route.method] = kinds[route.rpc]
    return dict(table)


def _lua_table(mapping: dict[str, str]) -> str:
    return "{" + ", ".join(f'{name} = "{value}"' for name, value in sorted(mapping.items())) + "}"


def lua_code(all_routes: list[Route], kinds: dict[str, dict[str, str]] | None = None) -> str:
    """The Lua filter: generated tables (routes, typed query fields, LUNA replies) + gateway/lumen.lua."""
    typed = query_table(all_routes, kinds or {})
    rows = "\n".join(
        f'  {{"{pattern}", "{allow}", "{names}", '
        + "{"
        + ", ".join(f"{method} = {_lua_table(fields)}" for method, fields in sorted(typed.get(pattern, {}).items()))
        + f"}}}}, -- {path}"
        for path, pattern, allow, names in allow_table(all_routes)
    )
    grpc_errors = "\n".join(
        f'  ["{key}"] = {{"{status}", {_lua_string(json.dumps(body, separators=(", ", ": ")))}}},'
        for key, (status, body) in GRPC_ERRORS.items()
    )
    replies = "\n".join(
        f'  {name} = {{"{spec.http_status}", {_lua_string(lua_body_format(spec, **LUA_REPLY_VALUES.get(name, {})))}}},'
        for name, spec in LUA_REPLIES.items()
    )
    return (
        f"ROUTES = {{\n{rows}\n}}\n\nGRPC_ERRORS = {{\n{grpc_errors}\n}}\n\nLUNA_REPLIES = {{\n{replies}\n}}\n\n"
        f"QUERY_FIELD_REPLIES = {_lua_table(FIELD_REPLIES)}\n\n"
        f'LUNA_REPLY_HEADER = "{LUNA_REPLY_HEADER}"\n\n' + LUA_SOURCE.read_text()
    )


def lua_body_format(spec: errors.ErrorSpec, **known: str) -> str:
    """The LUNA body of `spec` as a Lua string.format format: each detail field becomes %s, in order, except
    those given in `known` (filled in now)."""
    detail = "".join(
        literal.replace("%", "%%")
        + ("" if field is None else known[field].replace("%", "%%") if field in known else "%s")
        for literal, field, _, _ in string.Formatter().parse(spec.detail)
    )
    body = {"error_code": spec.code, "desc": spec.desc.replace("%", "%%"), "detail": detail}
    return json.dumps(body, separators=(", ", ": "))


def _lua_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _local_reply_mappers() -> list[dict[str, object]]:
    mappers: list[dict[str, object]] = []
    for status, body in LOCAL_REPLY_ERRORS.items():
        mappers.append(
            {
                "filter": {
                    "and_filter": {
                        "filters": [
                            {
                                "status_code_filter": {
                                    "comparison": {
                                        "op": "EQ",
                                        "value": {
                                            "default_value": status,
                                            "runtime_key": f"lumen.local_reply.{status}",
                                        },
                                    }
                                }
                            },
                            # lumen.lua's own replies are LUNA already (it marks the request)
                            {
                                "header_filter": {
                                    "header": {"name": LUNA_REPLY_HEADER, "present_match": True, "invert_match": True}
                                }
                            },
                        ]
                    }
                },
                "body_format_override": {
                    "text_format_source": {"inline_string": json.dumps(body)},
                    "content_type": "application/json",
                },
                "headers_to_add": [
                    {
                        "header": {"key": "luna-request-id", "value": "%REQ(luna-request-id)%"},
                        "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                    },
                    # a request Envoy could not parse (431) never reached lumen.lua: a fresh id
                    {
                        "header": {"key": "luna-request-id", "value": "%START_TIME(%s)%,%UNIQUE_ID%"},
                        "append_action": "ADD_IF_ABSENT",
                    },
                ],
            }
        )
    return mappers


# Operations that only read stored state although they are POSTs (a search carries its query in the body).
READ_ONLY_RPCS = frozenset(
    {
        "lumen.v6.MatcherService/MatchFaces",
        "lumen.v6.MatcherService/MatchBodies",
        "lumen.v6.MatcherService/MatchRaw",
        "lumen.v6.EventsService/GetEventStats",
        "lumen.v6.HandlersService/ValidateHandlerPolicies",
        "lumen.v6.VerifiersService/VerifyRaw",
    }
)
READ_VERBS = frozenset({"GET", "HEAD"})
WRITE_CLUSTER = "lumen_grpc"
READ_CLUSTER = "lumen_grpc_read"
# Live events (docs/live-stream.md): GET /6/ws goes to the websocket bridge (server/ws_bridge.py), native gRPC
# calls of the stream service to the stream server's own port; the transcoder never sees that service.
LIVE_SERVICE = "lumen.v6.EventsStreamService"
# The LUNA Tasks API (/1/...) is served on its own listener only (tasks_listener), never on the REST port.
TASKS_API_SERVICE = "lumen.v6.LunaTasksService"
HCM_FILTER = "envoy.filters.network.http_connection_manager"
LIVE_PATH = "/6/ws"
WS_CLUSTER = "lumen_ws"
STREAM_CLUSTER = "lumen_grpc_stream"


def live_routes(ws_port: int | None, stream_port: int | None) -> list[dict[str, object]]:
    """GET /6/ws (websocket upgrade) to the bridge, the stream service's gRPC path to the stream server.

    No route timeout (a stream lasts as long as its client listens) and no idle timeout: the bridge pings
    each websocket and closes a dead one. Without live events both answer LUNA 503."""
    if not ws_port or not stream_port:
        unavailable = {"status": 503, "body": {"inline_string": json.dumps(UNAVAILABLE)}}
        return [
            {"match": {"path": LIVE_PATH}, "direct_response": unavailable},
            {"match": {"prefix": f"/{LIVE_SERVICE}/"}, "direct_response": unavailable},
        ]
    endless = {"timeout": "0s", "idle_timeout": "0s"}
    return [
        {
            "match": {"path": LIVE_PATH},
            "route": {"cluster": WS_CLUSTER, **endless, "upgrade_configs": [{"upgrade_type": "websocket"}]},
        },
        {"match": {"prefix": f"/{LIVE_SERVICE}/"}, "route": {"cluster": STREAM_CLUSTER, **endless}},
    ]


def http_cluster(name: str, host: str, port: int) -> dict[str, object]:
    """An HTTP/1.1 upstream cluster (the websocket bridge)."""
    address = {"socket_address": {"address": host, "port_value": port}}
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": address}}]}],
        },
    }


def read_rpcs(all_routes: list[Route]) -> list[str]:
    """gRPC methods that never write: every REST binding is GET/HEAD, or listed in READ_ONLY_RPCS."""
    verbs: dict[str, set[str]] = defaultdict(set)
    for route in all_routes:
        verbs[route.rpc].add(route.method)
    return sorted(
        rpc
        for rpc, used in verbs.items()
        if (used <= READ_VERBS or rpc in READ_ONLY_RPCS) and not rpc.startswith(f"{LIVE_SERVICE}/")
    )


def read_routes(all_routes: list[Route]) -> list[dict[str, object]]:
    """Routes that send reads to the read server (its own port and threads, server/app.py Servers).

    The transcoder clears the route cache once it has rewritten the request, so these match the
    gRPC path (/lumen.v6.FacesService/GetFace) of a transcoded REST call as well as of a gRPC call.
    """
    return [
        {"match": {"path": f"/{rpc}"}, "route": {"cluster": READ_CLUSTER, "timeout": f"{UPSTREAM_TIMEOUT_S}s"}}
        for rpc in read_rpcs(all_routes)
    ]


def grpc_cluster(name: str, host: str, port: int, max_request_bytes: int) -> dict[str, object]:
    """An HTTP/2 upstream cluster of one gRPC server port."""
    return {
        "name": name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "per_connection_buffer_limit_bytes": max_request_bytes,
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {"max_concurrent_streams": 1000}},
            }
        },
        "load_assignment": {
            "cluster_name": name,
            "endpoints": [
                {"lb_endpoints": [{"endpoint": {"address": {"socket_address": {"address": host, "port_value": port}}}}]}
            ],
        },
    }


def _http_filters(
    served: list[Route],
    kinds: dict[str, dict[str, str]],
    services: list[str],
    descriptor_path: Path,
    max_request_bytes: int,
) -> list[dict[str, object]]:
    """The HTTP filters of a REST listener: the Lua filter for its routes, the transcoder for its services."""
    return [
        {
            "name": "envoy.filters.http.lua",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                "default_source_code": {"inline_string": lua_code(served, kinds)},
            },
        },
        {
            "name": "envoy.filters.http.grpc_json_transcoder",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder",
                "proto_descriptor": str(descriptor_path),
                "services": services,
                "print_options": {
                    "add_whitespace": False,
                    "always_print_primitive_fields": True,
                    "always_print_enums_as_ints": False,
                    "preserve_proto_field_names": True,
                },
                "convert_grpc_status": True,
                "max_request_body_size": max_request_bytes,
                "max_response_body_size": max_request_bytes,
                "query_param_unescape_plus": True,
                "ignore_unknown_query_parameters": True,
            },
        },
        {
            "name": "envoy.filters.http.router",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                "suppress_envoy_headers": True,
            },
        },
    ]


def tasks_listener(
    rest_hcm: dict[str, object],
    every_route: list[Route],
    kinds: dict[str, dict[str, str]],
    host: str,
    port: int,
    descriptor_path: Path,
    max_request_bytes: int,
) -> dict[str, object]:
    """The LUNA Tasks API listener (docs/tasks.md): the REST listener's settings with only TASKS_API_SERVICE's
    routes (its own Lua route table: other paths are 404 12004) and everything sent to the write server."""
    served = [route for route in every_route if route.rpc.startswith(f"{TASKS_API_SERVICE}/")]
    hcm = {
        **{key: value for key, value in rest_hcm.items() if key not in ("route_config", "http_filters")},
        "stat_prefix": "tasks",
        "route_config": {
            "name": "tasks",
            "virtual_hosts": [
                {
                    "name": "tasks",
                    "domains": ["*"],
                    "request_headers_to_remove": ["x-envoy-original-path"],
                    "routes": [
                        {
                            "match": {"prefix": "/"},
                            "route": {"cluster": WRITE_CLUSTER, "timeout": f"{UPSTREAM_TIMEOUT_S}s"},
                        }
                    ],
                }
            ],
        },
        "http_filters": _http_filters(served, kinds, [TASKS_API_SERVICE], descriptor_path, max_request_bytes),
    }
    return {
        "name": "tasks",
        "address": {"socket_address": {"address": host, "port_value": port}},
        "per_connection_buffer_limit_bytes": max_request_bytes,
        "filter_chains": [{"filters": [{"name": HCM_FILTER, "typed_config": hcm}]}],
    }


def envoy_config(
    *,
    rest_host: str,
    rest_port: int,
    grpc_host: str,
    grpc_port: int,
    admin_port: int,
    max_request_bytes: int,
    grpc_read_port: int | None = None,
    descriptor_path: Path = DESCRIPTOR_SET,
    auth_file: str = "",
    ws_port: int | None = None,
    grpc_stream_port: int | None = None,
    tasks_port: int | None = None,
) -> dict[str, object]:
    """grpc_read_port: the read server's port; reads go there (read_routes), None: everything to grpc_port.
    ws_port, grpc_stream_port: the websocket bridge and the stream server (live_routes); None: live events off.
    tasks_port: the LUNA Tasks API listener (TASKS_API_SERVICE's /1/... routes only, on rest_host); None: none."""
    descriptor_set = load_descriptor_set(descriptor_path)
    every_route = routes(descriptor_set)
    all_routes = [route for route in every_route if not route.rpc.startswith(f"{TASKS_API_SERVICE}/")]
    kinds = rpc_query_kinds(descriptor_set)
    rest_services = [name for name in service_names(descriptor_set) if name not in (LIVE_SERVICE, TASKS_API_SERVICE)]
    http_filters = _http_filters(all_routes, kinds, rest_services, descriptor_path, max_request_bytes)
    hcm = {
        "@type": HCM_TYPE,
        "stat_prefix": "rest",
        "codec_type": "AUTO",
        "use_remote_address": True,
        "generate_request_id": True,
        "stream_idle_timeout": f"{UPSTREAM_TIMEOUT_S}s",
        "request_timeout": f"{UPSTREAM_TIMEOUT_S}s",
        "max_request_headers_kb": MAX_REQUEST_HEADERS_KB,
        "local_reply_config": {"mappers": _local_reply_mappers()},
        "route_config": {
            "name": "lumen",
            "virtual_hosts": [
                {
                    "name": "lumen",
                    "domains": ["*"],
                    # the transcoder keeps the REST path here (the whole URL as gRPC metadata); unused
                    "request_headers_to_remove": ["x-envoy-original-path"],
                    "routes": [
                        *live_routes(ws_port, grpc_stream_port),
                        *(read_routes(every_route) if grpc_read_port else []),
                        {
                            "match": {"prefix": "/"},
                            "route": {"cluster": WRITE_CLUSTER, "timeout": f"{UPSTREAM_TIMEOUT_S}s"},
                        },
                    ],
                }
            ],
        },
        "http_filters": http_filters,
    }
    if auth_file:
        add_authentication(hcm, load_credentials(Path(auth_file)), all_routes)
    return {
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin_port}}},
        "static_resources": {
            "listeners": [
                {
                    "name": "rest",
                    "address": {"socket_address": {"address": rest_host, "port_value": rest_port}},
                    "per_connection_buffer_limit_bytes": max_request_bytes,
                    "filter_chains": [
                        {"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}]}
                    ],
                },
                *(
                    [tasks_listener(hcm, every_route, kinds, rest_host, tasks_port, descriptor_path, max_request_bytes)]
                    if tasks_port
                    else []
                ),
            ],
            "clusters": [
                grpc_cluster(WRITE_CLUSTER, grpc_host, grpc_port, max_request_bytes),
                *([grpc_cluster(READ_CLUSTER, grpc_host, grpc_read_port, max_request_bytes)] if grpc_read_port else []),
                *([http_cluster(WS_CLUSTER, "127.0.0.1", ws_port)] if ws_port and grpc_stream_port else []),
                *(
                    [grpc_cluster(STREAM_CLUSTER, grpc_host, grpc_stream_port, max_request_bytes)]
                    if ws_port and grpc_stream_port
                    else []
                ),
            ],
        },
    }


AUTH_USER_HEADER = "x-lumen-auth-user"
BASIC_AUTH_FILTER = "envoy.filters.http.basic_auth"
ACCOUNTS_LUA_FILTER = "lumen.accounts"
EXTENSION_WITH_MATCHER_TYPE = "type.googleapis.com/envoy.extensions.common.matching.v3.ExtensionWithMatcher"
HEADER_INPUT_TYPE = "type.googleapis.com/envoy.type.matcher.v3.HttpRequestHeaderMatchInput"
SKIP_FILTER_TYPE = "type.googleapis.com/envoy.extensions.filters.common.matcher.action.v3.SkipFilter"


def _luna_body(spec: errors.ErrorSpec) -> str:
    return json.dumps({"error_code": spec.code, "desc": spec.desc, "detail": spec.detail})


def public_paths(all_routes: list[Route]) -> list[str]:
    """REST paths and native gRPC paths of server.accounts.PUBLIC_RPCS (no credentials needed)."""
    rest = {route.path for route in all_routes if route.rpc in PUBLIC_RPCS}
    if any("{" in path for path in rest):
        raise ValueError("public routes must be literal paths")
    return sorted(rest | {f"/{rpc}" for rpc in PUBLIC_RPCS})


def _skipped_on_public_paths(name: str, typed_config: dict[str, object], paths: list[str]) -> dict[str, object]:
    """The filter `name`, skipped for requests whose :path (query aside) is one of `paths`."""
    regex = "^(?:" + "|".join(re.escape(path) for path in paths) + r")(?:\?.*)?$"
    path_input = {"name": "path", "typed_config": {"@type": HEADER_INPUT_TYPE, "header_name": ":path"}}
    skip = {"action": {"name": "skip", "typed_config": {"@type": SKIP_FILTER_TYPE}}}
    value_match = {"safe_regex": {"google_re2": {}, "regex": regex}}
    predicate = {"single_predicate": {"input": path_input, "value_match": value_match}}
    return {
        "name": name,
        "typed_config": {
            "@type": EXTENSION_WITH_MATCHER_TYPE,
            "extension_config": {"name": name, "typed_config": typed_config},
            "xds_matcher": {"matcher_list": {"matchers": [{"predicate": predicate, "on_match": skip}]}},
        },
    }


def accounts_lua_code(credentials: list[Credential]) -> str:
    users = "\n".join(f"  [{json.dumps(c.user)}] = {json.dumps(c.account_id)}," for c in credentials)
    return (
        f"USERS = {{\n{users}\n}}\n"
        f"USER_HEADER = {json.dumps(AUTH_USER_HEADER)}\n"
        f"MISMATCH_BODY = {json.dumps(_luna_body(errors.ACCOUNT_MISMATCH))}\n"
        f"UNAUTHORIZED_BODY = {json.dumps(_luna_body(errors.UNAUTHORIZED))}\n\n" + ACCOUNTS_LUA_SOURCE.read_text()
    )


def add_authentication(hcm: dict[str, object], credentials: list[Credential], all_routes: list[Route]) -> None:
    """LUMEN_AUTH_FILE (docs/security.md): HTTP Basic authentication, then Luna-Account-Id := the user's account.

    Both filters run after the Lumen Lua filter (request id, OPTIONS, 404/405) and are skipped on
    the public paths; a 401 gets the LUNA body, Envoy's WWW-Authenticate header stays.
    """
    paths = public_paths(all_routes)
    basic_auth: dict[str, object] = {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.basic_auth.v3.BasicAuth",
        "users": {"inline_string": "\n".join(f"{c.user}:{c.password_sha}" for c in credentials)},
        "forward_username_header": AUTH_USER_HEADER,
    }
    account_lua: dict[str, object] = {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
        "default_source_code": {"inline_string": accounts_lua_code(credentials)},
    }
    filters = hcm["http_filters"]
    assert isinstance(filters, list)
    first_lua = next(i for i, f in enumerate(filters) if f["name"] == "envoy.filters.http.lua")
    filters[first_lua + 1 : first_lua + 1] = [
        _skipped_on_public_paths(BASIC_AUTH_FILTER, basic_auth, paths),
        _skipped_on_public_paths(ACCOUNTS_LUA_FILTER, account_lua, paths),
    ]
    mappers = hcm["local_reply_config"]["mappers"]  # type: ignore[index]
    mappers.insert(
        0,
        {
            "filter": {
                "status_code_filter": {
                    "comparison": {"op": "EQ", "value": {"default_value": 401, "runtime_key": "lumen.local_reply.401"}}
                }
            },
            "body_format_override": {
                "text_format_source": {"inline_string": _luna_body(errors.UNAUTHORIZED)},
                "content_type": "application/json",
            },
            "headers_to_add": [
                {
                    "header": {"key": "luna-request-id", "value": "%REQ(luna-request-id)%"},
                    "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                }
            ],
        },
    )


def write_config(path: Path, **kwargs: object) -> Path:
    config = envoy_config(**kwargs)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(json.loads(json.dumps(config)), sort_keys=False))
    return path
