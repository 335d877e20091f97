"""The customer file as one timeline (the office's customer page; the tablet draws the same from IndexedDB in
web/js/customers/timeline.js): every record that names the customer — needs analyses, walk-arounds, test drives
and refusals, handovers with their documents, follow-ups, grade changes — and the conflicts on any of them, newest
first, each at the best event time we have: the device's time of the event when the record carries one (its own
field, else `device_created_at`, when a tablet made it), else the server's receipt.

A new kind of entry is one more `Kind` in KINDS and one branch in templates/office/_customer_timeline.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import localtime, store_zone
from ..i18n import moment as stored_moment
from ..models import (
    Conflict,
    Delivery,
    Document,
    FollowUp,
    GradeChange,
    NeedsAnalysis,
    OwnershipChange,
    TestDrive,
    TestDriveLog,
    User,
    Visit,
    Walkaround,
)


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: its kind, the record, when (`at`: a datetime, ISO text or a date text), and
    what else the line shows (`extra`: the record's document, its log, …)."""

    kind: str
    record: Any
    at: object
    extra: dict = field(default_factory=dict)

    @property
    def moment(self) -> datetime:
        """`at` as an aware datetime to sort by (a date alone: its start in the store's time zone)."""
        return moment(self.at)

    @property
    def stamp(self) -> str:
        """The moment in UTC as ISO text (its order is the timeline's)."""
        return self.moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Kind:
    """A kind of entry: its model (with `customer_id`), what each record brings along (`extras`: records → {id:
    extra}), and its best event time (`at`: record, extra → moment)."""

    name: str
    model: type
    at: Callable[[Any, dict], object]
    extras: Callable[[list], dict[str, dict]] = lambda _records: {}


def _documents(entity: str, ids: list[str]) -> dict[str, Document]:
    """The newest document of each record (its sealed PDF), by record id."""
    rows = db.session.scalars(
        select(Document).where(Document.entity == entity, Document.record_id.in_(ids)).order_by(Document.version)
    ).all()
    return {d.record_id: d for d in rows}


def _drive_extras(drives: list) -> dict[str, dict]:
    ids = [d.id for d in drives]
    logs = {
        log.test_drive_id: log
        for log in db.session.scalars(select(TestDriveLog).where(TestDriveLog.test_drive_id.in_(ids))).all()
    }
    sealed = _documents("test_drive_log", [log.id for log in logs.values()])
    agreed = _documents("test_drive", ids)
    return {
        d.id: {"log": logs.get(d.id), "document": sealed.get(getattr(logs.get(d.id), "id", None)) or agreed.get(d.id)}
        for d in drives
    }


def _delivery_extras(deliveries: list) -> dict[str, dict]:
    documents = _documents("delivery", [d.id for d in deliveries])
    return {d.id: {"document": documents.get(d.id)} for d in deliveries}


def _drive_at(drive: TestDrive, extra: dict) -> object:
    log = extra.get("log")
    return (log.start_at if log else None) or drive.checked_at or drive.happened_at


def _delivery_at(delivery: Delivery, extra: dict) -> object:
    document = extra.get("document")
    return (document.signed_at if document else None) or delivery.happened_at


#: Every kind of record a customer file shows, in no particular order (the timeline sorts by time).
KINDS: tuple[Kind, ...] = (
    Kind("needs_analysis", NeedsAnalysis, lambda r, _x: r.answered_at or r.happened_at),
    Kind("walkaround", Walkaround, lambda r, _x: r.started_at or r.happened_at),
    Kind("test_drive", TestDrive, _drive_at, _drive_extras),
    Kind("delivery", Delivery, _delivery_at, _delivery_extras),
    # a follow-up still to make sits where it was planned (its due date is shown), not in the future
    Kind("follow_up", FollowUp, lambda r, _x: r.done_at or r.happened_at),
    Kind("grade_change", GradeChange, lambda r, _x: r.changed_at or r.happened_at),
    Kind("visit", Visit, lambda r, _x: r.arrived_at),
    Kind("ownership_change", OwnershipChange, lambda r, _x: r.at),
)


def moment(value: object) -> datetime:
    """An aware datetime of a moment as records keep it (i18n.moment: a datetime, or ISO text read in the store's
    time zone when it has no offset), a date alone at its start in the store's time zone; the earliest moment
    when there is none."""
    at = stored_moment(value)
    if at is not None:
        return at
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.combine(date.fromisoformat(value), time(), store_zone())
        except ValueError:
            pass
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time(), store_zone())
    return datetime.min.replace(tzinfo=UTC)


def timeline_time(value: object) -> str:
    """A timeline entry's time for people: the store's one time filter (i18n.localtime: the store's time zone, a
    date alone as it is). The one place the timeline formats a time."""
    return localtime(value)


def timeline(customer) -> list[Entry]:
    """Every entry of `customer`'s file, newest first: its records of every kind, then the conflicts on the
    customer and on any of those records."""
    entries: list[Entry] = []
    for kind in KINDS:
        model = kind.model
        records = db.session.scalars(
            select(model).where(model.customer_id == customer.id, model.deleted.is_(False))
        ).all()
        extras = kind.extras(records) if records else {}
        entries += [Entry(kind.name, r, kind.at(r, extras.get(r.id, {})), extras.get(r.id, {})) for r in records]
    ids = [customer.id] + [e.record.id for e in entries]
    conflicts = db.session.scalars(
        select(Conflict).where(
            Conflict.store_id == customer.store_id, Conflict.record_id.in_(ids), Conflict.deleted.is_(False)
        )
    ).all()
    entries += [Entry("conflict", c, c.created_at) for c in conflicts]
    # entries of one moment (the follow-ups a handover opened) by their own date, the latest first
    return sorted(entries, key=lambda e: (e.moment, str(getattr(e.record, "due_date", "") or "")), reverse=True)


def names_of(entries: list[Entry]) -> dict[int, str]:
    """Display names of the people the entries name (consultants, escorts, who changed a grade, who signed)."""
    ids = set()
    for e in entries:
        r = e.record
        ids |= {getattr(r, "consultant_id", None), getattr(r, "escort_id", None), getattr(r, "changed_by", None)}
        ids |= {getattr(r, "from_id", None), getattr(r, "to_id", None), getattr(r, "decided_by", None)}
        if e.extra.get("document") is not None:
            ids.add(e.extra["document"].signed_by)
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
