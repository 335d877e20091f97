"""The customer file (客户档案) schema: validated the same way on the tablet and the server."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.grades import GRADE_CHANGE_REASONS, GRADES
from .fields import REQUIRED, Trimmed, choice, text
from .walkaround import MOMENT

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
