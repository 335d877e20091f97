"""The one registry of synced entities: push, pull, office writes and the published schema all read from here, so an
entity cannot be half-registered. It is filled once at app start by `server.records.install` from the explicit list
in server/workflow/entities.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from marshmallow import Schema

from ..schemas.fields import names_blobs

#: META fields every pulled value carries besides the entity's own (SYNC_PROTOCOL.md, Pull).
META = ("id", "store_id", "version", "fieldVersions", "created_at", "updated_at", "deleted", "device_created_at")
#: Kept by the server like the META fields, on records of entities that may name blobs (SYNC_PROTOCOL.md, Blobs).
AWAITING_BLOBS = "awaitingBlobs"


@dataclass(frozen=True)
class EntityType:
    """How one entity syncs: its model and schema, who may write it, and its store-dependent checks."""

    name: str
    model: type
    schema: type[Schema]
    read_only: bool = False
    writers: frozenset[str] = frozenset()
    #: roles that may create a record but never change one (an escort adds a walk-in customer)
    creators: frozenset[str] = frozenset()
    #: (loaded values, store id, stored values) → {field: [messages]} for rules that need the database (e.g. owner
    #: exists). The values are those a `put` sends; the stored values (empty for a new record) are what a rule reads
    #: for the fields it does not send: a `put` changes the fields in its `set` and nothing else is asked of it.
    check: Callable[[dict, int, dict], dict[str, list[str]]] | None = None
    signable: bool = False
    signature_roles: tuple[str, ...] = ()
    #: pulled by every client group of the store (False: only by the group that wrote it)
    shared: bool = True
    #: a history: a record is written once and never changed or deleted (`put`/`delete` on it are `immutable`)
    append_only: bool = False
    #: the field that names who wrote the record: `put` refuses any user but the writer
    author: str | None = None
    #: reference field → the models it may name; `put` refuses a value that is not a record of the writer's
    #: store (tests/sync/test_references.py fails for a writable entity with an `*_id` field not listed here)
    refs: dict[str, tuple[type, ...]] = field(default_factory=dict, compare=False)
    #: (context, record) → None, run after each write of a record (tablet or office) that leaves it not deleted, in
    #: the same transaction and at the same store version: a rule that moves other records (a visit's attribution)
    after_write: Callable | None = field(default=None, compare=False)
    extra: dict = field(default_factory=dict, compare=False)

    @cached_property
    def loader(self) -> Schema:
        """One schema instance to load with (building one per mutation costs more than loading)."""
        return self.schema()

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The published properties, in schema order."""
        return tuple(self.schema().fields)

    @cached_property
    def blob_fields(self) -> tuple[str, ...]:
        """The fields that may name blobs (photos), at any depth; records of an entity with any carry
        `awaitingBlobs` (SYNC_PROTOCOL.md, Blobs)."""
        return tuple(name for name, field in self.loader.fields.items() if names_blobs(field))


REGISTRY: dict[str, EntityType] = {}


def check_entity(entity: EntityType) -> EntityType:
    """`entity`, or TypeError when its schema publishes a field its model does not sync, or it names references
    to fields the schema does not have."""
    if not set(entity.fields) <= set(entity.model.SYNC_FIELDS):
        raise TypeError(f"{entity.name}: schema fields missing from the model's SYNC_FIELDS")
    if not set(entity.refs) <= set(entity.fields):
        raise TypeError(f"{entity.name}: references to fields the schema does not have")
    if entity.blob_fields and not hasattr(entity.model, "awaiting_blobs"):
        raise TypeError(f"{entity.name}: names blobs, but its model has no awaiting_blobs (models/base.AwaitsBlobs)")
    return entity


def entity_type(name: object) -> EntityType | None:
    """The registered entity called `name`, or None."""
    return REGISTRY.get(name) if isinstance(name, str) else None
