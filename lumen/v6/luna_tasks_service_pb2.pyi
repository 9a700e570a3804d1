import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import options_pb2 as _options_pb2
from lumen.v6 import tasks_pb2 as _tasks_pb2
from lumen.v6 import tasks_service_pb2 as _tasks_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LunaTasksServiceGetTasksVersionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LunaTasksServiceTasksHealthcheckRequest(_message.Message):
    __slots__ = ("include_luna_services",)
    INCLUDE_LUNA_SERVICES_FIELD_NUMBER: _ClassVar[int]
    include_luna_services: bool
    def __init__(self, include_luna_services: _Optional[bool] = ...) -> None: ...

class TasksHealthcheckResponse(_message.Message):
    __slots__ = ("execution_time",)
    EXECUTION_TIME_FIELD_NUMBER: _ClassVar[int]
    execution_time: float
    def __init__(self, execution_time: _Optional[float] = ...) -> None: ...

class LunaTasksServiceGetTasksConfigRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LunaTasksServiceGetTasksDocsSpecRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LunaTasksServiceGetTasksDocsDevRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LunaTasksServiceGetTasksDocsDevIndexRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LunaTasksServiceGetTasksRequest(_message.Message):
    __slots__ = ("page", "page_size", "create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt", "task_ids", "task_type", "task_status", "account_id")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    end_time__gte: _timestamp_pb2.Timestamp
    end_time__lt: _timestamp_pb2.Timestamp
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    task_type: int
    task_status: int
    account_id: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_ids: _Optional[_Iterable[str]] = ..., task_type: _Optional[int] = ..., task_status: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCountTasksRequest(_message.Message):
    __slots__ = ("create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt", "task_ids", "task_type", "task_status", "account_id")
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    end_time__gte: _timestamp_pb2.Timestamp
    end_time__lt: _timestamp_pb2.Timestamp
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    task_type: int
    task_status: int
    account_id: str
    def __init__(self, create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_ids: _Optional[_Iterable[str]] = ..., task_type: _Optional[int] = ..., task_status: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceGetTaskErrorsRequest(_message.Message):
    __slots__ = ("task_id", "page", "page_size", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    page: int
    page_size: int
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCountTaskErrorsRequest(_message.Message):
    __slots__ = ("task_id", "error_time__gte", "error_time__lt", "error_code", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    error_time__gte: _timestamp_pb2.Timestamp
    error_time__lt: _timestamp_pb2.Timestamp
    error_code: int
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., error_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_code: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceGetErrorsRequest(_message.Message):
    __slots__ = ("page", "page_size", "error_time__gte", "error_time__lt", "task_type", "status_code", "task_ids", "error_ids", "error_code", "account_id")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    error_time__gte: _timestamp_pb2.Timestamp
    error_time__lt: _timestamp_pb2.Timestamp
    task_type: int
    status_code: int
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    error_ids: _containers.RepeatedScalarFieldContainer[str]
    error_code: int
    account_id: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., error_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_type: _Optional[int] = ..., status_code: _Optional[int] = ..., task_ids: _Optional[_Iterable[str]] = ..., error_ids: _Optional[_Iterable[str]] = ..., error_code: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCountErrorsRequest(_message.Message):
    __slots__ = ("error_time__gte", "error_time__lt", "task_type", "status_code", "task_ids", "error_ids", "error_code", "account_id")
    ERROR_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_IDS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    error_time__gte: _timestamp_pb2.Timestamp
    error_time__lt: _timestamp_pb2.Timestamp
    task_type: int
    status_code: int
    task_ids: _containers.RepeatedScalarFieldContainer[str]
    error_ids: _containers.RepeatedScalarFieldContainer[str]
    error_code: int
    account_id: str
    def __init__(self, error_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., task_type: _Optional[int] = ..., status_code: _Optional[int] = ..., task_ids: _Optional[_Iterable[str]] = ..., error_ids: _Optional[_Iterable[str]] = ..., error_code: _Optional[int] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceGetErrorRequest(_message.Message):
    __slots__ = ("error_id", "account_id")
    ERROR_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    error_id: str
    account_id: str
    def __init__(self, error_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCreateClusteringTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateLinkerTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateCrossMatchTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateRocTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceGetTaskRequest(_message.Message):
    __slots__ = ("task_id", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCancelTaskRequest(_message.Message):
    __slots__ = ("task_id", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceDeleteTaskRequest(_message.Message):
    __slots__ = ("task_id", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceGetTaskResultRequest(_message.Message):
    __slots__ = ("task_id", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceGetSubtasksRequest(_message.Message):
    __slots__ = ("task_id", "account_id")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    account_id: str
    def __init__(self, task_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class LunaTasksServiceCreateGcTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateReporterTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateExporterTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateEstimatorTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...

class LunaTasksServiceCreateAdditionalExtractTaskRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _tasks_pb2.TaskParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_tasks_pb2.TaskParams, _Mapping]] = ...) -> None: ...
