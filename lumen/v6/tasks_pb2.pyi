from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Task(_message.Message):
    __slots__ = ("task_id", "account_id", "create_time", "end_time", "last_update_time", "task_type", "task_status", "result_id", "count_task_parts_done", "count_task_parts_all", "content", "description")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    TASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_TASK_PARTS_DONE_FIELD_NUMBER: _ClassVar[int]
    COUNT_TASK_PARTS_ALL_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    task_id: int
    account_id: str
    create_time: str
    end_time: str
    last_update_time: str
    task_type: int
    task_status: int
    result_id: str
    count_task_parts_done: int
    count_task_parts_all: int
    content: _struct_pb2.Struct
    description: str
    def __init__(self, task_id: _Optional[int] = ..., account_id: _Optional[str] = ..., create_time: _Optional[str] = ..., end_time: _Optional[str] = ..., last_update_time: _Optional[str] = ..., task_type: _Optional[int] = ..., task_status: _Optional[int] = ..., result_id: _Optional[str] = ..., count_task_parts_done: _Optional[int] = ..., count_task_parts_all: _Optional[int] = ..., content: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., description: _Optional[str] = ...) -> None: ...

class Subtask(_message.Message):
    __slots__ = ("subtask_id", "task_id", "result_id", "create_time", "end_time", "subtask_status", "content")
    SUBTASK_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    SUBTASK_STATUS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    subtask_id: int
    task_id: int
    result_id: str
    create_time: str
    end_time: str
    subtask_status: int
    content: _struct_pb2.Struct
    def __init__(self, subtask_id: _Optional[int] = ..., task_id: _Optional[int] = ..., result_id: _Optional[str] = ..., create_time: _Optional[str] = ..., end_time: _Optional[str] = ..., subtask_status: _Optional[int] = ..., content: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TaskError(_message.Message):
    __slots__ = ("error_id", "task_id", "subtask_id", "error_code", "description", "detail", "additional_info", "error_time")
    ERROR_ID_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBTASK_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ADDITIONAL_INFO_FIELD_NUMBER: _ClassVar[int]
    ERROR_TIME_FIELD_NUMBER: _ClassVar[int]
    error_id: int
    task_id: int
    subtask_id: int
    error_code: int
    description: str
    detail: str
    additional_info: str
    error_time: str
    def __init__(self, error_id: _Optional[int] = ..., task_id: _Optional[int] = ..., subtask_id: _Optional[int] = ..., error_code: _Optional[int] = ..., description: _Optional[str] = ..., detail: _Optional[str] = ..., additional_info: _Optional[str] = ..., error_time: _Optional[str] = ...) -> None: ...

class TaskParams(_message.Message):
    __slots__ = ("description", "content")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    description: str
    content: _struct_pb2.Struct
    def __init__(self, description: _Optional[str] = ..., content: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TasksList(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[Task]
    def __init__(self, tasks: _Optional[_Iterable[_Union[Task, _Mapping]]] = ...) -> None: ...

class SubtasksList(_message.Message):
    __slots__ = ("subtasks",)
    SUBTASKS_FIELD_NUMBER: _ClassVar[int]
    subtasks: _containers.RepeatedCompositeFieldContainer[Subtask]
    def __init__(self, subtasks: _Optional[_Iterable[_Union[Subtask, _Mapping]]] = ...) -> None: ...

class TaskErrorsList(_message.Message):
    __slots__ = ("errors",)
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    errors: _containers.RepeatedCompositeFieldContainer[TaskError]
    def __init__(self, errors: _Optional[_Iterable[_Union[TaskError, _Mapping]]] = ...) -> None: ...

class TaskResult(_message.Message):
    __slots__ = ("result", "errors")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    result: _struct_pb2.Value
    errors: _containers.RepeatedCompositeFieldContainer[TaskError]
    def __init__(self, result: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., errors: _Optional[_Iterable[_Union[TaskError, _Mapping]]] = ...) -> None: ...
