"""Test drives (试乘试驾): the fleet, routes, the store's eligibility rules, the agreement text, the drive
(agreement + eligibility, sealed by signing), the drive log (sealed at return) and consented licence photos.

Contract with the tablet: /tmp/team/contract-5.md, summarised in README.md ("Test drives").
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import AwaitsBlobs, SyncMixin

CAR_STATUSES = ("available", "out", "maintenance", "retired")
TRANSMISSIONS = ("automatic", "manual")
ENERGIES = ("fuel", "electric", "plugin")
DRIVE_KINDS = ("ride", "drive", "ride_drive")
OUTCOMES = ("pending", "agreed", "refused")


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class DemoCar(SyncMixin, db.Model):
    """A car of the test-drive fleet (试驾车). Office-managed; the server moves it out and back in."""

    __tablename__ = "demo_car"
    __table_args__ = (
        UniqueConstraint("store_id", "vin"),
        _in("status", CAR_STATUSES),
        CheckConstraint("odometer_km >= 0", name="odometer_nonnegative"),
    )
    SYNC_FIELDS = (
        "vehicle_id",
        "plate",
        "vin",
        "trim_id",
        "description",
        "colour",
        "transmission",
        "energy",
        "status",
        "keys",
        "odometer_km",
        "current_drive_id",
        "out_since",
        "out_by",
        "insurance_until",
        "notes",
    )

    vehicle_id: Mapped[str | None] = mapped_column(ForeignKey("vehicle.id"))
    plate: Mapped[str] = mapped_column(String(16), default="")
    vin: Mapped[str] = mapped_column(String(17))
    trim_id: Mapped[str] = mapped_column(ForeignKey("trim.id"))
    description: Mapped[str] = mapped_column(String(200), default="")
    colour: Mapped[str] = mapped_column(String(60), default="")
    transmission: Mapped[str] = mapped_column(String(16), default="automatic")
    energy: Mapped[str] = mapped_column(String(16), default="fuel")
    status: Mapped[str] = mapped_column(String(16), default="available")
    keys: Mapped[str] = mapped_column(String(120), default="")
    odometer_km: Mapped[int] = mapped_column(Integer, default=0)
    current_drive_id: Mapped[str | None] = mapped_column(String(36))
    out_since: Mapped[str | None] = mapped_column(String(40))
    #: The escort who has it out (display name), for "who has the car" on tablets that pull no users.
    out_by: Mapped[str | None] = mapped_column(String(80))
    insurance_until: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")


class DriveRoute(SyncMixin, db.Model):
    """A named test-drive route with its planned distance (试驾路线)."""

    __tablename__ = "drive_route"
    SYNC_FIELDS = ("name", "distance_km", "description", "active")

    name: Mapped[str] = mapped_column(String(80))
    distance_km: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DriveRules(SyncMixin, db.Model):
    """The store's eligibility table (one per store); tablets evaluate it offline (server/workflow/eligibility.py)."""

    __tablename__ = "drive_rules"
    SYNC_FIELDS = (
        "min_age",
        "refuse_probation",
        "probation_months",
        "min_experience_years",
        "escort_required",
        "class_coverage",
        "licence_photo_retention_days",
        "agreement_template_id",
    )

    min_age: Mapped[int] = mapped_column(Integer, default=18)
    refuse_probation: Mapped[bool] = mapped_column(Boolean, default=True)
    probation_months: Mapped[int] = mapped_column(Integer, default=12)
    min_experience_years: Mapped[int] = mapped_column(Integer, default=0)
    escort_required: Mapped[bool] = mapped_column(Boolean, default=True)
    class_coverage: Mapped[dict] = mapped_column(JSON, default=dict)
    licence_photo_retention_days: Mapped[int] = mapped_column(Integer, default=30)
    agreement_template_id: Mapped[str | None] = mapped_column(String(36))


class AgreementTemplate(SyncMixin, db.Model):
    """A version of the test-drive agreement text (试乘试驾协议书); a drive keeps the version it was signed under."""

    __tablename__ = "agreement_template"
    __table_args__ = (UniqueConstraint("store_id", "key", "template_version"),)
    SYNC_FIELDS = ("key", "template_version", "title", "clauses", "photo_consent")

    key: Mapped[str] = mapped_column(String(32))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)  # {"zh_CN": …, "en": …}
    clauses: Mapped[list] = mapped_column(JSON)  # [{code, title{…}, text{…}}]
    photo_consent: Mapped[dict] = mapped_column(JSON)  # {"version": …, "text": {"zh_CN": …, "en": …}}


