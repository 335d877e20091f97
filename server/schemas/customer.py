"""The customer file (客户档案) schema: validated the same way on the tablet and the server."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..i18n import moment
from ..vocabularies.customers import LEAD_SOURCES, LOST_REASONS, LOST_STATES
from ..vocabularies.grades import GRADE_CHANGE_REASONS, GRADES
from ..vocabularies.visits import OWNERSHIP_REASONS, VISIT_KINDS, VISIT_OUTCOMES, VISIT_PURPOSES
from .fields import REQUIRED, Moment, Trimmed, choice, integer, text
from .walkaround import MOMENT, choices

MOBILE = r"^(1[3-9]\d{9})?$"  # domain.md §8.4; empty when the customer left no number


def normalise_mobile(raw: str) -> str:
    """Strip spaces, dashes and a +86 / 86 prefix, as people type numbers in many ways."""
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


class CustomerSchema(Trimmed, Schema):
    """A customer file: name, mobile, grade, source, owning consultant, notes."""

    name = text(80)
    phone = fields.String(
        load_default="",
        error_messages=REQUIRED,
        validate=validate.Regexp(MOBILE, error=_l("Enter an 11-digit mainland mobile number, e.g. 13800138000.")),
    )
    grade = choice(GRADES, load_default="N")
    source = choice(LEAD_SOURCES, load_default="walk_in")
    owner_id = fields.Integer(allow_none=True, load_default=None, strict=True, error_messages=REQUIRED)
    notes = text(2000, required=False, load_default="")

    @pre_load
    def _mobile(self, data, **_kw):
        if isinstance(data, dict) and isinstance(data.get("phone"), str):
            data = {**data, "phone": normalise_mobile(data["phone"])}
        return data


class GradeChangeSchema(Trimmed, Schema):
    """One change of a customer's grade as a tablet records it: from, to, why (a reason code, the needs analysis
    it follows, a note), who (`changed_by`: the writer, nobody else) and when (`changed_at`, the device's clock).
    Recorded once, never changed; the tablet puts the customer's `grade` beside it, so a concurrent change of the
    grade elsewhere becomes a conflict on the customer while both changes stay in the history."""

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    from_grade = choice(GRADES, allow_none=True, load_default=None)
    to_grade = choice(GRADES, required=True)
    reason = choice(GRADE_CHANGE_REASONS, required=True)
    needs_analysis_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    note = text(500, required=False, load_default="")
    changed_by = fields.Integer(required=True, strict=True, error_messages=REQUIRED)
    changed_by_name = text(80, required=False, load_default="")
    changed_at = fields.String(required=True, validate=MOMENT, error_messages=REQUIRED)

    @validates_schema
    def _a_change(self, data, **_kw):
        if data.get("to_grade") is not None and data.get("to_grade") == data.get("from_grade"):
            raise ValidationError(_l("The new grade is the same as the old one."), "to_grade")
        if data.get("reason") == "needs_analysis" and not data.get("needs_analysis_id"):
            raise ValidationError(_l("Name the needs analysis the change follows."), "needs_analysis_id")


def _user_id(**kwargs) -> fields.Integer:
    """A user named by id (a consultant): a JSON integer only."""
    messages = {**REQUIRED, "invalid": _l("Choose a consultant of this store.")}
    return fields.Integer(strict=True, error_messages=messages, **kwargs)


class VisitSchema(Trimmed, Schema):
    """One visit or phone-in of the traffic log (domain.md §5.4), as reception or a consultant logs it."""

    customer_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    consultant_id = _user_id(required=True)
    requested_consultant_id = _user_id(allow_none=True, load_default=None)
    invited_by_id = _user_id(allow_none=True, load_default=None)
    arrived_at = Moment(required=True, validate=MOMENT, error_messages=REQUIRED)
    left_at = Moment(allow_none=True, load_default=None, validate=MOMENT, error_messages=REQUIRED)
    kind = choice(VISIT_KINDS, load_default="walk_in")
    first_visit = fields.Boolean(load_default=True, truthy={True}, falsy={False}, error_messages=REQUIRED)
    party_size = integer(1, 30, load_default=1)
    purpose = choice(VISIT_PURPOSES, load_default="new_car")
    channel = choice(LEAD_SOURCES, load_default="walk_in")
    sub_channel = text(60, required=False, load_default="")
    series_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    trim_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    colour_id = fields.String(allow_none=True, load_default=None, error_messages=REQUIRED)
    competitors = text(200, required=False, load_default="")
    outcomes = choices(VISIT_OUTCOMES, len(VISIT_OUTCOMES))
    notes = text(2000, required=False, load_default="")
    recorded_by = _user_id(required=True)

    @validates_schema
    def _times(self, data, **_kw):
        arrived, left = moment(data.get("arrived_at")), moment(data.get("left_at"))
        if data.get("arrived_at") is not None and arrived is None:  # e.g. 30 February
            raise ValidationError(_l("Use a date and time like 2026-11-29T10:14:07+08:00."), "arrived_at")
        if data.get("left_at") is not None and left is None:
            raise ValidationError(_l("Use a date and time like 2026-11-29T10:14:07+08:00."), "left_at")
        if arrived and left and left < arrived:
            raise ValidationError(_l("The visitor cannot leave before arriving."), "left_at")


class OwnershipChangeSchema(Schema):
    """A change of a customer's owner, as tablets and the office see it (written by the server only)."""

    customer_id = fields.String()
    from_id = fields.Integer(allow_none=True)
    to_id = fields.Integer()
    reason = choice(OWNERSHIP_REASONS)
    at = fields.String()
    visit_id = fields.String(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    note = fields.String()


class LostRequestSchema(Trimmed, Schema):
    """A request to mark a customer lost, as a consultant makes it on the tablet; the decision fields are the
    office's (a tablet may only send `state: "pending"` and no decision)."""

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    reason = choice(LOST_REASONS, required=True)
    competitor_brand = text(60, required=False, load_default="")
    competitor_model = text(60, required=False, load_default="")
    price_gap_yuan = integer(0, 10_000_000, allow_none=True, load_default=None)
    note = text(1000, required=False, load_default="")
    requested_by = _user_id(required=True)
    requested_at = Moment(required=True, validate=MOMENT, error_messages=REQUIRED)
    state = choice(LOST_STATES, load_default="pending")
    decided_by = fields.Integer(strict=True, allow_none=True, load_default=None, error_messages=REQUIRED)
    decided_at = Moment(allow_none=True, load_default=None, validate=MOMENT, error_messages=REQUIRED)
    decision_note = text(1000, required=False, load_default="")
