"""Settling a conflict: a person keeps the applied value, or restores the overwritten one.

A restore is an ordinary server-side write (writes.py): it takes a new store version and syncs back to every
tablet. Both actions are refused when the record moved on since the conflict (someone wrote the field again),
so settling an old conflict can never overwrite a newer value unseen.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Conflict, User, utcnow
from .merge import DELETED
from .registry import REGISTRY
from .writes import server_put, server_set_deleted


class StaleConflict(Exception):
    """The record changed after the conflict; the person must look again."""


def conflicting_record(conflict: Conflict):
    """The record the conflict is about (None if it no longer exists)."""
    entity = REGISTRY.get(conflict.entity)
    return db.session.get(entity.model, conflict.record_id) if entity else None


def current_value(conflict: Conflict, record) -> object:
    """What the record holds now where the conflict is."""
    if record is None:
        return None
    return record.deleted if conflict.field == DELETED else getattr(record, conflict.field)


def settle(conflict: Conflict, action: str, user: User) -> None:
    """Apply `action` ('keep' or 'restore') as `user`, in the caller's transaction (the caller commits)."""
    if conflict.state != "open":
        raise StaleConflict(_("This conflict was already settled."))
    record = conflicting_record(conflict)
    applied = (conflict.applied_value is True) if conflict.field == DELETED else conflict.applied_value
    if record is None or current_value(conflict, record) != applied:
        raise StaleConflict(_("The record changed after this conflict. Reload to see its current value."))
    if action == "restore":
        _restore(conflict, record, user)
    resolved = {
        "state": "restored" if action == "restore" else "kept",
        "resolved_by": user.id,
        "resolved_at": utcnow().isoformat(),
    }
    server_put(conflict, resolved, user)


def _restore(conflict: Conflict, record, user: User) -> None:
    if conflict.field != DELETED:
        server_put(record, {conflict.field: conflict.overwritten_value}, user)
        on_restore = REGISTRY[conflict.entity].extra.get("on_restore")
        if on_restore is not None:  # what the entity's rules add to a restore (a grade change kept in the history)
            on_restore(conflict, record, user)
        return
    if conflict.overwritten_value is True:  # an edit revived a deleted record: delete it again
        server_set_deleted(record, True, user)
    else:  # a delete won over an edit: bring the record back with the values it had
        server_set_deleted(record, False, user)
        values = {k: v for k, v in (conflict.overwritten_value or {}).items() if k in record.SYNC_FIELDS}
        server_put(record, values, user)
