"""The schema endpoint, to the letter (SYNC_PROTOCOL.md, Schema and versions; Minimum entities and fields).

Each entity's `jsonSchema` is self-contained: the delivery's `items`, the log's `feedback` and `damage_*` and the
walk-around's `positions` pointed to `#/components/schemas/…`, which the response does not contain, so a client that
validates with them could not. Every entity a pull returns is listed (`rejection` was missing). Here a store holding
a record of every entity is pulled, and every record is validated with the `jsonschema` library against the schema
the endpoint published for its entity, with no way to fetch anything from outside the document.
"""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.exceptions import Unresolvable

from server.records.registry import AWAITING_BLOBS, META
from tests.factories.everything import everything_fixture, lot_fixture  # noqa: F401 - fixtures


def published(tablet) -> dict:
    response = tablet.http.get("/api/sync/v1/schema", headers=tablet.headers)
    assert response.status_code == 200
    return response.get_json()["entities"]


def refs(node, path: str = "#") -> list[tuple[str, str]]:
    """Every `$ref` in a JSON Schema: (where, target)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.append((path, value))
            else:
                found.extend(refs(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(refs(value, f"{path}/{index}"))
    return found


def validator(json_schema: dict) -> Draft202012Validator:
    """A validator that can resolve nothing but the document itself (an empty registry: no retrieval)."""
    Draft202012Validator.check_schema(json_schema)
    return Draft202012Validator(json_schema, registry=Registry())


def test_every_ref_of_every_published_schema_resolves_inside_its_document(world):
    """A `$ref` must point into the entity's own jsonSchema (`#/$defs/…`): resolve each one with the document alone."""
    unresolved = {}
    for name, entity in published(world.tablet("a1")).items():
        resolver = validator(entity["jsonSchema"])._resolver
        for where, target in refs(entity["jsonSchema"]):
            try:
                resolver.lookup(target)
            except Unresolvable:
                unresolved[f"{name}{where[1:]}"] = target
    assert unresolved == {}


def test_every_entity_a_pull_returns_is_published(everything):
    """The prefix of every key a pull returns (the store's records, the group's rejections) is a published entity."""
    tablet = everything.lot.consultant
    tablet.cookie = None
    pulled = {key.split("/")[0] for key in tablet.pull_all()}
    assert {"conflict", "rejection", "document", "customer", "walkaround"} <= pulled
    assert pulled <= set(published(tablet)), sorted(pulled - set(published(tablet)))


@pytest.mark.parametrize("username", ["consultant", "escort"])
def test_every_pulled_record_is_valid_against_its_published_schema(everything, username):
    """Each pulled value, META fields (and `awaitingBlobs`) aside, validates against its entity's jsonSchema; an
    unresolvable `$ref` fails the test as an error of its own."""
    tablet = everything.lot.consultant if username == "consultant" else everything.lot.escort
    schemas = published(tablet)
    tablet.cookie = None
    problems, seen = {}, set()
    for key, value in tablet.pull_all().items():
        entity = key.split("/")[0]
        seen.add(entity)
        own = {field: v for field, v in value.items() if field not in (*META, AWAITING_BLOBS)}
        try:
            errors = [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator(schemas[entity]["jsonSchema"]).iter_errors(own)
            ]
        except Unresolvable as exc:
            errors = [f"unresolvable $ref: {exc}"]
        if errors:
            problems[key] = errors
    assert problems == {}
    assert len(seen) >= 15, sorted(seen)
