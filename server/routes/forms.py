"""The office's form helpers, once for every page: read a posted form, load it through a schema, show the first
error of each field, and save a record through the same write path as a tablet's change."""

from __future__ import annotations

import re
import unicodedata

from flask import g, request
from marshmallow import Schema, ValidationError, fields

from ..extensions import db
from ..records.writes import server_put

#: Posted names that are never fields of a record (Flask-WTF has checked the token already).
NOT_FIELDS = ("csrf_token",)
WHOLE = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
#: A thousands separator people type in a whole number: 129,900 · 129，900 · 129 900.
THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}(?!\d))")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first message of each field, as text in the request's language."""
    return {
        field: str(messages[0] if isinstance(messages, list) else messages)
        for field, messages in exc.normalized_messages().items()
    }


def form_data(ignore: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> dict:
    """The posted form as a dict, without the CSRF token and the `ignore`d names; each name in `lists` as the list
    of all its values (checkboxes, multiple selects)."""
    form = {k: v for k, v in request.form.items() if k not in (*NOT_FIELDS, *ignore)}
    for name in lists:
        if name in request.form:
            form[name] = request.form.getlist(name)
    return form


def typed_numbers(schema: Schema, data: dict) -> dict:
    """`data` with the posted text of each of `schema`'s number fields read as a number when it is one: full-width
    digits, blanks around and thousands separators (in whole numbers) are fine. Anything else — "abc", "1.5" in a
    whole number, "nan", "" — is left as typed, and the schema refuses it with the field's message: never 0."""
    out = dict(data)
    for name, field in schema.fields.items():
        value = out.get(name)
        if not isinstance(value, str) or not isinstance(field, fields.Number):
            continue
        text = unicodedata.normalize("NFKC", value).strip()
        if isinstance(field, fields.Integer):
            text = THOUSANDS.sub("", text)
            if WHOLE.match(text):
                out[name] = int(text)
        elif DECIMAL.match(text):
            out[name] = float(text)
    return out


def load_form(
    schema: Schema, extra: dict | None = None, ignore: tuple[str, ...] = (), lists: tuple[str, ...] = ()
) -> tuple[dict | None, dict[str, str]]:
    """(loaded values, {}) when the posted form (with `extra` values on top) is valid, else (None, field errors)."""
    try:
        return schema.load(typed_numbers(schema, {**form_data(ignore, lists), **(extra or {})})), {}
    except ValidationError as exc:
        return None, field_errors(exc)


def save_record(record, data: dict) -> None:
    """A server-side write through the sync rules and log (server/records/writes.py), committed at once; a new
    record is added to the session first."""
    if record not in db.session:
        db.session.add(record)
    server_put(record, data, g.user)
    db.session.commit()
