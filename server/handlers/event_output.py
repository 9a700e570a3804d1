"""What an event of the pipeline becomes: the HandlerEvent of the answer and the websocket (v6 §2.8, protobuf)
and the stored event (v6 §4.1, the JSON form GET /6/events returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from google.protobuf import json_format, struct_pb2

from inference.estimations.liveness import Liveness
from lumen.v6 import common_pb2, handler_events_pb2, liveness_pb2
from server.events.records import top_match_of
from server.face_results import (
    basic_attributes_message,
    detection_rect,
    emotions_message,
    fill_face_detection,
    mask_message,
)
from server.matching.events import FoundEvent
from server.services.faces import to_face
from server.storage.descriptors import current_version
from server.storage.repositories.events import EventDetection, EventLocation, EventRecord, EventRect, GeoPosition

if TYPE_CHECKING:
    from server.handlers.events_pipeline import Detection, Event
    from server.handlers.inputs import EventMeta
    from server.handlers.plan import Plan

NULL = struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


def _text(value: str | None) -> struct_pb2.Value:
    return NULL if value is None else struct_pb2.Value(string_value=value)


def _object(message: Any) -> struct_pb2.Value:
    value = struct_pb2.Value()
    value.struct_value.update(
        json_format.MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
    )
    return value


def image_result(
    filename: str, error: common_pb2.Error, exif: Mapping[str, Any] | None
) -> handler_events_pb2.HandlerEventsImage:
    result = handler_events_pb2.HandlerEventsImage(filename=filename, error=error, status=int(error.error_code == 0))
    if exif is not None:
        result.exif.update(dict(exif))
    return result


def liveness_message(liveness: Liveness, plan: Plan) -> liveness_pb2.SdkLiveness:
    """{prediction, estimations{quality, score}} with the handler's liveness thresholds."""
    return liveness_pb2.SdkLiveness(
        prediction=plan.liveness_name(liveness),
        estimations=liveness_pb2.SdkLivenessEstimations(quality=liveness.quality, score=liveness.score),
    )


def _detection(detection: Detection, event: Event, plan: Plan) -> handler_events_pb2.EventDetection:
    result = handler_events_pb2.EventDetection(filename=detection.image.filename, detect_time=detection.detect_time)
    result.detect_ts.CopyFrom(
        NULL if detection.image.detect_ts is None else struct_pb2.Value(number_value=detection.image.detect_ts)
    )
    result.image_origin.CopyFrom(_text(detection.image_origin))
    face = detection.face
    if face is not None:
        sample = result.samples.face
        sample.sample_id.CopyFrom(_text(detection.face_sample_id))
        url = None if detection.face_sample_id is None else f"/6/samples/faces/{detection.face_sample_id}"
        sample.url.CopyFrom(_text(url))
        fill_face_detection(sample.detection, face, landmarks=True)
        if detection.face_quality is not None:
            sample.detection.face_quality.CopyFrom(detection.face_quality)
        attributes = sample.detection.attributes
        if not event.aggregated:
            if face.emotions is not None:
                attributes.emotions.CopyFrom(emotions_message(face.emotions))
            if face.mask is not None:
                attributes.mask.CopyFrom(mask_message(face.mask))
            if face.liveness is not None and plan.reports_liveness:
                attributes.liveness.CopyFrom(liveness_message(face.liveness, plan))
    if detection.body is not None:
        body = result.samples.body
        body.sample_id.CopyFrom(_text(detection.body_sample_id))
        url = None if detection.body_sample_id is None else f"/6/samples/bodies/{detection.body_sample_id}"
        body.url.CopyFrom(_text(url))
        body.detection.rect.CopyFrom(detection_rect(*detection.body.detection.box))
    return result


def _face_attributes(event: Event) -> struct_pb2.Value:
    if not event.extracted:
        return NULL
    attributes = handler_events_pb2.EventFaceAttributes(samples=event.face_samples)
    attributes.attribute_id.CopyFrom(_text(event.attribute_id))
    attributes.url.CopyFrom(_text(None if event.attribute_id is None else f"/6/attributes/{event.attribute_id}"))
    if event.descriptor_score is not None:
        attributes.score = event.descriptor_score
    if event.basic is not None:
        attributes.basic_attributes.CopyFrom(basic_attributes_message(event.basic))
    if event.score_filtered is not None:
        score, threshold = event.score_filtered
        attributes.filter.is_filtered = True
        reason = attributes.filter.filter_reasons.add(filter_name="score_threshold", object_value=score)
        reason.threshold_value.number_value = threshold
    return _object(attributes)


def _face(event: Event) -> struct_pb2.Value:
    row = event.face
    if row is None:
        return NULL
    return _object(
        handler_events_pb2.EventFace(
            face_id=row["face_id"],
            account_id=row["account_id"],
            event_id=event.event_id,
            user_data=row["user_data"],
            create_time=row["create_time"],
            external_id=row["external_id"],
            avatar=row["avatar"],
            lists=event.face_lists,
            url=f"/6/faces/{row['face_id']}",
        )
    )


