"""Staff account schemas for the admin's users page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from ..vocabularies.roles import ROLES
from .fields import REQUIRED, Trimmed, choice, integer, text


def _empty_or_password(value: str) -> None:
    if value and not 8 <= len(value) <= 128:
        raise ValidationError(str(_l("Between 8 and 128 characters.")))  # a list of one, not a lazy sequence


class UserUpdateSchema(Trimmed, Schema):
    """What an admin may change on an account."""

    display_name = text(80)
    role = choice(ROLES, required=True)
    language = choice(("zh_CN", "en"), load_default="zh_CN")
    active = fields.Boolean(load_default=False)
    #: An admin's reset of the person's password; empty keeps it. A new one signs them out everywhere.
    new_password = fields.String(load_default="", load_only=True, validate=lambda value: _empty_or_password(value))


class UserCreateSchema(UserUpdateSchema):
    """A new account: a username and a first password on top."""

    username = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.Regexp(
            r"^[a-z0-9][a-z0-9._-]{2,63}$", error=_l("3-64 lowercase letters, digits, dots, dashes or underscores.")
        ),
    )
    password = fields.String(
        required=True,
        error_messages=REQUIRED,
        load_only=True,
        validate=validate.Length(min=8, max=128, error=_l("Between 8 and 128 characters.")),
    )
    active = fields.Boolean(load_default=True)


class OfficeIdleSchema(Trimmed, Schema):
    """The store's office idle time: a session unused this long ends (shared office PCs)."""

    office_idle_minutes = integer(10, 720, required=True)
