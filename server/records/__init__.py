"""The record core, beneath both the sync protocol and the workflow: how a synced record is written and merged.

- merge.py — the pure merge rules (field versions, edit-vs-delete), no database
- mutators.py — put and delete as the tablets send them, conflicts kept, the mutator table
- writes.py — office writes, through the same merge as a tablet's
- conflicts.py — settling a kept conflict (keep or restore)
- registry.py — the entity registry (EntityType); `install` fills it from server/workflow/entities.py
- lookup.py — finding a record of the writer's own store

It imports models, schemas, vocabularies and infrastructure only; never workflow, sync, documents or routes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .mutators import MUTATORS, Context, delete, put
from .registry import REGISTRY, EntityType, check_entity


def install(entities: Iterable[EntityType], mutators: dict[str, Callable[[Context, dict], list[str]]]) -> None:
    """Fill the registry with `entities` and the mutator table with put, delete and `mutators` (replacing what was
    there, so building a second app in one process gives the same tables)."""
    checked = {entity.name: check_entity(entity) for entity in entities}
    REGISTRY.clear()
    REGISTRY.update(checked)
    MUTATORS.clear()
    MUTATORS.update({"put": put, "delete": delete, **mutators})
