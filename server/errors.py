"""Every LUNA error Lumen returns, in one place.

A service raises `LunaError(SPEC, **values)`; the RPC wrapper (server/rpc.py) turns it into a
gRPC status carrying the LUNA body, and the Envoy Lua filter turns that into the REST answer
`{"error_code", "desc", "detail"}` with the HTTP status given here.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from server.storage.errors import StorageError, StorageFullError, UnknownDescriptorVersionError


@dataclass(frozen=True)
class ErrorSpec:
    code: int
    desc: str
    detail: str  # str.format template
    http_status: int


BAD_INPUT = "Bad/incomplete input data"
NOT_FOUND = "Object not found"

INTERNAL = ErrorSpec(1, "Internal server error", "Internal server error", 500)
FORBIDDEN = ErrorSpec(
    11036,
    "Forbidden",
    "Luna-Account-Id header is required for requests that change the state of system",
    403,
)
# The same v6 code when LUMEN_REQUIRE_ACCOUNT makes the account mandatory for reads too.
ACCOUNT_REQUIRED = ErrorSpec(
    11036, "Forbidden", "Luna-Account-Id header is required for every request of this installation", 403
)
BAD_QUERY_PARAM = ErrorSpec(12012, BAD_INPUT, "Bad query parameters '{name}'", 400)
BAD_CONTENT_TYPE = ErrorSpec(12017, BAD_INPUT, "Bad content type", 400)
EMPTY_BODY = ErrorSpec(12018, BAD_INPUT, "Request does not contain data", 400)
BAD_JSON = ErrorSpec(12021, BAD_INPUT, "Failed to decode json: {reason}", 400)
JSON_VALIDATION = ErrorSpec(
    12022, BAD_INPUT, "Failed to validate input json. Path: '{path}',  message: '{message}'", 400
)
UNSUPPORTED_MEDIA_TYPE = ErrorSpec(12024, "Unsupported media type", BAD_INPUT, 415)
# A path id (face_id, list_id, ...) that is not a UUID (server/validation.py).
BAD_PATH_ID = ErrorSpec(12001, BAD_INPUT, "Object in query is not UUID4 format: '{name}'", 400)
METHOD_NOT_ALLOWED = ErrorSpec(12002, "Method not allowed", "Method '{method}' not allowed", 405)

IMAGE_NOT_FOUND = ErrorSpec(13003, NOT_FOUND, "Image with id '{id}' not found", 404)
SAMPLE_NOT_FOUND = ErrorSpec(13003, NOT_FOUND, "Image with id '{id}' not found", 404)
OBJECT_NOT_FOUND = ErrorSpec(13007, NOT_FOUND, "Object with id '{id}' not found", 404)
BAD_IMAGE = ErrorSpec(13010, BAD_INPUT, "Failed to decode image: {reason}", 400)
# The Accept header of GET/HEAD /6/objects/{id} admits none of the stored content type.
NOT_ACCEPTABLE = ErrorSpec(12023, BAD_INPUT, "Content type is unacceptable", 406)
# A path that matches a route template but names no resource (e.g. /6/samples/{samples_type}
# with a type other than faces|bodies); same code and text as the gateway's unknown-path reply.
UNKNOWN_RESOURCE = ErrorSpec(12004, "Resource not found", "Resource '{path}' not found", 404)

FACE_NOT_FOUND = ErrorSpec(22002, NOT_FOUND, "Face with id '{id}' not found", 404)
LIST_NOT_FOUND = ErrorSpec(22003, NOT_FOUND, "List with id '{id}' not found", 404)
FACES_NOT_FOUND = ErrorSpec(22004, NOT_FOUND, "One or more faces not found, including face with id '{id}'", 404)
LISTS_NOT_FOUND = ErrorSpec(22005, NOT_FOUND, "One or more lists not found, including list with id '{id}'", 404)
FACE_ATTRIBUTE_NOT_FOUND = ErrorSpec(22006, NOT_FOUND, "Attributes of face with id '{id}' not found", 404)
ATTRIBUTE_NOT_FOUND = ErrorSpec(22011, "Attributes not found", "Attribute with id '{id}' not found", 404)
DESCRIPTOR_VERSION = ErrorSpec(
    22017, BAD_INPUT, "Descriptor version {version} is not supported; supported versions: {supported}", 400
)
# descriptor_version in the query names a version Lumen does not have (v6 lists 46..59; Lumen has its own).
BAD_DESCRIPTOR_VERSION_PARAM = ErrorSpec(
    12012, BAD_INPUT, "Bad query parameters 'descriptor_version': supported versions: {supported}", 400
)
DESCRIPTOR_LENGTH = ErrorSpec(
    22018, BAD_INPUT, "Descriptor of version {version} must be {expected} bytes, got {actual}", 400
)
# Handlers (v6 API-082..095): LUNA's own code and text for an unknown handler (Handlers service 34000).
HANDLER_NOT_FOUND = ErrorSpec(34000, NOT_FOUND, "Handler with id '{id}' not found", 404)
# Verifiers (v6 API-139..147): LUNA's Handlers service code and text for an unknown verifier.
VERIFIER_NOT_FOUND = ErrorSpec(34004, NOT_FOUND, "Verifier with id '{id}' not found", 404)
DUPLICATE_DESCRIPTOR_VERSION = ErrorSpec(22019, BAD_INPUT, "Several descriptors of version {version} given", 400)
# A descriptor body (application/x-sdk-descriptor[-base64]) that is no SDK descriptor (handler events).
BAD_SDK_DESCRIPTOR = ErrorSpec(22020, BAD_INPUT, "Failed to read the SDK descriptor: {reason}", 400)

# Events (v6 API-095..102): LUNA's Events service code and text for an unknown event.
EVENT_NOT_FOUND = ErrorSpec(23001, NOT_FOUND, "Event with id '{id}' not found", 404)
# Lumen-specific (the dumps name the rule, not its code; 40060.. are reserved for events): POST
# /6/handlers/{id}/events/raw needs a dynamic handler.
HANDLER_NOT_DYNAMIC = ErrorSpec(
    40060, BAD_INPUT, "Handler with id '{id}' is not dynamic: raw events need a dynamic handler", 400
)

# Tasks (v6 §7; docs/tasks.md). 28010 is v6's own (a TaskError example); the others are inferred in LUNA's
# Tasks range 28xxx (the dumps lost them).
TASK_NOT_FOUND = ErrorSpec(28001, NOT_FOUND, "Task with id '{id}' not found", 404)
TASK_ERROR_NOT_FOUND = ErrorSpec(28002, NOT_FOUND, "Task error with id '{id}' not found", 404)
TASK_RESULT_NOT_FOUND = ErrorSpec(28003, NOT_FOUND, "Result of task with id '{id}' not found", 404)
TASK_FINISHED = ErrorSpec(28004, BAD_INPUT, "Task with id '{id}' has already finished", 400)
TASK_OBJECTS_NOT_FOUND = ErrorSpec(28010, "Objects not found", "Objects for {task} not found (empty set)", 400)
TASK_SUBTASK_FAILED = ErrorSpec(28011, "Subtask failed", "Subtask failed: {reason}", 500)
TASK_INTERRUPTED = ErrorSpec(28012, "Task interrupted", "Task of type '{task}' cannot resume after a restart", 500)
# Inferred as well (docs/tasks.md): a reporter of a task that is no finished clustering; an estimator archive that
# cannot be read.
TASK_NOT_CLUSTERING = ErrorSpec(28020, BAD_INPUT, "Task with id '{id}' is not a finished clustering task", 400)
TASK_BAD_ARCHIVE = ErrorSpec(28021, BAD_INPUT, "Archive cannot be read: {reason}", 400)
# An exporter / reporter ZIP over the result limit (it could not be answered as one gRPC message).
TASK_RESULT_TOO_LARGE = ErrorSpec(
    28022, BAD_INPUT, "Task result exceeds {limit_mb} MB: narrow the filters or leave the images out", 400
)

PAYLOAD_TOO_LARGE = ErrorSpec(37003, "Payload too large", "Request payload is too large", 413)
SERVICE_UNAVAILABLE = ErrorSpec(40001, "Service unavailable", "Service '{service}' is unavailable", 503)
GATEWAY_TIMEOUT = ErrorSpec(40002, "Gateway timeout", "Upstream request timeout", 504)
UNHEALTHY = ErrorSpec(40003, "Unhealthy", "Component '{component}' failed its healthcheck: {reason}", 502)

# Lumen-specific codes (the v6 dumps show no LUNA code for these situations).
# The inference backend (Triton) is down, unreachable or disabled (LUMEN_TRITON_ENABLED=0).
INFERENCE_UNAVAILABLE = ErrorSpec(40004, "Service unavailable", "Inference service is unavailable: {reason}", 503)
# A documented estimation Lumen has no model for yet (never answered with invented values).
ESTIMATION_NOT_AVAILABLE = ErrorSpec(
    40005, "Not implemented", "Estimation '{name}' is not available in this Lumen installation", 501
)
# Per-image error of /6/detector with multiface_policy=0 when the image holds several faces.
MULTIPLE_FACES = ErrorSpec(40006, BAD_INPUT, "Found {count} faces in the image, multiface_policy=0 allows one", 400)

# The data directory's disk is full: the write was refused and nothing of it was stored (a write
# that committed is answered with success; its LanceDB step is retried, server/storage/applier.py).
# HTTP 507 Insufficient Storage (RFC 4918); codes 40050.. are reserved for storage.
STORAGE_FULL = ErrorSpec(40050, "Insufficient storage", "Not enough disk space to store the data", 507)

# Matcher (/6/matcher/*); codes 40020.. are reserved for matching.
# A face_external_id reference naming no face with a descriptor (LUNA: "no ID for reference face found").
MATCH_EXTERNAL_ID_NOT_FOUND = ErrorSpec(40020, NOT_FOUND, "No face with external_id '{id}' found", 404)
# A face or attribute reference without a descriptor of the version Lumen matches.
MATCH_NO_DESCRIPTOR = ErrorSpec(
    40021, BAD_INPUT, "Reference '{id}' has no face descriptor of version {version} to match", 400
)
# An event_external_id / event_track_id reference naming no event with a descriptor (40022 is retired: it
# answered event references before events were stored).
MATCH_EVENT_REFERENCE_NOT_FOUND = ErrorSpec(40025, NOT_FOUND, "No event with {kind} '{id}' found", 404)
# XPK files (application/x-vl-xpk): the container format is not documented.
MATCH_XPK_NOT_SUPPORTED = ErrorSpec(
    40023, "Not implemented", "XPK descriptor files are not supported (the format is not documented)", 501
)
# /6/matcher/bodies: no body descriptor model.
BODY_MATCHING_NOT_AVAILABLE = ErrorSpec(
    40024,
    "Not implemented",
    "Body matching is not available: this Lumen installation has no body descriptor model",
    501,
)

# Liveness (/6/liveness, v6 API-149). Per-image errors (the image gets status 0 and liveness null).
# 32010 is the v6 dump's own example for an image that cannot be decoded.
LIVENESS_BAD_IMAGE = ErrorSpec(32010, "Failed to decode image data", "File decoding error", 400)
# Lumen-specific (the dumps show no code): the image holds no face to estimate.
LIVENESS_NO_FACE = ErrorSpec(40030, "Face not found", "No face found in the image for liveness estimation", 400)

# Authentication at the gateway (LUMEN_AUTH_FILE, docs/security.md); codes 40040.. are reserved for it.
# Missing or wrong credentials (the two are not told apart). Answered by Envoy with WWW-Authenticate.
UNAUTHORIZED = ErrorSpec(40040, "Unauthorized", "Valid credentials are required (HTTP Basic authentication)", 401)
# Luna-Account-Id names another account than the one of the authenticated user.
ACCOUNT_MISMATCH = ErrorSpec(
    40041, "Forbidden", "Luna-Account-Id does not match the account of the authenticated user", 403
)

# GET /6/ws (API-148) without a websocket upgrade (server/ws_bridge.py); Lumen-specific, v6 shows none.
WEBSOCKET_REQUIRED = ErrorSpec(
    40070, "Upgrade required", "GET /6/ws opens a websocket: send 'Connection: Upgrade' and 'Upgrade: websocket'", 426
)

# Answered by the gateway itself (gateway/config.py writes them into Envoy's config and lumen.lua).
# A request Envoy could not parse, or a gRPC request gRPC core could not deserialize.
UNDECODABLE_REQUEST = ErrorSpec(12021, BAD_INPUT, "Failed to decode the request", 400)
# Request line + headers over gateway/config.py MAX_REQUEST_HEADERS_KB.
HEADERS_TOO_LARGE = ErrorSpec(37003, "Payload too large", "Request headers are too large", 431)


def catalogue() -> dict[str, ErrorSpec]:
    """Every ErrorSpec of this module by name (tests/unit/test_error_catalogue.py checks it is consistent)."""
    return {name: value for name, value in globals().items() if isinstance(value, ErrorSpec)}


_GRPC_CODE_BY_HTTP = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    405: grpc.StatusCode.UNIMPLEMENTED,
    406: grpc.StatusCode.FAILED_PRECONDITION,
    409: grpc.StatusCode.ALREADY_EXISTS,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    415: grpc.StatusCode.INVALID_ARGUMENT,
    500: grpc.StatusCode.INTERNAL,
    501: grpc.StatusCode.UNIMPLEMENTED,
    502: grpc.StatusCode.UNAVAILABLE,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
    507: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


# Error details never echo unbounded input: each formatted value, and the whole detail, is cut to
# these many characters (the detail travels as gRPC metadata and into the log).
MAX_DETAIL_VALUE_CHARS = 256
MAX_DETAIL_CHARS = 1024
ELLIPSIS = "..."


def truncate(text: str, limit: int = MAX_DETAIL_VALUE_CHARS) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


class LunaError(Exception):
    """A failure the client must see as a LUNA error body."""

    def __init__(self, spec: ErrorSpec, **values: object) -> None:
        self.spec = spec
        bounded = {name: truncate(str(value)) for name, value in values.items()}
        self.detail = truncate(spec.detail.format(**bounded) if values else spec.detail, MAX_DETAIL_CHARS)
        super().__init__(f"{spec.code} {spec.desc}: {self.detail}")

    @property
    def code(self) -> int:
        return self.spec.code

    @property
    def http_status(self) -> int:
        return self.spec.http_status

    @property
    def grpc_code(self) -> grpc.StatusCode:
        return _GRPC_CODE_BY_HTTP.get(self.spec.http_status, grpc.StatusCode.UNKNOWN)

    def body(self) -> dict[str, object]:
        return {"error_code": self.spec.code, "desc": self.spec.desc, "detail": self.detail}


def from_storage_error(error: StorageError) -> LunaError:
    """The LUNA error for an error storage raised (storage knows nothing of v6)."""
    if isinstance(error, StorageFullError):
        return LunaError(STORAGE_FULL)
    if isinstance(error, UnknownDescriptorVersionError):
        supported = ", ".join(str(version) for version in error.supported)
        return LunaError(DESCRIPTOR_VERSION, version=error.version, supported=supported)
    return LunaError(INTERNAL)
