"""Events: the `events` and `event_tags` tables of the events database (server/storage/event_store.py).

An event is written once (POST /6/handlers/{id}/events, /events/raw) and then only read, filtered and
aggregated, so the row keeps every field v6 filters or aggregates on in its own indexed column and the
nested parts (detections, match results) as JSON. `EventRecord` mirrors the stored event of v6 §4.1;
its descriptors go to LanceDB through the batch's journal (EventWriteBatch.set_descriptors).

Times are stored in the one format of server/clock.py (UTC, microseconds, explicit offset), so text
order is time order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from server.clock import format_time
from server.storage.db import Database
from server.storage.sql import Where, marks

if TYPE_CHECKING:
    from server.storage.event_store import EventWriteBatch

EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    handler_id TEXT,
    create_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    face_id TEXT,
    external_id TEXT,
    source TEXT,
    user_data TEXT NOT NULL DEFAULT '',
    track_id TEXT,
    -- top_match, flattened for the filters; the whole object is in top_match (JSON)
    top_match_label TEXT,
    top_similar_object_id TEXT,          -- face_id or event_id of the best candidate
    top_similar_external_id TEXT,
    top_similarity REAL,
    gender INTEGER,
    age INTEGER,
    emotion INTEGER,
    mask INTEGER,
    ethnic_group INTEGER,
    liveness INTEGER,
    city TEXT,
    area TEXT,
    district TEXT,
    street TEXT,
    house_number TEXT,
    longitude REAL,
    latitude REAL,
    has_descriptor INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '[]',     -- JSON [str]
    top_match TEXT,                      -- JSON object or NULL
    match_result TEXT NOT NULL DEFAULT '[]',
    face_detections TEXT NOT NULL DEFAULT '[]',
    body_detections TEXT,                -- JSON array or NULL
    attach_result TEXT NOT NULL DEFAULT '[]'
);
-- The filters users combine, each led by the column that narrows most, then create_time (the order).
-- The account's events in time order, covering the columns statistics group and aggregate most (an account's
-- stats read this index alone: 3x faster than its rows).
DROP INDEX IF EXISTS events_account_time;
CREATE INDEX IF NOT EXISTS events_account_stats ON events(
    account_id, create_time, gender, age, emotion, mask, ethnic_group, liveness, source, handler_id
);
CREATE INDEX IF NOT EXISTS events_time ON events(create_time);
CREATE INDEX IF NOT EXISTS events_handler_time ON events(handler_id, create_time);
CREATE INDEX IF NOT EXISTS events_source_time ON events(source, create_time);
CREATE INDEX IF NOT EXISTS events_track ON events(track_id);
CREATE INDEX IF NOT EXISTS events_top_object ON events(top_similar_object_id);
CREATE INDEX IF NOT EXISTS events_external ON events(external_id);
CREATE INDEX IF NOT EXISTS events_face ON events(face_id);

-- One row per tag of an event (the `tags` filter wants events holding every given tag).
CREATE TABLE IF NOT EXISTS event_tags (
    tag TEXT NOT NULL,
    event_id TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    PRIMARY KEY (tag, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_tags_event ON event_tags(event_id);

-- Descriptor writes in flight to LanceDB (server/storage/event_store.py).
CREATE TABLE IF NOT EXISTS journal (
    op_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    create_time TEXT NOT NULL
);
"""

# Rows per INSERT statement batch (executemany) and per IN (...) list.
CHUNK = 500


# -- the stored event (v6 §4.1) ------------------------------------------------------------------


@dataclass(frozen=True)
class GeoPosition:
    longitude: float  # -180..180
    latitude: float  # -90..90


@dataclass(frozen=True)
class EventLocation:
    """`location` of §4.1; every part may be missing (printed as null)."""

    city: str | None = None
    area: str | None = None
    district: str | None = None
    street: str | None = None
    house_number: str | None = None
    geo_position: GeoPosition | None = None


