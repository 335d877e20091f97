"""Test-drive schemas: what tablets may write (drive, log, licence photo) and read (fleet, routes, rules, the
agreement text), and the office forms for the fleet, routes and rules. Contract: README.md "Test drives"."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..models.test_drive import CAR_STATUSES, DRIVE_KINDS, ENERGIES, OUTCOMES, TRANSMISSIONS
from ..vocabularies.test_drive import LICENCE_CLASSES, REASONS
from .delivery import DATE, SHA256
from .fields import INTEGER, REQUIRED, BlobRef, Moment, Trimmed, choice, integer, number, text

DATETIME = validate.Regexp(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$",
    error=_l("Use a date and time like 2026-12-31T14:30."),
)
PHONE = validate.Regexp(r"^(1[3-9]\d{9})?$", error=_l("Enter an 11-digit mobile number starting with 1."))
ASPECTS = (
    "exterior",
    "interior",
    "space",
    "power",
    "braking",
    "handling",
    "comfort",
    "nvh",
    "infotainment",
    "assistance",
    "economy",
    "service",
)
INTENTIONS = ("now", "week", "month", "not_now", "")


def _real_date(value: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:  # a str, not a lazy string: marshmallow extends its list with the message
        raise ValidationError(gettext("Use a date like 2026-12-31.")) from None


def _real_datetime(value: str) -> None:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(gettext("Use a date and time like 2026-12-31T14:30.")) from None


def date_field(**kwargs) -> fields.String:
    """A `YYYY-MM-DD` calendar date (or null)."""
    return fields.String(
        allow_none=True, load_default=None, validate=[DATE, _real_date], error_messages=REQUIRED, **kwargs
    )


def datetime_field(**kwargs) -> fields.String:
    """An ISO-8601 date and time (or null), as the device's clock gave it; given the store's offset if it has none."""
    return Moment(
        allow_none=True, load_default=None, validate=[DATETIME, _real_datetime], error_messages=REQUIRED, **kwargs
    )


def percent(**kwargs) -> fields.Integer:
    """A fuel or charge level, 0–100 (or null when the car has no such gauge)."""
    return integer(0, 100, allow_none=True, load_default=None, **kwargs)


def user_id(**kwargs) -> fields.Integer:
    """A staff member's id."""
    return fields.Integer(strict=True, error_messages=INTEGER, validate=validate.Range(min=1, max=2**62), **kwargs)


class DamageSchema(Trimmed, Schema):
    """A damage mark: a photo (SHA-256 of its blob), a note, or both."""

    photo = BlobRef(allow_none=True, load_default=None, validate=SHA256)
    note = text(200, required=False, load_default="")

    @validates_schema
    def _something(self, data, **_kw):
        if not data.get("photo") and not data.get("note"):
            raise ValidationError(_l("Take a photo or describe the damage."), "note")


def damage_list() -> fields.List:
    """Damage marks on a car, at most 20."""
    return fields.List(
        fields.Nested(DamageSchema),
        load_default=list,
        validate=validate.Length(max=20, error=_l("At most {max} entries.")),
    )


class FeedbackSchema(Trimmed, Schema):
    """The feedback form after the drive (试驾反馈表, domain.md §3.4): 1–5 per aspect and overall. Only the
    answers given are stored (no defaults), so the signed snapshot and the record never differ by a default."""

    scores = fields.Dict(keys=choice(ASPECTS), values=integer(1, 5))
    overall = integer(1, 5, allow_none=True)
    likes = text(500, required=False)
    concerns = text(500, required=False)
    competitor = text(120, required=False)
    intention = choice(INTENTIONS)
    contact_time = text(120, required=False)


class TestDriveSchema(Trimmed, Schema):
    """The eligibility check and agreement (试乘试驾协议书) as the tablet fills it in. Never the full licence number."""

    __test__ = False

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    customer_name = text(80, required=False, load_default="")
    driver_is_customer = fields.Boolean(load_default=True)
    driver_name = text(80, required=False, load_default="")
    driver_phone = fields.String(load_default="", validate=PHONE, error_messages=REQUIRED)
    consultant_id = user_id(allow_none=True, load_default=None)
    escort_id = user_id(required=True)
    demo_car_id = fields.String(required=True, error_messages=REQUIRED)
    route_id = fields.String(allow_none=True, load_default=None)
    kind = choice(DRIVE_KINDS, load_default="ride_drive")
    checked_at = datetime_field()
    has_licence = fields.Boolean(load_default=True)
    licence_document_type = choice(("mainland_id", "other"), load_default="mainland_id")
    licence_masked = fields.String(
        load_default="",
        validate=validate.Regexp(
            r"^([0-9A-Za-z]{0,3}\*+[0-9A-Za-z]{0,4})?$",
            error=_l("Send the masked number only (first 3 and last 4 characters)."),
        ),
        error_messages=REQUIRED,
    )
    licence_verified = fields.Boolean(load_default=False)
    licence_class = choice(("", *LICENCE_CLASSES), load_default="")
    vehicle_class = choice(("C1", "C2"), load_default="C2")
    licence_valid_to = date_field()
    licence_first_issued = date_field()
    driver_age = integer(0, 120, allow_none=True, load_default=None)
    escort_present = fields.Boolean(load_default=False)
    eligibility_reasons = fields.List(choice(REASONS), load_default=list)
    outcome = choice(OUTCOMES, load_default="pending")
    refusal_reasons = fields.List(choice(REASONS), load_default=list)
    refusal_note = text(500, required=False, load_default="")
    agreement_template_id = fields.String(allow_none=True, load_default=None)
    agreement_version = fields.Integer(allow_none=True, load_default=None, strict=True, error_messages=INTEGER)
    agreement_accepted = fields.Boolean(load_default=False)
    notes = text(2000, required=False, load_default="")

    @pre_load
    def _plain_phone(self, data, **_kw):
        phone = data.get("driver_phone") if isinstance(data, dict) else None
        if isinstance(phone, str):  # +86 138-0013 8000 → 13800138000
            digits = re.sub(r"[\s\-()]", "", phone)
            digits = re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)
            data = {**data, "driver_phone": digits}
        return data

    @validates_schema
    def _refusal_has_reasons(self, data, **_kw):
        if "outcome" not in data:
            return
        reasons = data.get("refusal_reasons") or []
        if data["outcome"] == "refused" and not reasons:
            raise ValidationError(_l("Choose at least one reason for the refusal."), "refusal_reasons")
        if data["outcome"] != "refused" and reasons:
            raise ValidationError(_l("Only a refusal has reasons."), "refusal_reasons")
        if "other" in reasons and not data.get("refusal_note"):
            raise ValidationError(_l("Say what the other reason is."), "refusal_note")


