"""Server-side writes (office edits, conflict settlement) through the same rules and log as tablet pushes.

An office edit is made by a person looking at the current values, so it is merged with the current field
versions as its base: it never conflicts with itself, but a tablet edit arriving later that had not seen it
does conflict with it — and the log knows who wrote what, for the conflict's `overwritten_by`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect

from ..extensions import db
from ..models import MutationLog, User, next_store_version
from .merge import Merge, merge_put
from .mutators import Context, field_states, tombstone_state, write
from .registry import REGISTRY


def entity_of(record) -> str:
    """The registry name of a record's entity."""
    for name, entity in REGISTRY.items():
        if isinstance(record, entity.model):
            return name
    raise LookupError(type(record).__name__)


def _server_write(record, user: User, name: str, args: dict, merge_for: Callable[[Context], Merge]) -> int:
    entity = REGISTRY[entity_of(record)]
    with db.session.no_autoflush:  # a new record is not flushed half-filled while the version is taken
        version = next_store_version(user.store_id)
    if inspect(record).persistent:
        # The version's lock is held now; read the record again, as a push may have committed since the caller
        # loaded it (PostgreSQL, READ COMMITTED): merging with a stale copy would write stale field versions back.
        db.session.flush()  # (this transaction's own earlier writes first)
        db.session.refresh(record)
    ctx = Context(store_id=user.store_id, user=user, group_id=None, client_id=None, version=version)
    merge = merge_for(ctx)
    if record not in db.session:
        db.session.add(record)
    write(ctx, entity, record, merge)
    log_args = {"entity": entity.name, "id": record.id, **args}
    db.session.add(
        MutationLog(
            store_id=user.store_id,
            user_id=user.id,
            name=name,
            outcome="applied",
            version=version,
            conflict_ids=[],
            args=log_args,
            replaced=ctx.replaced or None,
        )
    )
    return version


def server_put(record, values: dict[str, Any], user: User) -> int:
    """Write `values` to `record` (new or existing) as `user`, in the caller's transaction; returns the version.

    The caller has validated `values` (office forms use the same marshmallow schemas) and commits.
    """

    def merge_for(ctx: Context) -> Merge:  # after the lock: the record as it is now
        is_new = record.version in (None, 0) and not record.field_versions
        current = None if is_new else field_states(record)
        base = {f: s.version for f, s in (current or {}).items()}
        return merge_put(current, tombstone_state(record), values, base, ctx.origin)

    return _server_write(record, user, "put", {"set": dict(values)}, merge_for)


def server_set_deleted(record, deleted: bool, user: User) -> int:
    """Tombstone `record`, or bring it back, as `user`; returns the version (the caller commits)."""
    merge = Merge(delete=deleted, undelete=not deleted)
    return _server_write(record, user, "delete" if deleted else "undelete", {}, lambda _ctx: merge)