def handler_event(event: Event, plan: Plan, meta: EventMeta) -> handler_events_pb2.HandlerEvent:
    """The HandlerEvent of v6 §2.8."""
    message = handler_events_pb2.HandlerEvent(
        event_id=event.event_id,
        url=f"/6/events/{event.event_id}",
        tags=event.tags,
        external_id=meta.external_id,
        user_data=meta.user_data,
    )
    message.source.CopyFrom(_text(meta.source))
    message.track_id.CopyFrom(_text(meta.track_id))
    message.location.SetInParent()
    for name, value in meta.location.items():
        setattr(message.location, name, value)
    if meta.geo_position is not None:
        longitude, latitude = meta.geo_position
        message.location.geo_position.longitude = longitude
        message.location.geo_position.latitude = latitude
    message.face.CopyFrom(_face(event))
    message.face_attributes.CopyFrom(_face_attributes(event))
    message.body_attributes.CopyFrom(NULL)
    for result in event.matches:
        group = message.matches.add(label=result.label)
        for found in result.found:
            candidate = group.candidates.add(similarity=found.match.similarity)
            candidate.face.CopyFrom(to_face(found.row, result.lists.get(found.match.face_id, []), list(result.targets)))
        for matched in result.events:
            candidate = group.candidates.add(similarity=matched.match.similarity)
            record = matched.record
            candidate.event.CopyFrom(
                handler_events_pb2.EventMatchEvent(
                    event_id=record.event_id,
                    external_id=record.external_id or "",
                    user_data=record.user_data,
                    create_time=record.create_time,
                    handler_id=_text(record.handler_id),
                    source=_text(record.source),
                )
            )
    message.detections.extend(_detection(detection, event, plan) for detection in event.detections)
    if event.aggregated:
        attributes = message.aggregate_estimations.face.attributes
        attributes.SetInParent()
        if event.liveness is not None and plan.reports_liveness:
            attributes.liveness.CopyFrom(liveness_message(event.liveness, plan))
        if event.mask is not None:
            attributes.mask.CopyFrom(mask_message(event.mask))
        if event.emotions is not None:
            attributes.emotions.CopyFrom(emotions_message(event.emotions))
    return message


# -- the stored event (§4.1) ---------------------------------------------------------------------------------


def _stored_detection(detection: Detection, *, body: bool) -> EventDetection | None:
    if body:
        if detection.body is None:
            return None
        box, sample_id = detection.body.detection.box, detection.body_sample_id
    else:
        if detection.face is None:
            return None
        box, sample_id = detection.face.box, detection.face_sample_id
    rect = detection_rect(*box)
    return EventDetection(
        sample_id=sample_id,
        detect_time=detection.detect_time,
        rect=EventRect(rect.x, rect.y, rect.width, rect.height),
        detect_ts=detection.image.detect_ts,
        image_origin=detection.image_origin,
    )


def _match_result(event: Event) -> list[dict[str, Any]]:
    """match_result of §4.1: face candidates {face_id, user_data, create_time, external_id}."""
    return [
        {
            "label": result.label,
            "candidates": [
                {
                    "face": {
                        "face_id": found.row["face_id"],
                        "user_data": found.row["user_data"],
                        "create_time": found.row["create_time"],
                        "external_id": found.row["external_id"],
                    },
                    "similarity": found.match.similarity,
                }
                for found in result.found
            ]
            + [
                {"event": _event_candidate(matched), "similarity": matched.match.similarity}
                for matched in result.events
            ],
        }
        for result in event.matches
    ]


def _event_candidate(matched: FoundEvent) -> dict[str, Any]:
    """An event candidate: {event_id, external_id, user_data, create_time, handler_id, source} (§2.8, §4.1)."""
    record = matched.record
    return {
        "event_id": record.event_id,
        "external_id": record.external_id or "",
        "user_data": record.user_data,
        "create_time": record.create_time,
        "handler_id": record.handler_id,
        "source": record.source,
    }


def event_record(event: Event, plan: Plan, meta: EventMeta, handler_id: str, account_id: str) -> EventRecord:
    """The event as the events store keeps it (v6 §4.1), with its face descriptor (an event candidate for later
    matches; none when extract_policy.fd_score_threshold filtered it)."""
    matches = _match_result(event)
    basic = event.basic
    descriptor = event.usable_descriptor
    geo = meta.geo_position
    location = meta.location
    faces = tuple(item for d in event.detections if (item := _stored_detection(d, body=False)) is not None)
    bodies = tuple(item for d in event.detections if (item := _stored_detection(d, body=True)) is not None)
    return EventRecord(
        event_id=event.event_id,
        account_id=account_id,
        create_time=event.create_time,
        end_time=event.end_time,
        handler_id=handler_id,
        face_id=None if event.face is None else event.face["face_id"],
        external_id=meta.external_id or None,
        source=meta.source,
        user_data=meta.user_data,
        tags=tuple(event.tags),
        track_id=meta.track_id,
        top_match=top_match_of(matches),
        match_result=tuple(matches),
        face_detections=faces,
        body_detections=bodies or None,
        attach_result=tuple(event.face_lists),
        gender=None if basic is None else basic.gender,
        age=None if basic is None else basic.age,
        emotion=None if event.emotions is None else event.emotions.predominant_code,
        mask=None if event.mask is None else event.mask.predominant_code,
        ethnic_group=None if basic is None else basic.ethnicity,
        liveness=None if event.liveness is None else plan.liveness_code(event.liveness),
        location=EventLocation(
            city=location.get("city"),
            area=location.get("area"),
            district=location.get("district"),
            street=location.get("street"),
            house_number=location.get("house_number"),
            geo_position=None if geo is None else GeoPosition(longitude=geo[0], latitude=geo[1]),
        ),
        descriptors={} if descriptor is None else {current_version(): np.asarray(descriptor, dtype=np.float32)},
    )