class TestDriveLogSchema(Trimmed, Schema):
    """The drive log (试驾登记表): out, back in, damage, incidents and the customer's feedback."""

    __test__ = False

    test_drive_id = fields.String(required=True, error_messages=REQUIRED)
    demo_car_id = fields.String(required=True, error_messages=REQUIRED)
    route_id = fields.String(allow_none=True, load_default=None)
    start_at = datetime_field()
    start_odometer_km = integer(0, 9_999_999, allow_none=True, load_default=None)
    start_fuel_pct = percent()
    start_charge_pct = percent()
    damage_before = damage_list()
    end_at = datetime_field()
    end_odometer_km = integer(0, 9_999_999, allow_none=True, load_default=None)
    end_fuel_pct = percent()
    end_charge_pct = percent()
    damage_after = damage_list()
    incidents = text(2000, required=False, load_default="")
    feedback = fields.Nested(FeedbackSchema, load_default=dict)
    notes = text(2000, required=False, load_default="")

    @validates_schema
    def _not_below_start(self, data, **_kw):
        start, end = data.get("start_odometer_km"), data.get("end_odometer_km")
        if start is not None and end is not None and end < start:
            raise ValidationError(odometer_message(start), "end_odometer_km")


def odometer_message(start: int) -> str:
    """The field error of an end odometer below the start."""
    return gettext("The odometer cannot be below the start (%(start)s km).", start=start)


class LicencePhotoSchema(Schema):
    """A licence photo, only with the customer's separate consent (单独同意)."""

    test_drive_id = fields.String(required=True, error_messages=REQUIRED)
    photo = BlobRef(required=True, validate=SHA256, error_messages=REQUIRED)
    consent = fields.Boolean(required=True, error_messages=REQUIRED)
    consent_version = text(32)
    taken_at = datetime_field()

    @validates_schema
    def _consented(self, data, **_kw):
        if "consent" in data and data["consent"] is not True:
            raise ValidationError(_l("A licence photo needs the customer's separate consent."), "consent")


# --- read-only on tablets; office forms -------------------------------------------------------------


class DemoCarSchema(Trimmed, Schema):
    """A fleet car as tablets see it and the office edits it."""

    vehicle_id = fields.String(allow_none=True, load_default=None)
    plate = text(16)
    vin = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.Regexp(r"^[A-HJ-NPR-Z0-9]{17}$", error=_l("A VIN has 17 letters and digits.")),
    )
    trim_id = fields.String(required=True, error_messages=REQUIRED)
    description = text(200, required=False, load_default="")
    colour = text(60, required=False, load_default="")
    transmission = choice(TRANSMISSIONS, load_default="automatic")
    energy = choice(ENERGIES, load_default="fuel")
    status = choice(CAR_STATUSES, load_default="available")
    keys = text(120, required=False, load_default="")
    odometer_km = integer(0, 9_999_999, load_default=0)
    current_drive_id = fields.String(allow_none=True, load_default=None)
    out_since = fields.String(allow_none=True, load_default=None)
    out_by = fields.String(allow_none=True, load_default=None)
    insurance_until = date_field()
    notes = text(2000, required=False, load_default="")

    @pre_load
    def _upper_vin(self, data, **_kw):
        if isinstance(data, dict) and isinstance(data.get("vin"), str):
            data = {**data, "vin": data["vin"].strip().upper()}
        if isinstance(data, dict) and data.get("insurance_until") == "":
            data = {**data, "insurance_until": None}
        return data


class DriveRouteSchema(Trimmed, Schema):
    """A test-drive route."""

    name = text(80)
    distance_km = number(0.1, 500, required=True)
    description = text(500, required=False, load_default="")
    active = fields.Boolean(load_default=True)


class DriveRulesSchema(Trimmed, Schema):
    """The store's eligibility table."""

    min_age = integer(16, 99, required=True)
    refuse_probation = fields.Boolean(load_default=False)
    probation_months = integer(0, 36, load_default=12)
    min_experience_years = integer(0, 30, load_default=0)
    escort_required = fields.Boolean(load_default=True)
    class_coverage = fields.Dict(
        keys=choice(LICENCE_CLASSES), values=fields.List(choice(LICENCE_CLASSES)), load_default=dict
    )
    licence_photo_retention_days = integer(1, 365, load_default=30)
    agreement_template_id = fields.String(allow_none=True, load_default=None)


class AgreementTemplateSchema(Schema):
    """An agreement template as tablets receive it (and as a JSON file adds it)."""

    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{2,32}$"))
    template_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    clauses = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))
    photo_consent = fields.Dict(required=True)
