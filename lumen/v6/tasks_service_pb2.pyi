import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import options_pb2 as _options_pb2
from lumen.v6 import tasks_pb2 as _tasks_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateTaskResponse(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: int
    def __init__(self, task_id: _Optional[int] = ...) -> None: ...

class TasksCountResponse(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class GetTasksRequest(_message.Message):
    __slots__ = ("page", "page_size", "create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt", "task_ids", "task_type", "task_status")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    end_time__gte: _timestamp_pb2.Timestamp
    end_time__lt: _timestamp_pb2.Timestamp
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    task_type: int
    task_status: int
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_ids: _Optional[_Iterable[str]] = ..., task_type: _Optional[int] = ..., task_status: _Optional[int] = ...) -> None: ...

class CountTasksRequest(_message.Message):
    __slots__ = ("create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt", "task_ids", "task_type", "task_status")
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    end_time__gte: _timestamp_pb2.Timestamp
    end_time__lt: _timestamp_pb2.Timestamp
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    task_type: int
    task_status: int
    def __init__(self, create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_ids: _Optional[_Iterable[str]] = ..., task_type: _Optional[int] = ..., task_status: _Optional[int] = ...) -> None: ...

class GetErrorsRequest(_message.Message):
    __slots__ = ("page", "page_size", "error_time__gte", "error_time__lt", "task_type", "status_code", "task_ids", "error_ids", "error_code")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    error_time__gte: _timestamp_pb2.Timestamp
    error_time__lt: _timestamp_pb2.Timestamp
    task_type: int
    status_code: int
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    error_ids: _containers.RepeatedScalarFieldContainer[str]
    error_code: int
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., error_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_type: _Optional[int] = ..., status_code: _Optional[int] = ..., task_ids: _Optional[_Iterable[str]] = ..., error_ids: _Optional[_Iterable[str]] = ..., error_code: _Optional[int] = ...) -> None: ...

class CountErrorsRequest(_message.Message):
    __slots__ = ("error_time__gte", "error_time__lt", "task_type", "status_code", "task_ids", "error_ids", "error_code")
    ERROR_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    error_time__gte: _timestamp_pb2.Timestamp
    error_time__lt: _timestamp_pb2.Timestamp
    task_type: int
    status_code: int
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    error_ids: _containers.RepeatedScalarFieldContainer[str]
    error_code: int
    def __init__(self, error_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_type: _Optional[int] = ..., status_code: _Optional[int] = ..., task_ids: _Optional[_Iterable[str]] = ..., error_ids: _Optional[_Iterable[str]] = ..., error_code: _Optional[int] = ...) -> None: ...

class GetErrorRequest(_message.Message):
    __slots__ = ("error_id",)
    ERROR_ID_FIELD_NUMBER: _ClassVar[int]
    error_id: str
    def __init__(self, error_id: _Optional[str] = ...) -> None: ...

class GetTaskErrorsRequest(_message.Message):
    __slots__ = ("task_id", "page", "page_size")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    page: int
    page_size: int
    def __init__(self, task_id: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class CreateClusteringTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateLinkerTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateCrossMatchTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateRocTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateReporterTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateExporterTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateEstimatorTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class CreateAdditionalExtractTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class CancelTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class DeleteTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetTaskResultRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetSubtasksRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class CreateGcTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...
