"""Purging old tombstones, and the floor that makes tablets which missed them start over.

SYNC_PROTOCOL.md, Pull: a cookie older than the tombstone horizon (`TOMBSTONE_DAYS`) gets `clear` and the full
state. Deleting a tombstone loses the `del` a tablet that was offline longer would need, so the purge raises the
store's `tombstone_floor` to the highest purged version in the same transaction: a cookie below it starts over.
A tombstone that another record still names (a deleted customer's needs analyses, drives, grade changes — a
history is never deleted) is kept while it is named: deleting it would break the reference.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, exists, func, select, true

from ..database import write_transaction
from ..extensions import db
from ..models import Store
from ..records.registry import REGISTRY
from .protocol import lock_store


def _unnamed(entity, table):
    """A condition on `table`'s rows: no record of any entity names the row in one of its references."""
    named = [
        exists().where(other.model.__table__.c[name] == table.c.id)
        for other in REGISTRY.values()
        for name, models in other.refs.items()
        if entity.model in models
    ]
    return and_(*(~clause for clause in named)) if named else true()


def purge_tombstones(store_id: int, older_than: datetime) -> int:
    """Delete the store's tombstoned records last changed before `older_than`; returns how many.

    Runs in its own write transaction under the store's lock (like a push), so no pull reads half of it.
    """
    purged, highest = 0, 0
    with write_transaction():
        lock_store(store_id)
        for entity in REGISTRY.values():
            table = entity.model.__table__
            condition = (
                (table.c.store_id == store_id)
                & table.c.deleted.is_(True)
                & (table.c.updated_at < older_than)
                & _unnamed(entity, table)
            )
            count, top = db.session.execute(
                select(func.count(), func.max(table.c.version)).select_from(table).where(condition)
            ).one()
            if not count:
                continue
            db.session.execute(delete(table).where(condition))
            purged, highest = purged + count, max(highest, top)
        store = db.session.get(Store, store_id)
        if highest > store.tombstone_floor:
            store.tombstone_floor = highest
    return purged
