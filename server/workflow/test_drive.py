"""Test-drive rules (试乘试驾) that need the database: what a drive and its log may reference, when each may be
signed (only eligible, only by an escort of the store), and what starting and returning a car does.

The seed: a test drive only with a designated escort; no licence, no drive; a refusal is recorded with its
reason; the agreement is signed before the drive starts. The pure rules are in eligibility.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import localtime, moment, store_zone
from ..models import (
    AgreementTemplate,
    Blob,
    Customer,
    DemoCar,
    DriveRoute,
    DriveRules,
    LicencePhoto,
    Store,
    TestDrive,
    TestDriveLog,
    User,
    next_store_version,
    uuid7,
)
from ..models.base import as_utc
from ..records.lookup import store_record
from ..records.merge import ConflictDraft, FieldState
from ..records.mutators import Rejection, keep_conflict, put, record_id_of
from ..records.registry import REGISTRY
from ..schemas.test_drive import AgreementTemplateSchema, odometer_message
from ..storage import LocalStorage
from ..vocabularies.privacy import mask_name
from .eligibility import DEFAULT_RULES, evaluate
from .templates import load_versioned

AGREEMENTS = Path(__file__).resolve().parent.parent / "documents" / "agreements"


def _staff(user_id, store_id: int, role: str) -> User | None:
    user = db.session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**62 else None
    ok = user is not None and user.store_id == store_id and user.role == role and user.active
    return user if ok else None


def rules_of(store_id: int) -> DriveRules | None:
    """The store's eligibility table."""
    return db.session.scalar(select(DriveRules).where(DriveRules.store_id == store_id, DriveRules.deleted.is_(False)))


def store_today() -> date:
    """Today in the store's time zone."""
    return datetime.now(store_zone()).date()


def check_test_drive(values: dict, store_id: int, _current: dict | None = None) -> dict[str, list[str]]:
    """Customer, car, route, template, escort and consultant belong to this store."""
    problems: dict[str, list[str]] = {}
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    if "demo_car_id" in values and store_record(DemoCar, values["demo_car_id"], store_id) is None:
        problems["demo_car_id"] = [_("Choose a test-drive car of this store.")]
    if values.get("route_id") and store_record(DriveRoute, values["route_id"], store_id) is None:
        problems["route_id"] = [_("Choose a route of this store.")]
    if (
        values.get("agreement_template_id")
        and store_record(AgreementTemplate, values["agreement_template_id"], store_id) is None
    ):
        problems["agreement_template_id"] = [_("Unknown agreement.")]
    if "escort_id" in values and _staff(values["escort_id"], store_id, "escort") is None:
        problems["escort_id"] = [_("Choose an escort of this store.")]
    if values.get("consultant_id") is not None and _staff(values["consultant_id"], store_id, "consultant") is None:
        problems["consultant_id"] = [_("Choose a consultant of this store.")]
    return problems


def _rules_dict(rules: DriveRules | None) -> dict:
    return {**DEFAULT_RULES, **(rules.values() if rules else {})}


def drive_day(checked_at: str | None) -> date:
    """The day the rules are judged on: the check's date on the device, unless it is more than a week from the
    server's today (a wrong device clock), then the server's."""
    today = store_today()
    at = moment(checked_at)
    day = at.astimezone(store_zone()).date() if at is not None else None
    return day if day is not None and abs((day - today).days) <= 7 else today


def ready_to_sign_drive(values: dict, store_id: int, _signed_at: str = "") -> dict[str, list[str]]:
    """An agreement is signed only when agreed, accepted under this store's template, and eligible by the
    store's rules recomputed here (from the fields the tablet sent — never the full licence number)."""
    problems: dict[str, list[str]] = {}
    if values.get("outcome") != "agreed":
        problems["outcome"] = [_("Only an agreed test drive can be signed.")]
    template = store_record(AgreementTemplate, values.get("agreement_template_id"), store_id)
    if template is None or template.template_version != values.get("agreement_version"):
        problems["agreement_template_id"] = [_("Show the customer this store's agreement.")]
    if not values.get("agreement_accepted"):
        problems["agreement_accepted"] = [_("The customer must accept the agreement.")]
    data = {**values, "licence_number": None, "vehicle_available": True}
    reasons = evaluate(_rules_dict(rules_of(store_id)), data, drive_day(values.get("checked_at")))
    if reasons:
        problems["eligibility"] = reasons
    return problems


