"""Server-side writes (office edits, conflict settlement) through the same rules and log as tablet pushes.

An office edit is made by a person looking at the current values, so it is merged with the current field
versions as its base: it never conflicts with itself, but a tablet edit arriving later that had not seen it
does conflict with it — and the log knows who wrote what, for the conflict's `overwritten_by`.
"""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import MutationLog, User, next_store_version
from .merge import merge_put
from .mutators import Context, field_states, tombstone_state, write
from .registry import REGISTRY


def entity_of(record) -> str:
    """The registry name of a record's entity."""
    for name, entity in REGISTRY.items():
        if isinstance(record, entity.model):
            return name
    raise LookupError(type(record).__name__)


def server_put(record, values: dict[str, Any], user: User) -> int:
    """Write `values` to `record` (new or existing) as `user`, in the caller's transaction; returns the version.

    The caller has validated `values` (office forms use the same marshmallow schemas) and commits.
    """
    entity = REGISTRY[entity_of(record)]
    with db.session.no_autoflush:  # a new record is not flushed half-filled while the version is taken
        version = next_store_version(user.store_id)
    ctx = Context(store_id=user.store_id, user=user, group_id=None, client_id=None, version=version)
    is_new = record.version in (None, 0) and not record.field_versions
    current = None if is_new else field_states(record)
    base = {f: s.version for f, s in (current or {}).items()}
    merge = merge_put(current, tombstone_state(record), values, base, ctx.origin)
    if record not in db.session:
        db.session.add(record)
    write(ctx, entity, record, merge)
    db.session.add(
        MutationLog(
            store_id=user.store_id,
            user_id=user.id,
            name="put",
            outcome="applied",
            version=version,
            conflict_ids=[],
            args={"entity": entity.name, "id": record.id, "set": dict(values)},
        )
    )
    return version
