"""Field labels are the field's own, entity by entity (server/vocabularies/fields.py, web/js/core/field-labels.js).

A trim's name error said 姓名 (a person's name): the office had one map of "name" for every form, and the tablet's
sync panel labelled every entity's fields with the customer's. Each entity now has its own labels; every field of
every entity a person can write (or see in a conflict) has one, and the tablet's list is the server's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.vocabularies.fields import COMMON_LABELS, ENTITY_LABELS, FIELD_LABELS, field_label
from server.workflow.entities import ENTITIES

ROOT = Path(__file__).resolve().parents[2]
BY_NAME = {entity.name: entity for entity in ENTITIES}
#: Entities whose fields people write or see in an error or a conflict: the writable ones, the catalogue (office
#: forms) and the test-drive fleet (server-made conflicts on its status and current drive).
LABELLED = sorted({e.name for e in ENTITIES if not e.read_only} | {"series", "trim", "colour", "vehicle", "demo_car"})


def msgid(label) -> str:
    return label._args[0]  # a lazy_gettext string's English source


@pytest.mark.parametrize("entity", LABELLED)
def test_every_field_of_the_entity_has_its_own_label(entity):
    """Each field has a label, and the table names no field the entity does not have."""
    fields = set(BY_NAME[entity].fields)
    assert set(FIELD_LABELS[entity]) == fields
    assert entity in ENTITY_LABELS


def test_a_trims_name_is_not_a_persons_name(app):
    """The finding: the name of a trim, a colour and a series each say what they name."""
    with app.test_request_context():
        names = {entity: field_label(entity, "name") for entity in ("customer", "trim", "colour", "series")}
        assert len(set(names.values())) == 4, names
        assert field_label("delivery", "items.A01.photos") == field_label("delivery", "items")
        assert field_label("delivery", "contentHash") == str(COMMON_LABELS["contentHash"])
        assert field_label("delivery", "no_such_field") != "no_such_field"


def _js_tables() -> tuple[dict, dict, dict]:
    """ENTITIES, COMMON and FIELDS of web/js/core/field-labels.js as {name: msgid} (FIELDS: {entity: {...}})."""
    text = (ROOT / "web/js/core/field-labels.js").read_text(encoding="utf-8")
    entry = re.compile(r"^\s+(\w+): \(\) => t\((['\"])(.+?)\2\),$")

    def block(name: str) -> str:
        return text.split(f"const {name} = {{", 1)[1].split("\n};", 1)[0]

    def flat(body: str) -> dict:
        return {m.group(1): m.group(3) for m in map(entry.match, body.splitlines()) if m}

    fields = {}
    for match in re.finditer(r"^  (\w+): \{\n(.*?)^  \},", block("FIELDS"), re.S | re.M):
        fields[match.group(1)] = flat(match.group(2))
    return flat(block("ENTITIES")), flat(block("COMMON")), fields


def test_the_tablets_labels_are_the_servers():
    """Same entities, same fields, same English sources (so the same translations)."""
    entities, common, fields = _js_tables()
    assert entities == {name: msgid(label) for name, label in ENTITY_LABELS.items()}
    assert common == {name: msgid(label) for name, label in COMMON_LABELS.items()}
    assert fields == {e: {f: msgid(label) for f, label in labels.items()} for e, labels in FIELD_LABELS.items()}
