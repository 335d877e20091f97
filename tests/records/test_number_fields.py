"""Every number a client sends is a JSON number: text where a number is expected — "abc", and "7000" too — a
fraction where a whole number is expected, or a boolean, is a field-level error in the user's language. Nothing
is turned into 0 or silently truncated (7000.9 was stored as 7000, "7000" was taken for 7000, and a route's
"nan" distance answered in English).

The test walks the registry and every nested schema, so a number field added tomorrow is covered the day it
lands. Office forms post text: they read their numbers at the form layer (server/routes/forms.py), tested in
tests/api/test_office_numbers.py.
"""

from __future__ import annotations

import uuid

import pytest
from flask_babel import force_locale
from marshmallow import Schema, ValidationError, fields

from server.schemas.user import OfficeIdleSchema
from server.schemas.walkaround import ScoreFormSchema
from server.workflow.entities import ENTITIES
from tests.factories.drives import lot_fixture  # noqa: F401 - fixture `lot`

#: Schemas the office loads from its forms (read-only for tablets, written through routes/forms.py).
FORM_SCHEMAS = ("series", "trim", "colour", "vehicle", "demo_car", "drive_route", "drive_rules")


class DictKey(str):
    """A key of a Dict field: its value's errors sit under {key: {"value": …}}."""


def _sample_key(field: fields.Field) -> str:
    """A key a Dict field accepts (the first code of its vocabulary, else any text)."""
    for check in getattr(field, "validators", []):
        if getattr(check, "choices", None):
            return next(iter(check.choices))
    return "a01"


def number_fields(schema: Schema, path: tuple = ()):
    """(path, field) of every number field of `schema`, nested ones included; a path is the keys to reach it."""
    for name, field in schema.fields.items():
        here = (*path, name)
        if isinstance(field, fields.Number):
            yield here, field
        elif isinstance(field, fields.Nested):
            yield from number_fields(field.schema, here)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            yield from number_fields(field.inner.schema, (*here, 0))
        elif isinstance(field, fields.Dict) and field.value_field is not None:
            key = _sample_key(field.key_field) if field.key_field is not None else "a01"
            if isinstance(field.value_field, fields.Number):
                yield (*here, DictKey(key)), field.value_field
            elif isinstance(field.value_field, fields.Nested):
                yield from number_fields(field.value_field.schema, (*here, DictKey(key)))


def _nest(path: tuple, value) -> dict:
    for key in reversed(path):
        value = [value] if key == 0 else {key: value}
    return value


def _cases():
    schemas = {e.name: e.schema for e in ENTITIES if not e.read_only or e.name in FORM_SCHEMAS}
    schemas |= {"office_idle_form": OfficeIdleSchema, "score_form": ScoreFormSchema}
    for name, schema in sorted(schemas.items()):
        for path, field in number_fields(schema()):
            whole = isinstance(field, fields.Integer)
            ok = next((v.min for v in field.validators if getattr(v, "min", None) is not None), 1)
            bad = ["abc", str(ok), "", True, *([ok + 0.5] if whole else [])]
            for value in bad:
                yield pytest.param(schema, path, value, whole, id=f"{name}.{'.'.join(map(str, path))}={value!r}")


@pytest.mark.parametrize(("schema", "path", "value", "whole"), list(_cases()))
def test_a_number_field_refuses_anything_but_a_number(app, schema, path, value, whole):
    """Text (even digits), a fraction in a whole-number field, or a boolean: an error at that very field, in
    Chinese — never a value."""
    with app.test_request_context(), force_locale("zh_CN"):
        with pytest.raises(ValidationError) as caught:
            schema().load(_nest(path, value), partial=True)
        messages = caught.value.normalized_messages()
        for key in path:
            assert key in messages, (path, caught.value.normalized_messages())
            messages = messages[key]["value"] if isinstance(key, DictKey) else messages[key]
        if str(path[-1]).endswith(("_id", "_by")):
            assert messages, path  # an identifier, never typed by a person: any error at the field
        else:
            assert ("请输入整数。" if whole else "请输入数字。") in messages, messages


def test_a_string_odometer_pushed_by_a_tablet_is_rejected_at_its_field(app, lot, database):
    """A drive started with `"start_odometer_km": "7000"` (text) is rejected with the field's message in the
    user's language; no log is stored and the car stays where it was."""
    from server.models import DemoCar, TestDriveLog

    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    result = lot.start(drive_id, log_id, start_odometer_km="7000")
    assert result["outcome"] == "rejected", result
    assert result["error"]["errors"] == {"start_odometer_km": ["请输入整数。"]}, result["error"]
    with database() as session:
        assert session.get(TestDriveLog, log_id) is None
        assert session.get(DemoCar, lot.car_id).status == "available"
