"""Field helpers whose messages are in the user's language (marshmallow's own are English only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, pre_load, validate

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
