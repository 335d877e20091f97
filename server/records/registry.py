"""The one registry of synced entities: push, pull, office writes and the published schema all read from here, so an
entity cannot be half-registered. It is filled once at app start by `server.records.install` from the explicit list
in server/workflow/entities.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from marshmallow import Schema

#: META fields every pulled value carries besides the entity's own (SYNC_PROTOCOL.md, Pull).
META = ("id", "store_id", "version", "fieldVersions", "created_at", "updated_at", "deleted", "device_created_at")


@dataclass(frozen=True)
class EntityType:
    """How one entity syncs: its model and schema, who may write it, and its store-dependent checks."""

    name: str
    model: type
    schema: type[Schema]
    read_only: bool = False
    writers: frozenset[str] = frozenset()
    #: (loaded values, store id) → {field: [messages]} for rules that need the database (e.g. owner exists)
    check: Callable[[dict, int], dict[str, list[str]]] | None = None
    signable: bool = False
    signature_roles: tuple[str, ...] = ()
    #: pulled by every client group of the store (False: only by the group that wrote it)
    shared: bool = True
    #: reference field → the models it may name; `put` refuses a value that is not a record of the writer's
    #: store (tests/sync/test_references.py fails for a writable entity with an `*_id` field not listed here)
    refs: dict[str, tuple[type, ...]] = field(default_factory=dict, compare=False)
    extra: dict = field(default_factory=dict, compare=False)

    @cached_property
    def loader(self) -> Schema:
        """One schema instance to load with (building one per mutation costs more than loading)."""
        return self.schema()

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The published properties, in schema order."""
        return tuple(self.schema().fields)


REGISTRY: dict[str, EntityType] = {}


def check_entity(entity: EntityType) -> EntityType:
    """`entity`, or TypeError when its schema publishes a field its model does not sync, or it names references
    to fields the schema does not have."""
    if not set(entity.fields) <= set(entity.model.SYNC_FIELDS):
        raise TypeError(f"{entity.name}: schema fields missing from the model's SYNC_FIELDS")
    if not set(entity.refs) <= set(entity.fields):
        raise TypeError(f"{entity.name}: references to fields the schema does not have")
    return entity


def entity_type(name: object) -> EntityType | None:
    """The registered entity called `name`, or None."""
    return REGISTRY.get(name) if isinstance(name, str) else None
