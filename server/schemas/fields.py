"""Field helpers whose messages are in the user's language (marshmallow's own are English only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, pre_load, validate

REQUIRED = {
    "required": _l("This field is required."),
    "null": _l("This field is required."),
    "invalid": _l("Not a valid value."),
}
INTEGER = {**REQUIRED, "invalid": _l("Enter a whole number.")}
NUMBER = {**REQUIRED, "invalid": _l("Enter a number."), "special": _l("Enter a number.")}


def text(max_length: int, required: bool = True, **kwargs) -> fields.String:
    """A trimmed text field with a length limit; required means non-empty."""
    checks = [validate.Length(max=max_length, error=_l("At most {max} characters."))]
    if required:
        checks.insert(0, validate.Length(min=1, error=_l("This field is required.")))
    return fields.String(required=required, validate=checks, error_messages=REQUIRED, **kwargs)


def _range(minimum, maximum) -> validate.Range:
    error = (
        _l("Must be between {min} and {max}.")
        if minimum is not None and maximum is not None
        else (_l("Must be at least {min}.") if minimum is not None else _l("Must be at most {max}."))
    )
    return validate.Range(min=minimum, max=maximum, error=error)


def integer(minimum: int | None = None, maximum: int | None = None, **kwargs) -> fields.Integer:
    """A whole number within bounds, with messages people understand. Only a JSON integer: text (even "7000"),
    a fraction (7000.5) or a boolean is an error, never a value; office forms read their numbers from the posted
    text first (server/routes/forms.py)."""
    return fields.Integer(strict=True, validate=_range(minimum, maximum), error_messages=INTEGER, **kwargs)


class StrictFloat(fields.Float):
    """A float that is a JSON number: text — even "12.5" — is an error, as for `integer`."""

    def _validated(self, value):
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def number(minimum: float | None = None, maximum: float | None = None, **kwargs) -> fields.Float:
    """A number (fractions allowed) within bounds; no NaN or infinity; only a JSON number, as for `integer`."""
    return StrictFloat(allow_nan=False, validate=_range(minimum, maximum), error_messages=NUMBER, **kwargs)


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


class BlobRef(fields.String):
    """A blob named by its SHA-256 (a photo): the record may arrive before the blob does (its `awaitingBlobs`)."""


def names_blobs(field: fields.Field) -> bool:
    """Whether a schema field holds blob references, at any depth."""
    if isinstance(field, BlobRef):
        return True
    if isinstance(field, fields.List):
        return names_blobs(field.inner)
    if isinstance(field, fields.Dict):
        return field.value_field is not None and names_blobs(field.value_field)
    if isinstance(field, fields.Nested):
        return any(names_blobs(f) for f in field.schema.fields.values())
    return False


def _hashes(field: fields.Field, value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(field, BlobRef):
        if isinstance(value, str) and value:
            yield value
    elif isinstance(field, fields.List) and isinstance(value, list):
        for item in value:
            yield from _hashes(field.inner, item)
    elif isinstance(field, fields.Dict) and isinstance(value, dict) and field.value_field is not None:
        for item in value.values():
            yield from _hashes(field.value_field, item)
    elif isinstance(field, fields.Nested) and isinstance(value, dict):
        yield from referenced(field.schema, value)


def referenced(schema: Schema, values: dict) -> Iterator[str]:
    """Every blob hash `values` (an entity's fields, as stored) names through the schema's blob fields."""
    for name, field in schema.fields.items():
        if names_blobs(field):
            yield from _hashes(field, values.get(name))
