"""Merge rules of the sync contract, as pure functions: no Flask, no database.

SYNC_PROTOCOL.md, Push rule 4. Every field of a record carries the store version at which it last changed
and the origin (client group, or an office user) that wrote it. An incoming `put` names, for each field it
sets, the version its client last saw (`base`). A field **conflicts** when

- the server's field version differs from the base (the client did not see the current value),
- the incoming value differs from the current one (otherwise nothing is lost), and
- the current value was written by another origin (a tablet's own successive offline edits never conflict).

A conflicting field still takes the incoming value — the later arrival wins — and the overwritten value is
kept in a conflict for a person to settle. Edit vs delete follows the same rule with the tombstone as the
"field" `deleted`: whichever arrives later wins, and the conflict keeps the other side.
Device clocks play no part here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DELETED = "deleted"  # the pseudo-field of edit-vs-delete conflicts


@dataclass(frozen=True)
class FieldState:
    """A field's current value, the store version it was written at, and who wrote it."""

    value: Any
    version: int = 0
    origin: str | None = None


@dataclass(frozen=True)
class ConflictDraft:
    """A value that is about to be overwritten by a writer who had not seen it."""

    field: str
    base_version: int
    overwritten: FieldState
    applied_value: Any


@dataclass(frozen=True)
class Merge:
    """What to write (`changes`), what to keep aside (`conflicts`), and whether the record comes back to life."""

    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: tuple[ConflictDraft, ...] = ()
    undelete: bool = False
    delete: bool = False


def merge_put(
    current: Mapping[str, FieldState] | None,
    tombstone: FieldState | None,
    incoming: Mapping[str, Any],
    base: Mapping[str, int],
    origin: str,
) -> Merge:
    """Merge a `put` of `incoming` values into a record.

    `current` is None for a record the server does not have (it is created with every incoming field).
    `tombstone` is the delete's state when the record is deleted, else None.
    """
    if current is None:
        return Merge(changes=dict(incoming))
    changes: dict[str, Any] = {}
    conflicts: list[ConflictDraft] = []
    for name, value in incoming.items():
        state = current.get(name, FieldState(None))
        if value == state.value:
            continue
        changes[name] = value
        seen = base.get(name, 0)
        if state.version != seen and state.origin != origin:
            conflicts.append(ConflictDraft(name, seen, state, value))
    undelete = tombstone is not None
    if undelete and tombstone.origin != origin:
        conflicts.append(ConflictDraft(DELETED, 0, tombstone, False))
    return Merge(changes=changes, conflicts=tuple(conflicts), undelete=undelete)


def merge_delete(
    current: Mapping[str, FieldState],
    tombstone: FieldState | None,
    base: Mapping[str, int],
    origin: str,
) -> Merge:
    """Merge a `delete`. Deleting a deleted record changes nothing. Deleting a record that another origin
    edited since the deleter's base keeps the live record's values in one conflict."""
    if tombstone is not None:
        return Merge()
    unseen = {
        name: state
        for name, state in current.items()
        if state.version != base.get(name, 0) and state.origin != origin and state.version > 0
    }
    if not unseen:
        return Merge(delete=True)
    live = FieldState(
        {name: state.value for name, state in current.items()},
        max(state.version for state in unseen.values()),
        next(iter(sorted(unseen.values(), key=lambda s: -s.version))).origin,
    )
    return Merge(conflicts=(ConflictDraft(DELETED, max(base.values(), default=0), live, True),), delete=True)


def apply_merge(values: Mapping[str, Any], merge: Merge) -> dict[str, Any]:
    """The record's values after `merge` (pure helper for tests and simulations)."""
    return {**values, **merge.changes}
