from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import attributes_pb2 as _attributes_pb2
from lumen.v6 import events_pb2 as _events_pb2
from lumen.v6 import faces_pb2 as _faces_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchReference(_message.Message):
    __slots__ = ("id", "type", "face_id", "event_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    face_id: str
    event_id: str
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., face_id: _Optional[str] = ..., event_id: _Optional[str] = ...) -> None: ...

class MatchedCandidate(_message.Message):
    __slots__ = ("face", "attribute", "similarity", "event")
    FACE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    face: _faces_pb2.Face
    attribute: _attributes_pb2.TemporaryAttribute
    similarity: float
    event: _events_pb2.Event
    def __init__(self, face: _Optional[_Union[_faces_pb2.Face, _Mapping]] = ..., attribute: _Optional[_Union[_attributes_pb2.TemporaryAttribute, _Mapping]] = ..., similarity: _Optional[float] = ..., event: _Optional[_Union[_events_pb2.Event, _Mapping]] = ...) -> None: ...

class CandidateMatches(_message.Message):
    __slots__ = ("result", "filters")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    result: _containers.RepeatedCompositeFieldContainer[MatchedCandidate]
    filters: _struct_pb2.Struct
    def __init__(self, result: _Optional[_Iterable[_Union[MatchedCandidate, _Mapping]]] = ..., filters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ReferenceMatches(_message.Message):
    __slots__ = ("reference", "matches")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    reference: MatchReference
    matches: _containers.RepeatedCompositeFieldContainer[CandidateMatches]
    def __init__(self, reference: _Optional[_Union[MatchReference, _Mapping]] = ..., matches: _Optional[_Iterable[_Union[CandidateMatches, _Mapping]]] = ...) -> None: ...

class MatchParams(_message.Message):
    __slots__ = ("references", "candidates")
    REFERENCES_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    references: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    candidates: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    def __init__(self, references: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ...) -> None: ...

class RawMatch(_message.Message):
    __slots__ = ("candidate_id", "similarity")
    CANDIDATE_ID_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    candidate_id: str
    similarity: float
    def __init__(self, candidate_id: _Optional[str] = ..., similarity: _Optional[float] = ...) -> None: ...

class RawReferenceMatches(_message.Message):
    __slots__ = ("reference_id", "matches")
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    reference_id: str
    matches: _containers.RepeatedCompositeFieldContainer[RawMatch]
    def __init__(self, reference_id: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[RawMatch, _Mapping]]] = ...) -> None: ...
