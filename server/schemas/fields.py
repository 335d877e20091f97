"""Field helpers whose messages are in the user's language (marshmallow's own are English only)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import fields, pre_load, validate

REQUIRED = {
    "required": _l("This field is required."),
    "null": _l("This field is required."),
    "invalid": _l("Not a valid value."),
}
INTEGER = {**REQUIRED, "invalid": _l("Enter a whole number.")}


def text(max_length: int, required: bool = True, **kwargs) -> fields.String:
    """A trimmed text field with a length limit; required means non-empty."""
    checks = [validate.Length(max=max_length, error=_l("At most {max} characters."))]
    if required:
        checks.insert(0, validate.Length(min=1, error=_l("This field is required.")))
    return fields.String(required=required, validate=checks, error_messages=REQUIRED, **kwargs)


def integer(minimum: int | None = None, maximum: int | None = None, **kwargs) -> fields.Integer:
    """A whole number within bounds, with messages people understand."""
    error = (
        _l("Must be between {min} and {max}.")
        if minimum is not None and maximum is not None
        else (_l("Must be at least {min}.") if minimum is not None else _l("Must be at most {max}."))
    )
    return fields.Integer(
        strict=False, validate=validate.Range(min=minimum, max=maximum, error=error), error_messages=INTEGER, **kwargs
    )


def choice(options, **kwargs) -> fields.String:
    """One of a fixed vocabulary's codes."""
    return fields.String(
        validate=validate.OneOf(list(options), error=_l("Choose one of the listed values.")),
        error_messages=REQUIRED,
        **kwargs,
    )


class Trimmed:
    """Mixin for schemas fed by HTML forms: strip surrounding blanks before validation."""

    @pre_load
    def strip_strings(self, data, **_kw):
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def with_offset(text: str) -> str:
    """A time a client sent without an offset, read in the store's time zone and given its offset
    (SYNC_PROTOCOL.md: every time the server publishes carries its offset); anything else unchanged."""
    if not isinstance(text, str) or not _LOCAL_TIME.match(text):
        return text
    try:
        moment = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(current_app.config["STORE_TIMEZONE"]))
    except ValueError:  # 2026-02-30T…: the field's own check refuses it
        return text
    offset = moment.strftime("%z")
    return f"{text}{offset[:3]}:{offset[3:]}"


class Moment(fields.String):
    """A time as a device's clock gave it (ISO 8601), shown and never trusted for ordering: kept as sent when it
    carries an offset, read in the store's time zone and given that offset when it does not."""

    def _deserialize(self, value, attr, data, **kwargs):
        return with_offset(super()._deserialize(value, attr, data, **kwargs))
