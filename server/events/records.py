"""Stored events (v6 §4.1) from and to JSON: a handler event (§2.8) or raw event body -> EventRecord, and
EventRecord -> the JSON object GET /6/events prints (also what the live bus publishes).

The numeric codes of §4.2 (Lumen's reading; the dumps keep only the numbers):
emotion 1 anger, 2 disgust, 3 fear, 4 happiness, 5 sadness, 6 surprise, 7 neutral (estimation order);
mask 1 medical_mask, 2 missing, 3 occluded; liveness 0 spoof, 1 real, 2 unknown;
ethnic_group 1 african_american, 2 indian, 3 asian, 4 caucasian (as server/face_results.py stores them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from server.storage.repositories.events import (
    EventDetection,
    EventLocation,
    EventRecord,
    EventRect,
    EventTopMatch,
    GeoPosition,
)

EMOTION_CODES = {
    name: code
    for code, name in enumerate(("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral"), start=1)
}
MASK_CODES = {"medical_mask": 1, "missing": 2, "occluded": 3}
LIVENESS_CODES = {"spoof": 0, "real": 1, "unknown": 2}
ETHNIC_CODES = {"african_american": 1, "indian": 2, "asian": 3, "caucasian": 4}

#: Fields of the `target` enum of GET /6/events (account_id is printed when no target is given).
EVENT_TARGETS = (
    "create_time",
    "end_time",
    "event_id",
    "handler_id",
    "external_id",
    "source",
    "top_match",
    "match_result",
    "face_detections",
    "face_id",
    "attach_result",
    "gender",
    "age",
    "emotion",
    "ethnic_group",
    "liveness",
    "body_detections",
    "tags",
    "user_data",
    "location",
    "mask",
    "track_id",
)


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _detection(item: Mapping[str, Any], part: Mapping[str, Any]) -> EventDetection:
    rect = _obj(_obj(part.get("detection")).get("rect"))
    return EventDetection(
        sample_id=part.get("sample_id"),
        detect_time=str(item.get("detect_time")),
        rect=EventRect(*(int(rect[k]) for k in ("x", "y", "width", "height"))) if rect else None,
        detect_ts=item.get("detect_ts"),
        image_origin=item.get("image_origin"),
    )


def top_match_of(matches: Sequence[Mapping[str, Any]]) -> EventTopMatch | None:
    """The best candidate over every match group (ties: the first)."""
    best: EventTopMatch | None = None
    for group in matches:
        for candidate in group.get("candidates") or ():
            similarity = candidate.get("similarity")
            if not isinstance(similarity, int | float) or (best is not None and similarity <= best.similarity):
                continue
            face, event = _obj(candidate.get("face")), _obj(candidate.get("event"))
            found = face or event
            best = EventTopMatch(
                label=str(group.get("label", "")),
                similarity=float(similarity),
                face_id=face.get("face_id") if face else None,
                event_id=event.get("event_id") if not face else None,
                external_id=found.get("external_id"),
            )
    return best


def _first_attributes(detections: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    for item in detections:
        attributes = _obj(_obj(_obj(_obj(item.get("samples")).get("face")).get("detection")).get("attributes"))
        if attributes:
            return attributes
    return {}


def record_from_event_json(
    document: Mapping[str, Any],
    *,
    event_id: str,
    account_id: str,
    handler_id: str | None,
    create_time: str,
    end_time: str,
    descriptors: Mapping[int, np.ndarray] | None = None,
) -> EventRecord:
    """The stored form of a handler event (§2.8) or raw event body (validated before).

    Attributes come from face_attributes.basic_attributes (age, gender, ethnicity) and from
    aggregate_estimations.face.attributes, else the first face detection's attributes (emotion, mask,
    liveness)."""
    detections = [_obj(item) for item in document.get("detections") or ()]
    face_detections = tuple(
        _detection(item, _obj(_obj(item.get("samples")).get("face")))
        for item in detections
        if _obj(item.get("samples")).get("face")
    )
    bodies = tuple(
        _detection(item, _obj(_obj(item.get("samples")).get("body")))
        for item in detections
        if _obj(item.get("samples")).get("body")
    )
    basic = _obj(_obj(document.get("face_attributes")).get("basic_attributes"))
    ethnicity = _obj(basic.get("ethnicities")).get("predominant_ethnicity")
    aggregated = _obj(_obj(_obj(document.get("aggregate_estimations")).get("face")).get("attributes"))
    attributes = aggregated or _first_attributes(detections)
    emotion = _obj(attributes.get("emotions")).get("predominant_emotion")
    mask = _obj(attributes.get("mask")).get("predominant_mask")
    liveness = _obj(attributes.get("liveness")).get("prediction")
    location = _obj(document.get("location"))
    geo = _obj(location.get("geo_position"))
    face = _obj(document.get("face"))
    matches = [_obj(group) for group in document.get("matches") or ()]
    external_id = document.get("external_id")
    return EventRecord(
        event_id=event_id,
        account_id=account_id,
        create_time=create_time,
        end_time=end_time,
        handler_id=handler_id,
        face_id=face.get("face_id"),
        external_id=external_id if external_id else None,
        source=document.get("source"),
        user_data=str(document.get("user_data") or ""),
        tags=tuple(dict.fromkeys(str(tag) for tag in document.get("tags") or ())),
        track_id=document.get("track_id"),
        top_match=top_match_of(matches),
        match_result=tuple(matches),
        face_detections=face_detections,
        body_detections=bodies or None,
        attach_result=tuple(face.get("lists") or ()),
        gender=basic.get("gender"),
        age=basic.get("age"),
        emotion=EMOTION_CODES.get(str(emotion)) if emotion is not None else None,
        mask=MASK_CODES.get(str(mask)) if mask is not None else None,
        ethnic_group=ETHNIC_CODES.get(str(ethnicity)) if ethnicity is not None else None,
        liveness=LIVENESS_CODES.get(str(liveness)) if liveness is not None else None,
        location=EventLocation(
            city=location.get("city"),
            area=location.get("area"),
            district=location.get("district"),
            street=location.get("street"),
            house_number=location.get("house_number"),
            geo_position=GeoPosition(float(geo["longitude"]), float(geo["latitude"]))
            if "longitude" in geo and "latitude" in geo
            else None,
        ),
        descriptors=dict(descriptors or {}),
    )


def location_json(location: EventLocation) -> dict[str, Any]:
    geo = location.geo_position
    return {
        "city": location.city,
        "area": location.area,
        "district": location.district,
        "street": location.street,
        "house_number": location.house_number,
        "geo_position": None if geo is None else {"latitude": geo.latitude, "longitude": geo.longitude},
    }


def stored_event_json(record: EventRecord, targets: Sequence[str] | None = None) -> dict[str, Any]:
    """The event as GET /6/events prints it (§4.1), limited to `targets` (None: every field)."""
    document: dict[str, Any] = {
        "event_id": record.event_id,
        "account_id": record.account_id,
        "handler_id": record.handler_id,
        "create_time": record.create_time,
        "end_time": record.end_time,
        "face_id": record.face_id,
        "external_id": record.external_id,
        "source": record.source,
        "user_data": record.user_data,
        "tags": list(record.tags),
        "track_id": record.track_id,
        "top_match": None if record.top_match is None else record.top_match.to_json(),
        "match_result": [dict(group) for group in record.match_result],
        "face_detections": [d.to_json() for d in record.face_detections],
        "body_detections": None if record.body_detections is None else [d.to_json() for d in record.body_detections],
        "attach_result": list(record.attach_result),
        "gender": record.gender,
        "age": record.age,
        "emotion": record.emotion,
        "mask": record.mask,
        "ethnic_group": record.ethnic_group,
        "liveness": record.liveness,
        "location": location_json(record.location),
    }
    if targets is None:
        return document
    wanted = set(targets)
    return {name: value for name, value in document.items() if name in wanted}
