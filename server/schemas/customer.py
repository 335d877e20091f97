"""The customer file (客户档案) schema: validated the same way on the tablet and the server."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, pre_load, validate

from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.grades import GRADES
from .fields import REQUIRED, Trimmed, choice, text

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
