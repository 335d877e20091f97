"""What the office sees of test drives: each drive's state, today's drives, and the figures of domain.md §3.5
and §7 (drives per consultant and per model, refusals by reason, the test-drive rate over the visit log)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..i18n import moment, store_zone
from ..models import DemoCar, Document, DriveRoute, TestDrive, TestDriveLog, User, Visit
from ..vocabularies.visits import SALES_PURPOSES
from .eligibility import distance_warning


@dataclass
class DriveRow:
    """One drive as the office lists it."""

    drive: TestDrive
    log: TestDriveLog | None
    car: DemoCar | None
    escort: str
    consultant: str
    state: str  # refused | draft | signed | out | returned | closed
    document: Document | None  # the full PDF's (log) document, else the agreement's
    far: bool


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a store-local day starts and ends (UTC: SQLite compares stored UTC text)."""
    start = datetime.combine(day, time.min, tzinfo=store_zone()).astimezone(UTC)
    return start, start + timedelta(days=1)


def drive_state(drive: TestDrive, log: TestDriveLog | None) -> str:
    """Where a drive stands, from its records."""
    if drive.outcome == "refused":
        return "refused"
    if not drive.sealed:
        return "draft"
    if log is None or log.start_at is None:
        return "signed"
    if log.sealed:
        return "closed"
    return "returned" if log.end_at else "out"


def drive_rows(store_id: int, since: datetime | None = None, until: datetime | None = None) -> list[DriveRow]:
    """The store's drives (newest first), with their logs, cars, people and documents."""
    query = select(TestDrive).where(TestDrive.store_id == store_id, TestDrive.deleted.is_(False))
    if since is not None:
        query = query.where(TestDrive.created_at >= since)
    if until is not None:
        query = query.where(TestDrive.created_at < until)
    drives = db.session.scalars(query.order_by(TestDrive.created_at.desc()).limit(500)).all()
    ids = [d.id for d in drives]
    logs = {
        log.test_drive_id: log
        for log in db.session.scalars(select(TestDriveLog).where(TestDriveLog.test_drive_id.in_(ids)))
    }
    docs: dict[str, Document] = {}
    record_ids = ids + [log.id for log in logs.values()]
    for doc in db.session.scalars(select(Document).where(Document.record_id.in_(record_ids))):
        docs[doc.record_id] = doc
    cars = {c.id: c for c in db.session.scalars(select(DemoCar).where(DemoCar.store_id == store_id))}
    people = {u.id: u.display_name for u in db.session.scalars(select(User).where(User.store_id == store_id))}
    rows = []
    for drive in drives:
        log = logs.get(drive.id)
        document = docs.get(log.id) if log is not None and log.id in docs else docs.get(drive.id)
        route_km = None
        if log is not None and (log.route_id or drive.route_id):
            route = db.session.get(DriveRoute, log.route_id or drive.route_id)
            route_km = route.distance_km if route else None
        rows.append(
            DriveRow(
                drive=drive,
                log=log,
                car=cars.get(drive.demo_car_id),
                escort=people.get(drive.escort_id, "—"),
                consultant=people.get(drive.consultant_id, "—"),
                state=drive_state(drive, log),
                document=document,
                far=bool(log) and distance_warning(log.start_odometer_km, log.end_odometer_km, route_km),
            )
        )
    return rows


def todays_drives(store_id: int, today: date) -> list[DriveRow]:
    """Drives checked today, and any drive still on the road whatever its day."""
    start, end = day_bounds(today)
    rows = drive_rows(store_id, start, end)
    seen = {row.drive.id for row in rows}
    older_out = [row for row in drive_rows(store_id, None, start) if row.state == "out" and row.drive.id not in seen]
    return older_out + rows


@dataclass
class Figures:
    """The period's figures."""

    drives: int
    refusals: int
    per_consultant: list[tuple[str, int]]
    per_model: list[tuple[str, int]]
    per_escort: list[tuple[str, int]]
    refusal_reasons: list[tuple[str, int]]
    avg_distance_km: float | None
    avg_minutes: float | None
    far_from_route: int
    #: the test-drive rate's denominator: showroom visits of customers on file (domain.md §7, 到店客户试驾率)
    visits: int
    drive_rate: float | None


def showroom_visits(store_id: int, first: date, last: date) -> int:
    """Sales visits to the showroom between `first` and `last` (store-local days) of customers on file — recorded
    first visits, invited first visits and repeat visits (domain.md §7, 到店客户试驾率); phone-ins and visitors who
    left no details do not count."""
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    rows = db.session.scalars(
        select(Visit).where(
            Visit.store_id == store_id,
            Visit.deleted.is_(False),
            Visit.customer_id.is_not(None),
            Visit.kind.in_(("walk_in", "invited")),
            Visit.purpose.in_(SALES_PURPOSES),
        )
    ).all()
    return sum(1 for v in rows if (at := moment(v.arrived_at)) is not None and start <= at < end)


def figures(store_id: int, first: date, last: date) -> Figures:
    """Drives (signed agreements) and refusals checked between `first` and `last` (store-local days)."""
    rows = drive_rows(store_id, day_bounds(first)[0], day_bounds(last)[1])
    drives = [r for r in rows if r.drive.sealed and r.drive.outcome == "agreed"]
    refusals = [r for r in rows if r.drive.outcome == "refused"]
    distances = [
        r.log.end_odometer_km - r.log.start_odometer_km
        for r in drives
        if r.log and r.log.end_odometer_km is not None and r.log.start_odometer_km is not None
    ]
    minutes = [
        (end - start).total_seconds() / 60
        for r in drives
        if r.log and (start := moment(r.log.start_at)) is not None and (end := moment(r.log.end_at)) is not None
    ]
    reasons = Counter(code for r in refusals for code in r.drive.refusal_reasons or [])
    visits = showroom_visits(store_id, first, last)
    return Figures(
        drives=len(drives),
        refusals=len(refusals),
        per_consultant=Counter(r.consultant for r in drives).most_common(),
        per_model=Counter(r.car.description if r.car else "—" for r in drives).most_common(),
        per_escort=Counter(r.escort for r in drives).most_common(),
        refusal_reasons=reasons.most_common(),
        avg_distance_km=round(sum(distances) / len(distances), 1) if distances else None,
        avg_minutes=round(sum(minutes) / len(minutes)) if minutes else None,
        far_from_route=sum(1 for r in drives if r.far),
        visits=visits,
        drive_rate=round(len(drives) / visits, 3) if visits else None,
    )
