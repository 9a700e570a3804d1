"""The events pipeline of POST /6/handlers/{handler_id}/events, in v6's order:
detect -> filters -> extract -> match -> conditional tags -> storage filters -> store -> notify.

- detect, filters, extract: one `analyse_input` call per image (server/face_inference.py -> inference/analysis.py)
  with the plan's AnalysisOptions; detect_policy filters (angles, mask_states; liveness_states with the
  handler's liveness thresholds) put a face into `filtered_detections` with its reasons.
- events: one per kept face (with its body when detect_body pairs one) and one per unpaired body, per image; with
  aggregate_attributes=1 one event for every detection of every image (descriptor and basic attributes
  aggregated, mask/emotions/liveness into aggregate_estimations). A descriptor body is one event without
  detections.
- extract_policy.fd_score_threshold: an event whose descriptor score is below it keeps its face_attributes with
  `filter` {is_filtered, filter_reasons: [score_threshold]} and is neither matched nor stored as an attribute or
  a face.
- match: each match_policy item whose filters pass runs the matcher's face search (server/matching/faces.py).
- conditional tags, then each storage step when enabled and its filters pass: face samples, body samples,
  image origin, temporary attribute (ttl), face (avatar, link_to_lists with their own filters), event, and the
  notification (server/handlers/event_sink.py).

Only the image that fails is reported failed (its `images[]` entry), the others go on. Lists named by
link_to_lists_policy are checked before anything is written (22003/22005).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from inference.analysis import BodyAnalysis, FaceAnalysis, aggregate_faces
from inference.estimations.attributes import BasicAttributes
from inference.estimations.emotions import Emotions
from inference.estimations.liveness import Liveness
from inference.estimations.mask import MaskEstimation
from lumen.v6 import common_pb2, handler_events_service_pb2, iso_pb2
from server import errors
from server.clock import now
from server.errors import LunaError
from server.events.filters import event_filter
from server.face_inference import FaceInference, require
from server.face_results import SUCCESS, WARP_CONTENT_TYPE, encode_warp, filtered_detections, per_image_error
from server.handlers.detections import analyse_with_plan
from server.handlers.event_filters import EventValues, passes
from server.handlers.event_output import event_record, handler_event, image_result
from server.handlers.event_sink import EventSink
from server.handlers.inputs import IMAGE_FACE_WARP, EventImage, EventMeta, EventsBody
from server.handlers.plan import MATCH_FACE_FIELDS, Plan
from server.handlers.policies import EventCandidates as EventCandidatesPolicy
from server.handlers.policies import FaceCandidates as FaceCandidatesPolicy
from server.handlers.policies import MatchPolicy
from server.handlers.times import resolve_time_bound
from server.matching.events import FoundEvent, search_events
from server.matching.faces import FaceCandidates, FoundFace, lists_of, scope, search_faces
from server.matching.live import MatchingIndexes
from server.services.blob_resources import BODY_SAMPLES, FACE_SAMPLES, IMAGES, BlobResources, sniff_image
from server.storage.descriptors import current_version
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.events import EventFilter
from server.storage.repositories.faces import FaceRow
from server.storage.store import Storage

_LOGGER = logging.getLogger(__name__)


@dataclass
class Detection:
    """One detection of an event: a face and/or a body on one image, and what was stored of it."""

    image: EventImage
    detect_time: str
    face: FaceAnalysis | None = None
    body: BodyAnalysis | None = None
    face_sample_id: str | None = None
    body_sample_id: str | None = None
    image_origin: str | None = None
    face_quality: iso_pb2.IsoResult | None = None


@dataclass
class MatchResult:
    """The candidates of one match_policy item, best first: faces (origin "faces") or events ("events")."""

    label: str
    found: list[FoundFace] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    targets: tuple[str, ...] = MATCH_FACE_FIELDS
    events: list[FoundEvent] = field(default_factory=list)

    @property
    def best(self) -> float | None:
        found = [item.match.similarity for item in self.found[:1]] + [item.match.similarity for item in self.events[:1]]
        return max(found) if found else None


@dataclass
class Event:
    """An event being built (then stored, answered and published)."""

    event_id: str
    create_time: str
    end_time: str
    detections: list[Detection] = field(default_factory=list)
    descriptor: np.ndarray | None = None
    descriptor_score: float | None = None
    basic: BasicAttributes | None = None
    emotions: Emotions | None = None
    mask: MaskEstimation | None = None
    liveness: Liveness | None = None
    #: aggregate_attributes=1: mask, emotions and liveness go to aggregate_estimations.
    aggregated: bool = False
    #: extract_policy.fd_score_threshold failed: (score, threshold).
    score_filtered: tuple[float, float] | None = None
    matches: list[MatchResult] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attribute_id: str | None = None
    face: FaceRow | None = None
    face_lists: list[str] = field(default_factory=list)
    #: Whether the face attributes (descriptor or basic attributes) were extracted at all.
    extracted: bool = False

    @property
    def face_samples(self) -> list[str]:
        return [d.face_sample_id for d in self.detections if d.face_sample_id is not None]

    @property
    def usable_descriptor(self) -> np.ndarray | None:
        return None if self.score_filtered is not None else self.descriptor

    def top_similarity(self) -> dict[str, float]:
        return {m.label: best for m in self.matches if (best := m.best) is not None}


@dataclass
class ImageOutcome:
    image: EventImage
    error: common_pb2.Error
    kept: list[FaceAnalysis] = field(default_factory=list)
    bodies: list[BodyAnalysis] = field(default_factory=list)
    pairs: dict[int, int] = field(default_factory=dict)
    exif: dict[str, object] | None = None
    #: face_quality results by id() of the kept faces.
    face_quality: dict[int, iso_pb2.IsoResult] = field(default_factory=dict)
    #: The stored source image (image_origin_policy), once per image.
    origin: str | None = None

    @property
    def ok(self) -> bool:
        return self.error.error_code == 0


class EventsPipeline:
    def __init__(
        self,
        storage: Storage,
        matching: MatchingIndexes,
        inference: FaceInference | None,
        sink: EventSink,
    ) -> None:
        self.storage = storage
        self.matching = matching
        self.inference = inference
        self.blobs = BlobResources(storage)
        self.sink = sink

    # -- the request -----------------------------------------------------------------------------------------

    def run(
        self,
        handler_id: str,
        account_id: str,
        plan: Plan,
        body: EventsBody,
        meta: EventMeta,
        request_id: str,
    ) -> handler_events_service_pb2.CreateEventsResponse:
        policies = plan.policies
        storage = policies.storage_policy
        self._check_lists(plan, account_id)
        response = handler_events_service_pb2.CreateEventsResponse()
        response.filtered_detections.SetInParent()
        stamp = meta.create_time or now()
        end = meta.end_time or stamp
        if body.descriptor is not None:
            events = [self._descriptor_event(body.descriptor, stamp, end)]
            outcomes: list[ImageOutcome] = []
        else:
            outcomes = [self._analyse(image, plan, meta, response) for image in body.images]
            events = self._events(outcomes, plan, meta, stamp, end)
        for outcome in outcomes:
            response.images.append(image_result(outcome.image.filename, outcome.error, outcome.exif))
        for event in events:
            self._match(event, plan, account_id)
            values = self._values(event, plan)
            event.tags = list(
                dict.fromkeys(
                    [*meta.tags, *(tag.tag for tag in policies.conditional_tags_policy if passes(tag.filters, values))]
                )
            )
            self._store(event, plan, values, outcomes, account_id, meta)
            answer = handler_event(event, plan, meta)
            response.events.append(answer)
            record = event_record(event, plan, meta, handler_id, account_id)
            event_policy = storage.event_policy
            if event_policy.store_event and passes(event_policy.filters, values):
                self.sink.save(record, wait=event_policy.wait_saving)
            notification = storage.notification_policy
            if notification.send_notification and passes(notification.filters, values):
                self.sink.publish(account_id, record, answer, request_id)
        return response

    def _check_lists(self, plan: Plan, account_id: str) -> None:
        face_policy = plan.policies.storage_policy.face_policy
        if not (face_policy.store_face and face_policy.link_to_lists_policy):
            return
        wanted = list(dict.fromkeys(link.list_id for link in face_policy.link_to_lists_policy))
        found = self.storage.lists.owned_ids(account_id, wanted)
        missing = [list_id for list_id in wanted if list_id not in found]
        if missing:
            spec = errors.LIST_NOT_FOUND if len(wanted) == 1 else errors.LISTS_NOT_FOUND
            raise LunaError(spec, id=missing[0])

    # -- detect, filters, extract ----------------------------------------------------------------------------

    def _analyse(
        self,
        image: EventImage,
        plan: Plan,
        meta: EventMeta,
        response: handler_events_service_pb2.CreateEventsResponse,
    ) -> ImageOutcome:
        warped = meta.image_type == IMAGE_FACE_WARP
        options = plan.analysis
        needs_models = not warped or options.descriptor or options.basic_attributes or options.emotions
        inference = require(self.inference) if needs_models else self.inference
        try:
            found = analyse_with_plan(image.image, inference, plan, warped=warped, use_exif_info=meta.use_exif_info)
        except LunaError as error:
            return ImageOutcome(image, per_image_error(error))
        _append_filtered(response, image.filename, found.filtered)
        return ImageOutcome(
            image,
            SUCCESS,
            kept=found.kept,
            bodies=found.bodies,
            pairs=found.pairs,
            exif=found.exif,
            face_quality=found.face_quality,
        )

    def _events(
        self, outcomes: Sequence[ImageOutcome], plan: Plan, meta: EventMeta, stamp: str, end: str
    ) -> list[Event]:
        detections_per_image: list[list[Detection]] = []
        for outcome in outcomes:
            if not outcome.ok:
                continue
            detect_time = outcome.image.detect_time or stamp
            found: list[Detection] = []
            paired = set(outcome.pairs.values())
            for index, face in enumerate(outcome.kept):
                body_index = outcome.pairs.get(index)
                body = outcome.bodies[body_index] if body_index is not None else None
                quality = outcome.face_quality.get(id(face))
                found.append(Detection(outcome.image, detect_time, face=face, body=body, face_quality=quality))
            for index, body in enumerate(outcome.bodies):
                if index not in paired:
                    found.append(Detection(outcome.image, detect_time, body=body))
            detections_per_image.append(found)
        if meta.aggregate:
            every = [d for found in detections_per_image for d in found]
            return [self._event(every, plan, stamp, end, aggregated=True)] if every else []
        return [self._event([d], plan, stamp, end) for found in detections_per_image for d in found]

    def _event(
        self, detections: list[Detection], plan: Plan, stamp: str, end: str, *, aggregated: bool = False
    ) -> Event:
        event = Event(str(uuid.uuid4()), stamp, end, detections=detections, aggregated=aggregated)
        faces = [d.face for d in detections if d.face is not None]
        if not faces:
            return event
        options = plan.analysis
        event.extracted = options.descriptor or options.basic_attributes
        if aggregated:
            together = aggregate_faces(faces)
            event.descriptor, event.descriptor_score = together.descriptor, together.descriptor_score
            event.basic, event.emotions, event.mask = together.basic, together.emotions, together.mask
            event.liveness = together.liveness
        else:
            (face,) = faces
            event.descriptor, event.descriptor_score = face.descriptor, face.descriptor_score
            event.basic, event.emotions, event.mask, event.liveness = (
                face.basic,
                face.emotions,
                face.mask,
                face.liveness,
            )
        self._score_filter(event, plan)
        return event

    def _descriptor_event(self, descriptor: np.ndarray, stamp: str, end: str) -> Event:
        return Event(str(uuid.uuid4()), stamp, end, descriptor=descriptor, extracted=True)

    @staticmethod
    def _score_filter(event: Event, plan: Plan) -> None:
        threshold = plan.policies.extract_policy.fd_score_threshold
        score = event.descriptor_score
        if threshold > 0 and score is not None and score < threshold:
            event.score_filtered = (score, threshold)

    # -- match -----------------------------------------------------------------------------------------------

    def _values(self, event: Event, plan: Plan) -> EventValues:
        basic = event.basic
        return EventValues(
            gender=None if basic is None else basic.gender,
            age=None if basic is None else basic.age,
            ethnicity=None if basic is None else basic.ethnicity,
            liveness=None if event.liveness is None else plan.liveness_code(event.liveness),
            top_similarity=event.top_similarity(),
        )

    def _match(self, event: Event, plan: Plan, account_id: str) -> None:
        vector = event.usable_descriptor
        if vector is None or not plan.policies.match_policy:
            return
        values = self._values(event, plan)
        vectors = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        for group in plan.policies.match_policy:
            if not passes(group.filters, values):
                continue
            targets = tuple(t for t in (group.targets or MATCH_FACE_FIELDS) if t != "similarity")
            if not isinstance(group.candidates, FaceCandidatesPolicy):
                possible, account = scope(group.candidates.account_id, account_id)
                events = (
                    search_events(
                        self.storage,
                        self.matching,
                        vectors,
                        event_candidates(group.candidates, account),
                        limit=group.limit,
                        threshold=group.threshold,
                    )[0]
                    if possible
                    else []
                )
                event.matches.append(MatchResult(group.label, targets=targets, events=events))
                continue
            (found,) = search_faces(
                self.storage,
                self.matching,
                vectors,
                face_candidates(group),
                limit=group.limit,
                threshold=group.threshold,
                account_id=account_id,
            )
            lists = lists_of(self.storage, [found]) if "lists" in targets else {}
            event.matches.append(MatchResult(group.label, found, lists, targets))

    # -- store -----------------------------------------------------------------------------------------------

    def _store(
        self,
        event: Event,
        plan: Plan,
        values: EventValues,
        outcomes: Sequence[ImageOutcome],
        account_id: str,
        meta: EventMeta,
    ) -> None:
        storage = plan.policies.storage_policy
        samples = storage.face_sample_policy
        if samples.store_sample and passes(samples.filters, values):
            for detection in event.detections:
                if detection.face is not None and detection.face.warp is not None:
                    detection.face_sample_id, _ = self.blobs.create(
                        FACE_SAMPLES, account_id, WARP_CONTENT_TYPE, encode_warp(detection.face.warp)
                    )
        bodies = storage.body_sample_policy
        if bodies.store_sample and passes(bodies.filters, values):
            for detection in event.detections:
                if detection.body is not None and detection.body.warp is not None:
                    detection.body_sample_id, _ = self.blobs.create(
                        BODY_SAMPLES, account_id, WARP_CONTENT_TYPE, encode_warp(detection.body.warp)
                    )
        origin = storage.image_origin_policy
        if origin.store_image and passes(origin.filters, values):
            by_image = {id(outcome.image): outcome for outcome in outcomes}
            for detection in event.detections:
                outcome = by_image.get(id(detection.image))
                if outcome is not None:
                    detection.image_origin = self._image_origin(outcome, origin.use_external_references, account_id)
        attribute = self._attribute_data(event)
        attribute_policy = storage.attribute_policy
        if attribute is not None and attribute_policy.store_attribute and passes(attribute_policy.filters, values):
            event.attribute_id = str(uuid.uuid4())
            with self.storage.write() as batch:
                self.storage.attributes.insert(batch, event.attribute_id, account_id, attribute, attribute_policy.ttl)
        face_policy = storage.face_policy
        if face_policy.store_face and passes(face_policy.filters, values) and event.score_filtered is None:
            self._create_face(event, plan, values, attribute, account_id, meta)

    def _image_origin(self, outcome: ImageOutcome, external_references: bool, account_id: str) -> str | None:
        if outcome.origin is None:
            external = outcome.image.image_origin
            if external_references and external is not None:
                outcome.origin = external
            else:
                data = outcome.image.image.data
                kind = sniff_image(data) or "application/octet-stream"
                _, outcome.origin = self.blobs.create(IMAGES, account_id, kind, data)
        return outcome.origin

    def _attribute_data(self, event: Event) -> AttributeData | None:
        descriptor = event.usable_descriptor
        if event.score_filtered is not None or (descriptor is None and event.basic is None):
            return None
        samples = event.face_samples
        data = AttributeData(
            face_descriptor_samples=samples if descriptor is not None else [],
            basic_attributes_samples=samples if event.basic is not None else [],
        )
        if descriptor is not None:
            data.descriptors[current_version()] = np.asarray(descriptor, dtype=np.float32)
        if event.basic is not None:
            data.basic_attributes = {
                "age": event.basic.age,
                "gender": event.basic.gender,
                "ethnicity": event.basic.ethnicity,
            }
        return data

    def _create_face(
        self,
        event: Event,
        plan: Plan,
        values: EventValues,
        attribute: AttributeData | None,
        account_id: str,
        meta: EventMeta,
    ) -> None:
        face_policy = plan.policies.storage_policy.face_policy
        samples = event.face_samples
        avatar = f"{FACE_SAMPLES.url_prefix}/{samples[0]}" if face_policy.set_sample_as_avatar and samples else ""
        links = face_policy.link_to_lists_policy
        lists = list(dict.fromkeys(link.list_id for link in links if passes(link.filters, values)))
        row = FaceRow(
            face_id=str(uuid.uuid4()),
            account_id=account_id,
            event_id=event.event_id,
            user_data=meta.user_data,
            external_id=meta.external_id,
            avatar=avatar,
            create_time=now(),
        )
        with self.storage.write() as batch:
            found = self.storage.lists.owned_ids(account_id, lists) if lists else set()
            lists = [list_id for list_id in lists if list_id in found]  # a list deleted since the check: skipped
            self.storage.faces.insert(batch, row, lists)
            if attribute is not None:
                self.storage.faces.set_attribute(batch, row["face_id"], account_id, attribute, replacing=False)
        event.face, event.face_lists = row, lists


def _append_filtered(
    response: handler_events_service_pb2.CreateEventsResponse, filename: str, faces: Sequence[FaceAnalysis]
) -> None:
    if faces:
        response.filtered_detections.face_detections.extend(filtered_detections(filename, faces).face_detections)


def face_candidates(group: MatchPolicy) -> FaceCandidates:
    """The matcher's face candidate filters of a match_policy item (relative times resolved now)."""
    given = group.candidates
    assert isinstance(given, FaceCandidatesPolicy)
    return FaceCandidates(
        account_id=given.account_id,
        face_ids=list(given.face_ids) if given.face_ids is not None else None,
        external_ids=list(given.external_ids) if given.external_ids is not None else None,
        user_data=given.user_data,
        create_time_gte=resolve_time_bound(given.create_time__gte) if given.create_time__gte else None,
        create_time_lt=resolve_time_bound(given.create_time__lt) if given.create_time__lt else None,
        face_id_gte=given.face_id__gte,
        face_id_lt=given.face_id__lt,
        list_id=given.list_id,
    )


def event_candidates(candidates: EventCandidatesPolicy, account_id: str | None) -> EventFilter:
    """The events filter (§4.5) of a match_policy item of origin "events" (relative times resolved now)."""
    document = {name: value for name, value in asdict(candidates).items() if value is not None}
    for name in ("create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt"):
        if name in document:
            document[name] = resolve_time_bound(document[name])
    return event_filter(document, account_id, "match_policy.candidates")