@dataclass(frozen=True)
class EventTopMatch:
    """`top_match`: the best candidate over all match groups. A face candidate sets `face_id`, an
    event candidate `event_id` (v6 shows only the face form: {face_id, similarity, label, external_id})."""

    label: str
    similarity: float
    face_id: str | None = None
    event_id: str | None = None
    external_id: str | None = None

    @property
    def object_id(self) -> str | None:
        return self.face_id if self.face_id is not None else self.event_id

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.event_id is not None and self.face_id is None:
            found["event_id"] = self.event_id
        else:
            found["face_id"] = self.face_id
        found.update(similarity=self.similarity, label=self.label, external_id=self.external_id)
        return found


@dataclass(frozen=True)
class EventRect:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class EventDetection:
    """An item of `face_detections` / `body_detections`:
    {sample_id, detection{rect}, detect_time, detect_ts, image_origin}."""

    sample_id: str | None
    detect_time: str
    rect: EventRect | None = None
    detect_ts: float | None = None
    image_origin: str | None = None  # "/6/images/{id}", an external URL, or None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"sample_id": self.sample_id}
        if self.rect is not None:
            r = self.rect
            found["detection"] = {"rect": {"x": r.x, "y": r.y, "width": r.width, "height": r.height}}
        found.update(detect_time=self.detect_time, detect_ts=self.detect_ts, image_origin=self.image_origin)
        return found


@dataclass(frozen=True)
class EventRecord:
    """A stored event (v6 §4.1) plus its descriptors.

    Codes (§4.2): gender 0/1, emotion 1..7, mask 1..3, ethnic_group 1..4, liveness 0..2.
    `match_result` is kept as v6 prints it: [{label, candidates: [{face: {face_id, user_data,
    create_time, external_id} | event: {event_id, create_time, external_id, user_data, handler_id,
    source}, similarity}]}]. `descriptors`: version -> float32 vector (LanceDB, the event matching
    candidates); not read back by the repository.
    """

    event_id: str
    account_id: str
    create_time: str
    end_time: str
    handler_id: str | None = None
    face_id: str | None = None
    external_id: str | None = None
    source: str | None = None
    user_data: str = ""
    tags: tuple[str, ...] = ()
    track_id: str | None = None
    top_match: EventTopMatch | None = None
    match_result: tuple[Mapping[str, Any], ...] = ()
    face_detections: tuple[EventDetection, ...] = ()
    body_detections: tuple[EventDetection, ...] | None = None
    attach_result: tuple[str, ...] = ()
    gender: int | None = None
    age: int | None = None
    emotion: int | None = None
    mask: int | None = None
    ethnic_group: int | None = None
    liveness: int | None = None
    location: EventLocation = field(default_factory=EventLocation)
    descriptors: Mapping[int, np.ndarray] = field(default_factory=dict)