def _signer_is_escort(ctx, escort_id) -> None:
    if ctx.user.role != "escort" or ctx.user.store_id != ctx.store_id or ctx.user.id != escort_id:
        raise Rejection("escort_required", _("Only the escort of this drive can sign it."), {"signatures": ["escort"]})


def on_signed_drive(ctx, drive: TestDrive, values: dict) -> None:
    """The signer must be the drive's escort (the seed: only with a designated escort)."""
    _signer_is_escort(ctx, drive.escort_id)


def check_log(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """The log names an agreement, car and route of this store, and the agreement's car (the stored agreement when
    only the car is sent)."""
    problems: dict[str, list[str]] = {}
    drive_id = values.get("test_drive_id", (current or {}).get("test_drive_id"))
    drive = store_record(TestDrive, drive_id, store_id)
    if "test_drive_id" in values and drive is None:
        problems["test_drive_id"] = [_("Unknown test drive.")]
    if "demo_car_id" in values:
        if store_record(DemoCar, values["demo_car_id"], store_id) is None:
            problems["demo_car_id"] = [_("Choose a test-drive car of this store.")]
        elif drive is not None and drive.demo_car_id != values["demo_car_id"]:
            problems["demo_car_id"] = [_("This is not the car of the agreement.")]
    if values.get("route_id") and store_record(DriveRoute, values["route_id"], store_id) is None:
        problems["route_id"] = [_("Choose a route of this store.")]
    return problems


def check_photo(values: dict, store_id: int, _current: dict | None = None) -> dict[str, list[str]]:
    """A licence photo belongs to a drive of this store."""
    if "test_drive_id" in values and store_record(TestDrive, values["test_drive_id"], store_id) is None:
        return {"test_drive_id": [_("Unknown test drive.")]}
    return {}


def ready_to_sign_log(values: dict, store_id: int, _signed_at: str = "") -> dict[str, list[str]]:
    """A log is sealed after return: started and ended, the end odometer not below the start, under a sealed
    agreement."""
    problems: dict[str, list[str]] = {}
    drive = store_record(TestDrive, values.get("test_drive_id"), store_id)
    if drive is None or not drive.sealed or drive.outcome != "agreed":
        problems["test_drive_id"] = [_("The agreement is not signed yet.")]
    for name in ("start_at", "start_odometer_km", "end_at", "end_odometer_km"):
        if values.get(name) is None:
            problems[name] = [_("This field is required.")]
    start, end = values.get("start_odometer_km"), values.get("end_odometer_km")
    if start is not None and end is not None and end < start:
        problems["end_odometer_km"] = [odometer_message(start)]
    return problems


def on_signed_log(ctx, log: TestDriveLog, values: dict) -> None:
    """The signer is the drive's escort; sealing closes the drive (the car comes back if it is still out)."""
    drive = db.session.get(TestDrive, log.test_drive_id)
    _signer_is_escort(ctx, drive.escort_id)
    car = db.session.get(DemoCar, log.demo_car_id)
    if car.current_drive_id == log.test_drive_id:
        _car_back(ctx, car, log.end_odometer_km)


def _car_back(ctx, car: DemoCar, end_km: int | None) -> None:
    changes = {"status": "available", "current_drive_id": None, "out_since": None, "out_by": None}
    if end_km is not None and end_km > car.odometer_km:
        changes["odometer_km"] = end_km
    car.apply(changes, ctx.version, ctx.origin)


# --- named mutators: test_drive.start and test_drive.return -------------------------------------------


def _log_put(ctx, args: dict, required: tuple[str, ...]) -> TestDriveLog:
    if not isinstance(args, dict) or args.get("entity") != "test_drive_log" or not isinstance(args.get("set"), dict):
        raise Rejection("invalid", _("The change is not of the protocol's shape."), {"entity": ["test_drive_log"]})
    missing = {name: [_("This field is required.")] for name in required if args["set"].get(name) is None}
    if missing:
        raise Rejection("invalid", _("Some fields are missing or invalid."), missing)
    put(ctx, args)
    db.session.flush()
    return db.session.get(TestDriveLog, record_id_of(args))


def fleet_readings(store_id: int) -> dict[str, int]:
    """vehicle id → odometer of each vehicle that is a test-drive car. A fleet car's reading lives on its
    `demo_car` (the office edits it there, every start and return moves it on); the vehicle row's own
    `odometer_km` is a stock car's reading only, so the vehicles page reads a fleet car's from here."""
    rows = db.session.execute(
        select(DemoCar.vehicle_id, DemoCar.odometer_km).where(
            DemoCar.store_id == store_id, DemoCar.vehicle_id.is_not(None), DemoCar.deleted.is_(False)
        )
    )
    return {vehicle_id: km for vehicle_id, km in rows}


def reading_message(km: int) -> str:
    """The field error of a start odometer below the car's last known reading (the fleet record's odometer, which
    every start and return moves on)."""
    return _("The odometer cannot be below the car's last reading (%(km)s km).", km=km)


def start(ctx, args: dict) -> list[str]:
    """Start a drive: store the log's start, take the car out. A car already out (or in maintenance) is still
    taken — both drives are kept — and the clash becomes a conflict both escorts see (SYNC_PROTOCOL rule 4)."""
    set_ = args.get("set") if isinstance(args, dict) else None
    drive_id = set_.get("test_drive_id") if isinstance(set_, dict) else None
    drive = store_record(TestDrive, drive_id, ctx.store_id)
    if drive is None or not drive.sealed or drive.outcome != "agreed":
        raise Rejection(
            "not_agreed",
            _("The agreement must be signed before the drive starts."),
            {"test_drive_id": [_("The agreement is not signed yet.")]},
        )
    log = _log_put(ctx, args, ("test_drive_id", "demo_car_id", "start_at", "start_odometer_km"))
    car = db.session.get(DemoCar, log.demo_car_id)
    if log.start_odometer_km < car.odometer_km:
        # raised after the put: this mutator runs in its own savepoint, so nothing of it is kept
        message = reading_message(car.odometer_km)
        raise Rejection("invalid", message, {"start_odometer_km": [message]})
    entity = REGISTRY["demo_car"]
    conflicts = []
    versions, origins = car.field_versions or {}, car.field_origins or {}
    if car.status == "out" and car.current_drive_id not in (None, drive.id):
        old = FieldState(car.current_drive_id, versions.get("current_drive_id", 0), origins.get("current_drive_id"))
        conflicts.append(ConflictDraft("current_drive_id", old.version, old, drive.id))
    elif car.status in ("maintenance", "retired"):
        old = FieldState(car.status, versions.get("status", 0), origins.get("status"))
        conflicts.append(ConflictDraft("status", old.version, old, "out"))
    taken = {"status": "out", "current_drive_id": drive.id, "out_since": log.start_at, "out_by": ctx.user.display_name}
    taken["odometer_km"] = log.start_odometer_km  # not below it (above): the car's new last known reading
    car.apply(taken, ctx.version, ctx.origin)
    db.session.flush()
    return [keep_conflict(ctx, entity, car.id, draft) for draft in conflicts]


def return_(ctx, args: dict) -> list[str]:
    """Return the car: store the log's end (odometer not below the start), make the car available again with
    its odometer moved on — unless another drive has it out by now (then only the odometer moves)."""
    log = store_record(TestDriveLog, record_id_of(args), ctx.store_id)
    if log is None or log.start_at is None:
        raise Rejection("not_started", _("This drive has not started."), {"id": [_("Unknown drive.")]})
    log = _log_put(ctx, args, ("end_at", "end_odometer_km"))
    if log.start_odometer_km is not None and log.end_odometer_km < log.start_odometer_km:
        # raised after the put: this mutator runs in its own savepoint, so nothing of it is kept
        raise Rejection(
            "invalid",
            _("Some fields are missing or invalid."),
            {"end_odometer_km": [odometer_message(log.start_odometer_km)]},
        )
    car = db.session.get(DemoCar, log.demo_car_id)
    if car.current_drive_id == log.test_drive_id:
        _car_back(ctx, car, log.end_odometer_km)
    elif log.end_odometer_km is not None and log.end_odometer_km > car.odometer_km:
        car.apply({"odometer_km": log.end_odometer_km}, ctx.version, ctx.origin)
    return []


# --- provisioning --------------------------------------------------------------------------------------


def load_agreement(store: Store, path: Path) -> AgreementTemplate:
    """Add an agreement template file to a store as a new version (or find the same version)."""
    return load_versioned(store, AgreementTemplate, AgreementTemplateSchema, path)


def provision(store: Store) -> DriveRules:
    """The shipped agreement(s) and default rules for a store; existing rules are kept (idempotent)."""
    templates = [load_agreement(store, path) for path in sorted(AGREEMENTS.glob("*.json"))]
    rules = rules_of(store.id)
    if rules is None:
        rules = DriveRules(id=uuid7(), store_id=store.id)
        latest = max(templates, key=lambda t: t.template_version) if templates else None
        rules.apply(
            {**DEFAULT_RULES, "agreement_template_id": latest.id if latest else None}, next_store_version(store.id)
        )
        db.session.add(rules)
        db.session.flush()
    return rules


def retention_cutoff(rules: DriveRules | None, now: datetime) -> datetime:
    """Licence photos that arrived before this moment are past the store's retention period."""
    days = rules.licence_photo_retention_days if rules else DEFAULT_RULES["licence_photo_retention_days"]
    return now - timedelta(days=days)


def purge_licence_photos(now: datetime) -> int:
    """Delete licence photos past their store's retention period: the blob (bytes and the store's hold on them)
    and the reference (the record is emptied and tombstoned). Returns how many; the caller commits.

    PIPL Art. 19/47: kept only as long as needed (domain.md §8.2). `now` is passed in so tests control the clock.
    """
    storage = LocalStorage(current_app.config["STORAGE_DIR"])
    purged = 0
    for store in db.session.scalars(select(Store)).all():
        cutoff = retention_cutoff(rules_of(store.id), now)
        photos = db.session.scalars(
            select(LicencePhoto).where(LicencePhoto.store_id == store.id, LicencePhoto.deleted.is_(False))
        ).all()
        for record in [p for p in photos if as_utc(p.created_at) < cutoff]:
            sha256 = record.photo
            version = next_store_version(store.id)
            record.apply({"photo": None}, version, "server")
            record.deleted = True
            record.field_versions = {**(record.field_versions or {}), "deleted": version}
            db.session.flush()
            still_used = sha256 and db.session.scalar(
                select(LicencePhoto.id).where(LicencePhoto.store_id == store.id, LicencePhoto.photo == sha256)
            )
            if sha256 and not still_used:
                blob = db.session.get(Blob, (store.id, sha256))
                if blob is not None:
                    db.session.delete(blob)
                    db.session.flush()
                if db.session.scalar(select(Blob.sha256).where(Blob.sha256 == sha256)) is None:
                    storage.path(sha256).unlink(missing_ok=True)
            purged += 1
    return purged


def describe_value(entity: str, field: str, value) -> str | None:
    """A conflict value people can read where the raw one is an id: the drive that has a car out is shown as
    its customer (surname only), escort and start. None when there is nothing to describe."""
    if entity != "demo_car" or field != "current_drive_id" or not isinstance(value, str):
        return None
    drive = db.session.get(TestDrive, value)
    if drive is None:
        return None
    escort = db.session.get(User, drive.escort_id)
    log = db.session.scalar(select(TestDriveLog).where(TestDriveLog.test_drive_id == drive.id))
    started = localtime(log.start_at) if log is not None and log.start_at else "—"
    return _(
        "Drive of %(customer)s with %(escort)s, out since %(start)s",
        customer=mask_name(drive.customer_name),
        escort=escort.display_name if escort else "—",
        start=started,
    )
