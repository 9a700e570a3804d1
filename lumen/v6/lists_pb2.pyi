from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class FaceList(_message.Message):
    __slots__ = ("list_id", "account_id", "user_data", "create_time", "last_update_time")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    account_id: str
    user_data: str
    create_time: str
    last_update_time: str
    def __init__(self, list_id: _Optional[str] = ..., account_id: _Optional[str] = ..., user_data: _Optional[str] = ..., create_time: _Optional[str] = ..., last_update_time: _Optional[str] = ...) -> None: ...

class ListCreateParams(_message.Message):
    __slots__ = ("user_data",)
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    user_data: str
    def __init__(self, user_data: _Optional[str] = ...) -> None: ...

class ListPatchParams(_message.Message):
    __slots__ = ("user_data",)
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    user_data: str
    def __init__(self, user_data: _Optional[str] = ...) -> None: ...

class ListsDeleteParams(_message.Message):
    __slots__ = ("list_ids",)
    LIST_IDS_FIELD_NUMBER: _ClassVar[int]
    list_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, list_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListFacesParams(_message.Message):
    __slots__ = ("action", "face_ids")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    action: str
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, action: _Optional[str] = ..., face_ids: _Optional[_Iterable[str]] = ...) -> None: ...