def stored_time(value: str) -> str:
    """An RFC 3339 time in the stored format (ValueError when it is none)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"time without offset: {value!r}")
    return format_time(moment)


def _row_of(record: EventRecord) -> tuple[object, ...]:
    top = record.top_match
    location = record.location
    geo = location.geo_position
    return (
        record.event_id,
        record.account_id,
        record.handler_id,
        stored_time(record.create_time),
        stored_time(record.end_time),
        record.face_id,
        record.external_id,
        record.source,
        record.user_data,
        record.track_id,
        None if top is None else top.label,
        None if top is None else top.object_id,
        None if top is None else top.external_id,
        None if top is None else float(top.similarity),
        record.gender,
        record.age,
        record.emotion,
        record.mask,
        record.ethnic_group,
        record.liveness,
        location.city,
        location.area,
        location.district,
        location.street,
        location.house_number,
        None if geo is None else float(geo.longitude),
        None if geo is None else float(geo.latitude),
        int(bool(record.descriptors)),
        json.dumps(list(record.tags)),
        None if top is None else json.dumps(top.to_json()),
        json.dumps([dict(group) for group in record.match_result]),
        json.dumps([d.to_json() for d in record.face_detections]),
        None if record.body_detections is None else json.dumps([d.to_json() for d in record.body_detections]),
        json.dumps(list(record.attach_result)),
    )


_INSERT_COLUMNS = (
    "event_id, account_id, handler_id, create_time, end_time, face_id, external_id, source, user_data, track_id, "
    "top_match_label, top_similar_object_id, top_similar_external_id, top_similarity, gender, age, emotion, mask, "
    "ethnic_group, liveness, city, area, district, street, house_number, longitude, latitude, has_descriptor, tags, "
    "top_match, match_result, face_detections, body_detections, attach_result"
)
_INSERT_SQL = f"INSERT INTO events ({_INSERT_COLUMNS}) VALUES ({', '.join('?' * 34)})"


def _detection(item: Mapping[str, Any]) -> EventDetection:
    rect = (item.get("detection") or {}).get("rect")
    return EventDetection(
        sample_id=item.get("sample_id"),
        detect_time=str(item.get("detect_time")),
        rect=None if rect is None else EventRect(*(int(rect[k]) for k in ("x", "y", "width", "height"))),
        detect_ts=item.get("detect_ts"),
        image_origin=item.get("image_origin"),
    )


def _record_of(row: Mapping[str, Any]) -> EventRecord:
    top_json = row["top_match"]
    top = None
    if top_json is not None:
        t = json.loads(top_json)
        top = EventTopMatch(
            label=t["label"],
            similarity=t["similarity"],
            face_id=t.get("face_id"),
            event_id=t.get("event_id"),
            external_id=t.get("external_id"),
        )
    body = row["body_detections"]
    longitude, latitude = row["longitude"], row["latitude"]
    return EventRecord(
        event_id=row["event_id"],
        account_id=row["account_id"],
        create_time=row["create_time"],
        end_time=row["end_time"],
        handler_id=row["handler_id"],
        face_id=row["face_id"],
        external_id=row["external_id"],
        source=row["source"],
        user_data=row["user_data"],
        tags=tuple(json.loads(row["tags"])),
        track_id=row["track_id"],
        top_match=top,
        match_result=tuple(json.loads(row["match_result"])),
        face_detections=tuple(_detection(d) for d in json.loads(row["face_detections"])),
        body_detections=None if body is None else tuple(_detection(d) for d in json.loads(body)),
        attach_result=tuple(json.loads(row["attach_result"])),
        gender=row["gender"],
        age=row["age"],
        emotion=row["emotion"],
        mask=row["mask"],
        ethnic_group=row["ethnic_group"],
        liveness=row["liveness"],
        location=EventLocation(
            city=row["city"],
            area=row["area"],
            district=row["district"],
            street=row["street"],
            house_number=row["house_number"],
            geo_position=None if longitude is None or latitude is None else GeoPosition(longitude, latitude),
        ),
    )


# -- filters (GET /6/events §4.3, event filters in JSON bodies §4.5) -------------------------------


@dataclass(frozen=True)
class GeoBox:
    """origin ± delta in degrees (boxes over the date line or a pole are not wrapped)."""

    origin_longitude: float
    origin_latitude: float
    longitude_delta: float = 0.01
    latitude_delta: float = 0.01


@dataclass(frozen=True)
class EventFilter:
    """The event filters of §4.3 / §4.5 (None: not filtered). Lists match any item, except `tags`:
    an event must hold every given tag. `user_data`: a substring."""

    account_id: str | None = None
    event_ids: Sequence[str] | None = None
    event_id_gte: str | None = None
    event_id_lt: str | None = None
    handler_ids: Sequence[str] | None = None
    face_ids: Sequence[str] | None = None
    external_ids: Sequence[str] | None = None
    user_data: str | None = None
    sources: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    cities: Sequence[str] | None = None
    areas: Sequence[str] | None = None
    districts: Sequence[str] | None = None
    streets: Sequence[str] | None = None
    house_numbers: Sequence[str] | None = None
    geo: GeoBox | None = None
    top_matching_candidates_label: str | None = None
    top_similar_object_ids: Sequence[str] | None = None
    top_similar_external_ids: Sequence[str] | None = None
    top_similarity_gte: float | None = None
    top_similarity_lt: float | None = None
    age_gte: int | None = None
    age_lt: int | None = None
    gender: int | None = None
    emotions: Sequence[int] | None = None
    masks: Sequence[int] | None = None
    ethnic_groups: Sequence[int] | None = None
    liveness: Sequence[int] | None = None
    track_ids: Sequence[str] | None = None
    create_time_gte: str | None = None  # stored format (server.clock.format_time)
    create_time_lt: str | None = None
    end_time_gte: str | None = None
    end_time_lt: str | None = None
    with_descriptor: bool | None = None  # only events that have (True) / lack (False) a descriptor

    def where(self) -> Where:
        where = (
            Where()
            .eq("account_id", self.account_id)
            .among("event_id", self.event_ids)
            .gte("event_id", self.event_id_gte)
            .lt("event_id", self.event_id_lt)
            .among("handler_id", self.handler_ids)
            .among("face_id", self.face_ids)
            .among("external_id", self.external_ids)
            .contains("user_data", self.user_data)
            .among("source", self.sources)
            .among("city", self.cities)
            .among("area", self.areas)
            .among("district", self.districts)
            .among("street", self.streets)
            .among("house_number", self.house_numbers)
            .eq("top_match_label", self.top_matching_candidates_label)
            .among("top_similar_object_id", self.top_similar_object_ids)
            .among("top_similar_external_id", self.top_similar_external_ids)
            .gte("top_similarity", self.top_similarity_gte)
            .lt("top_similarity", self.top_similarity_lt)
            .gte("age", self.age_gte)
            .lt("age", self.age_lt)
            .eq("gender", self.gender)
            .among("emotion", self.emotions)
            .among("mask", self.masks)
            .among("ethnic_group", self.ethnic_groups)
            .among("liveness", self.liveness)
            .among("track_id", self.track_ids)
            .gte("create_time", self.create_time_gte)
            .lt("create_time", self.create_time_lt)
            .gte("end_time", self.end_time_gte)
            .lt("end_time", self.end_time_lt)
        )
        if self.geo is not None:
            g = self.geo
            where.add(
                "longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?",
                g.origin_longitude - g.longitude_delta,
                g.origin_longitude + g.longitude_delta,
                g.origin_latitude - g.latitude_delta,
                g.origin_latitude + g.latitude_delta,
            )
        # One indexed probe per tag and row: pages stop after `limit` rows (an IN (subquery) of the events
        # holding every tag reads all of them first: 100x slower at 1 M events, bench/events_stats.py).
        for tag in dict.fromkeys(self.tags or ()):
            where.add("EXISTS (SELECT 1 FROM event_tags t WHERE t.tag = ? AND t.event_id = events.event_id)", tag)
        if self.with_descriptor is not None:
            where.add("has_descriptor = ?", int(self.with_descriptor))
        return where


# -- statistics (POST /6/events/stats §4.6) --------------------------------------------------------

#: v6 column names of the statistics -> SQL column.
STATS_COLUMNS: dict[str, str] = {
    "event_id": "event_id",
    "account_id": "account_id",
    "handler_id": "handler_id",
    "create_time": "create_time",
    "end_time": "end_time",
    "face_id": "face_id",
    "external_id": "external_id",
    "source": "source",
    "user_data": "user_data",
    "track_id": "track_id",
    "top_matching_candidates_label": "top_match_label",
    "top_similar_object_id": "top_similar_object_id",
    "top_similar_external_id": "top_similar_external_id",
    "top_similar_object_similarity": "top_similarity",
    "gender": "gender",
    "age": "age",
    "emotion": "emotion",
    "mask": "mask",
    "ethnic_group": "ethnic_group",
    "liveness": "liveness",
    "city": "city",
    "area": "area",
    "district": "district",
    "street": "street",
    "house_number": "house_number",
    "longitude": "longitude",
    "latitude": "latitude",
}
#: Columns min/max/avg apply to (min/max also to the times).
NUMERIC_STATS_COLUMNS = frozenset(
    {"top_similar_object_similarity", "gender", "age", "emotion", "mask", "ethnic_group", "liveness"}
    | {"longitude", "latitude"}
)
ORDERED_STATS_COLUMNS = NUMERIC_STATS_COLUMNS | {"create_time", "end_time"}
Aggregator = Literal["count", "min", "max", "avg", "group_by"]
AGGREGATORS: tuple[str, ...] = ("count", "min", "max", "avg", "group_by")
Operator = Literal["eq", "neq", "in", "nin", "like", "nlike", "gt", "gte", "lt", "lte"]
OPERATORS: tuple[str, ...] = ("eq", "neq", "in", "nin", "like", "nlike", "gt", "gte", "lt", "lte")
_COMPARISONS = {"eq": "=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

#: Frequency groupings: v6 name -> (SQLite strftime format of create_time, label per value or None).
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
FREQUENCIES: dict[str, str] = {
    "hourOfDay": "%H",
    "dayOfWeek": "%w",
    "dayOfMonth": "%d",
    "monthOfYear": "%m",
}
#: Interval dimensions in seconds (months and years are calendar units, handled apart).
INTERVAL_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class StatsTarget:
    column: str  # a key of STATS_COLUMNS
    aggregator: str  # one of AGGREGATORS


@dataclass(frozen=True)
class StatsCondition:
    """A `filters` item: column operator value (`in`/`nin`: a list; `like`: SQL LIKE pattern)."""

    column: str
    operator: str
    value: Any


@dataclass(frozen=True)
class TimeGrouping:
    """`group_by`: a frequency (FREQUENCIES key) or an interval of `count` `unit`s (s m h d w M y)."""

    frequency: str | None = None
    count: int = 1
    unit: str = "d"
    label: str = ""


@dataclass(frozen=True)
class StatsResult:
    fields: list[str]
    rows: list[list[Any]]


def _epoch_sql() -> str:
    # Seconds since 1970 of create_time (stored UTC: the first 19 characters are the UTC date-time).
    return "CAST(strftime('%s', substr(create_time, 1, 19)) AS INTEGER)"


def _group_expression(grouping: TimeGrouping) -> str:
    if grouping.frequency is not None:
        return f"CAST(strftime('{FREQUENCIES[grouping.frequency]}', substr(create_time, 1, 19)) AS INTEGER)"
    if grouping.unit == "y":
        return f"(CAST(substr(create_time, 1, 4) AS INTEGER) / {grouping.count}) * {grouping.count}"
    if grouping.unit == "M":
        months = "(CAST(substr(create_time, 1, 4) AS INTEGER) * 12 + CAST(substr(create_time, 6, 2) AS INTEGER) - 1)"
        return f"({months} / {grouping.count}) * {grouping.count}"
    seconds = INTERVAL_SECONDS[grouping.unit] * grouping.count
    # Weeks start on Monday (1970-01-01 was a Thursday: shift by 3 days).
    shift = 3 * 86400 if grouping.unit == "w" else 0
    return f"(({_epoch_sql()} + {shift}) / {seconds}) * {seconds} - {shift}"


def _group_label(grouping: TimeGrouping, value: Any) -> Any:
    if value is None:
        return None
    number = int(value)
    if grouping.frequency == "dayOfWeek":
        return _WEEKDAYS[number]
    if grouping.frequency == "monthOfYear":
        return _MONTHS[number - 1]
    if grouping.frequency is not None:
        return number
    if grouping.unit == "y":
        return f"{number:04d}-01-01T00:00:00Z"
    if grouping.unit == "M":
        return f"{number // 12:04d}-{number % 12 + 1:02d}-01T00:00:00Z"
    return datetime.fromtimestamp(number, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _condition_sql(condition: StatsCondition) -> tuple[str, list[object]]:
    column = STATS_COLUMNS[condition.column]
    op, value = condition.operator, condition.value
    if op in ("in", "nin"):
        values = list(value)
        if not values:
            return ("0" if op == "in" else "1"), []
        return f"{column} {'NOT ' if op == 'nin' else ''}IN ({marks(values)})", values
    if op in ("like", "nlike"):
        return f"{column} {'NOT ' if op == 'nlike' else ''}LIKE ?", [value]
    if value is None:
        if op == "eq":
            return f"{column} IS NULL", []
        if op == "neq":
            return f"{column} IS NOT NULL", []
    return f"{column} {_COMPARISONS[op]} ?", [value]


class EventRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- writes --------------------------------------------------------------------------------

    def insert_many(self, batch: EventWriteBatch, records: Sequence[EventRecord]) -> None:
        """New events (ids must be new); their descriptors go to LanceDB after commit."""
        conn = batch.tx.conn
        rows = [_row_of(record) for record in records]
        conn.executemany(_INSERT_SQL, rows)
        tags = [(tag, record.event_id) for record in records for tag in dict.fromkeys(record.tags)]
        if tags:
            conn.executemany("INSERT INTO event_tags (tag, event_id) VALUES (?, ?)", tags)
        for record in records:
            if record.descriptors:
                batch.set_descriptors(record.event_id, record.account_id, dict(record.descriptors))
        batch.saved(list(records))

    def delete_many(self, batch: EventWriteBatch, event_ids: Sequence[str]) -> list[str]:
        """Delete the existing events among `event_ids` (their tags with them); their descriptors leave LanceDB
        and the listeners after commit. Returns the ids deleted."""
        conn = batch.tx.conn
        deleted: list[str] = []
        with_descriptor: list[str] = []
        for start in range(0, len(event_ids), CHUNK):
            chunk: list[object] = list(event_ids[start : start + CHUNK])
            rows = conn.execute(
                f"SELECT event_id, has_descriptor FROM events WHERE event_id IN ({marks(chunk)})", chunk
            ).fetchall()
            deleted.extend(str(r[0]) for r in rows)
            with_descriptor.extend(str(r[0]) for r in rows if r[1])
            conn.execute(f"DELETE FROM events WHERE event_id IN ({marks(chunk)})", chunk)
        batch.delete_descriptors(with_descriptor)
        batch.deleted(deleted)
        return deleted

    # -- reads ---------------------------------------------------------------------------------

    def get(self, event_id: str, account_id: str | None = None) -> EventRecord | None:
        """The event (of the account when one is given)."""
        where = Where().eq("event_id", event_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM events{where.sql()}", where.params)
        return _record_of(rows[0]) if rows else None

    def exists(self, event_id: str, account_id: str | None = None) -> bool:
        where = Where().eq("event_id", event_id).eq("account_id", account_id)
        return self.db.scalar(f"SELECT 1 FROM events{where.sql()}", where.params) is not None

    def by_ids(self, event_ids: Sequence[str]) -> dict[str, EventRecord]:
        """The events among `event_ids` that exist, by id (any account)."""
        found: dict[str, EventRecord] = {}
        for start in range(0, len(event_ids), CHUNK):
            chunk: list[object] = list(event_ids[start : start + CHUNK])
            for row in self.db.query(f"SELECT * FROM events WHERE event_id IN ({marks(chunk)})", chunk):
                found[str(row["event_id"])] = _record_of(row)
        return found

    def find(self, filters: EventFilter, *, offset: int, limit: int, newest_first: bool = True) -> list[EventRecord]:
        """A page of events ordered by create_time (then event_id)."""
        where = filters.where()
        direction = "DESC" if newest_first else "ASC"
        rows = self.db.query(
            f"SELECT * FROM events{where.sql()} ORDER BY create_time {direction}, event_id {direction} "
            "LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return [_record_of(row) for row in rows]

    def count(self, filters: EventFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT COUNT(*) FROM events{where.sql()}", where.params)

    def ids(self, filters: EventFilter, *, limit: int = -1) -> list[tuple[str, str]]:
        """(event_id, account_id) of the matching events (matching candidates), at most `limit` (-1: all)."""
        where = filters.where()
        rows = self.db.connection().conn.execute(
            f"SELECT event_id, account_id FROM events{where.sql()} LIMIT ?", [*where.params, limit]
        )
        return [(str(e), str(a)) for e, a in rows]

    def descriptor_accounts(self) -> dict[str, str]:
        """event_id -> account_id of every event with a descriptor (loading the matching index)."""
        rows = self.db.connection().conn.execute("SELECT event_id, account_id FROM events WHERE has_descriptor = 1")
        return {str(e): str(a) for e, a in rows}

    def _scan_is_cheaper(self, filters: EventFilter, conditions: Sequence[StatsCondition]) -> bool:
        if filters.account_id is None or _narrows_by_index(filters, conditions):
            return False
        rows = self.db.count("SELECT COUNT(*) FROM events WHERE account_id = ?", (filters.account_id,))
        total = self.db.count("SELECT COUNT(*) FROM events")
        return rows > SCAN_SHARE * total

    def stats(
        self,
        filters: EventFilter,
        conditions: Sequence[StatsCondition],
        targets: Sequence[StatsTarget],
        grouping: TimeGrouping | None,
    ) -> StatsResult:
        """Aggregates of the matching events: time group first, then group_by columns, then the
        aggregates, each in the order given; rows ordered by the groups."""
        where = filters.where()
        for condition in conditions:
            clause, params = _condition_sql(condition)
            where.add(clause, *params)
        groups: list[tuple[str, str]] = []  # (label, SQL)
        if grouping is not None:
            groups.append((f"Group by time: {grouping.label}", _group_expression(grouping)))
        aggregates: list[tuple[str, str]] = []
        for target in targets:
            column = STATS_COLUMNS[target.column]
            label = f"{target.column}, aggregator '{target.aggregator}'"
            if target.aggregator == "group_by":
                groups.append((label, column))
            elif target.aggregator == "count":
                # event_id is never NULL: COUNT(*) counts from an index alone (30x faster than COUNT(event_id)).
                aggregates.append((label, "COUNT(*)" if column == "event_id" else f"COUNT({column})"))
            else:
                aggregates.append((label, f"{target.aggregator.upper()}({column})"))
        select = [sql for _, sql in groups] + [sql for _, sql in aggregates]
        if not select:
            return StatsResult([], [])
        covered = all(t.column in ACCOUNT_INDEX_COLUMNS for t in targets) and all(
            c.column in ACCOUNT_INDEX_COLUMNS for c in conditions
        )
        hint = " NOT INDEXED" if not covered and self._scan_is_cheaper(filters, conditions) else ""
        sql = f"SELECT {', '.join(select)} FROM events{hint}{where.sql()}"
        if groups:
            positions = ", ".join(str(i + 1) for i in range(len(groups)))
            sql += f" GROUP BY {positions} ORDER BY {positions}"
        rows = self.db.connection().conn.execute(sql, where.params).fetchall()
        result: list[list[Any]] = []
        for row in rows:
            values = list(row)
            if grouping is not None:
                values[0] = _group_label(grouping, values[0])
            result.append([_clean(v) for v in values])
        return StatsResult([label for label, _ in groups] + [label for label, _ in aggregates], result)


def _narrows_by_index(filters: EventFilter, conditions: Sequence[StatsCondition]) -> bool:
    """Whether an index other than the account's can narrow the rows (then SQLite's own plan is right)."""
    values = {name: value for name, value in filters.__dict__.items() if name != "account_id" and value is not None}
    if values:
        return True
    return any(
        c.column in _INDEXED_STATS_COLUMNS and c.operator in ("eq", "in", "gt", "gte", "lt", "lte") for c in conditions
    )


_INDEXED_STATS_COLUMNS = frozenset(
    {"event_id", "create_time", "handler_id", "source", "track_id", "top_similar_object_id", "external_id", "face_id"}
)
#: Stats columns the account index (events_account_stats) holds: stats over them never read the rows.
ACCOUNT_INDEX_COLUMNS = frozenset(
    {"event_id", "account_id", "create_time", "gender", "age", "emotion", "mask", "ethnic_group", "liveness"}
    | {"source", "handler_id"}
)
#: Share of the table above which aggregating an account's events reads the whole table in order rather than
#: its rows through the account index (random access; measured 2x slower at a quarter of the rows).
SCAN_SHARE = 0.1


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