class TestDrive(SyncMixin, db.Model):
    """The eligibility check and the agreement: refused with reasons, or agreed and sealed by the signatures of
    customer and escort. The full licence number never reaches the server (PIPL): only a masked one."""

    __tablename__ = "test_drive"
    __test__ = False  # not a pytest class
    __table_args__ = (_in("outcome", OUTCOMES), _in("kind", DRIVE_KINDS))
    SYNC_FIELDS = (
        "customer_id",
        "customer_name",
        "driver_is_customer",
        "driver_name",
        "driver_phone",
        "consultant_id",
        "escort_id",
        "demo_car_id",
        "route_id",
        "kind",
        "checked_at",
        "has_licence",
        "licence_document_type",
        "licence_masked",
        "licence_verified",
        "licence_class",
        "vehicle_class",
        "licence_valid_to",
        "licence_first_issued",
        "driver_age",
        "escort_present",
        "eligibility_reasons",
        "outcome",
        "refusal_reasons",
        "refusal_note",
        "agreement_template_id",
        "agreement_version",
        "agreement_accepted",
        "notes",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(80), default="")
    driver_is_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    driver_name: Mapped[str] = mapped_column(String(80), default="")
    driver_phone: Mapped[str] = mapped_column(String(20), default="")
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    escort_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    demo_car_id: Mapped[str] = mapped_column(ForeignKey("demo_car.id"), index=True)
    route_id: Mapped[str | None] = mapped_column(ForeignKey("drive_route.id"))
    kind: Mapped[str] = mapped_column(String(16), default="ride_drive")
    checked_at: Mapped[str | None] = mapped_column(String(40))
    has_licence: Mapped[bool] = mapped_column(Boolean, default=True)
    licence_document_type: Mapped[str] = mapped_column(String(16), default="mainland_id")
    licence_masked: Mapped[str] = mapped_column(String(32), default="")
    licence_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    licence_class: Mapped[str] = mapped_column(String(4), default="")
    vehicle_class: Mapped[str] = mapped_column(String(4), default="C2")
    licence_valid_to: Mapped[str | None] = mapped_column(String(10))
    licence_first_issued: Mapped[str | None] = mapped_column(String(10))
    driver_age: Mapped[int | None] = mapped_column(Integer)
    escort_present: Mapped[bool] = mapped_column(Boolean, default=False)
    eligibility_reasons: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    refusal_reasons: Mapped[list] = mapped_column(JSON, default=list)
    refusal_note: Mapped[str] = mapped_column(String(500), default="")
    agreement_template_id: Mapped[str | None] = mapped_column(ForeignKey("agreement_template.id"))
    agreement_version: Mapped[int | None] = mapped_column(Integer)
    agreement_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Set by the `sign` mutator; a database trigger refuses any later change to a sealed row.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)


class TestDriveLog(AwaitsBlobs, SyncMixin, db.Model):
    """What happened on the drive: out (time, odometer, energy, damage already there), back in (the same, and
    incidents), and the customer's feedback. Sealing it closes the drive."""

    __tablename__ = "test_drive_log"
    __test__ = False
    SYNC_FIELDS = (
        "test_drive_id",
        "demo_car_id",
        "route_id",
        "start_at",
        "start_odometer_km",
        "start_fuel_pct",
        "start_charge_pct",
        "damage_before",
        "end_at",
        "end_odometer_km",
        "end_fuel_pct",
        "end_charge_pct",
        "damage_after",
        "incidents",
        "feedback",
        "notes",
    )

    test_drive_id: Mapped[str] = mapped_column(ForeignKey("test_drive.id"), index=True)
    demo_car_id: Mapped[str] = mapped_column(ForeignKey("demo_car.id"), index=True)
    route_id: Mapped[str | None] = mapped_column(ForeignKey("drive_route.id"))
    start_at: Mapped[str | None] = mapped_column(String(40))
    start_odometer_km: Mapped[int | None] = mapped_column(Integer)
    start_fuel_pct: Mapped[int | None] = mapped_column(Integer)
    start_charge_pct: Mapped[int | None] = mapped_column(Integer)
    damage_before: Mapped[list] = mapped_column(JSON, default=list)
    end_at: Mapped[str | None] = mapped_column(String(40))
    end_odometer_km: Mapped[int | None] = mapped_column(Integer)
    end_fuel_pct: Mapped[int | None] = mapped_column(Integer)
    end_charge_pct: Mapped[int | None] = mapped_column(Integer)
    damage_after: Mapped[list] = mapped_column(JSON, default=list)
    incidents: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)


class LicencePhoto(AwaitsBlobs, SyncMixin, db.Model):
    """A photo of the driving licence, kept only with the customer's separate consent (单独同意, PIPL Art. 29)
    and deleted — blob and reference — after the store's retention period. Never pulled by tablets."""

    __tablename__ = "licence_photo"
    SYNC_FIELDS = ("test_drive_id", "photo", "consent", "consent_version", "taken_at")

    test_drive_id: Mapped[str] = mapped_column(ForeignKey("test_drive.id"), index=True)
    photo: Mapped[str | None] = mapped_column(String(64))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_version: Mapped[str] = mapped_column(String(32), default="")
    taken_at: Mapped[str | None] = mapped_column(String(40))
