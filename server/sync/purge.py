"""Purging old tombstones, and the floor that makes tablets which missed them start over.

SYNC_PROTOCOL.md, Pull: a cookie older than the tombstone horizon (`TOMBSTONE_DAYS`) gets `clear` and the full
state. Deleting a tombstone loses the `del` a tablet that was offline longer would need, so the purge raises the
store's `tombstone_floor` to the highest purged version in the same transaction: a cookie below it starts over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from ..database import write_transaction
from ..extensions import db
from ..models import Store
from ..records.registry import REGISTRY
from .protocol import lock_store


def purge_tombstones(store_id: int, older_than: datetime) -> int:
    """Delete the store's tombstoned records last changed before `older_than`; returns how many.

    Runs in its own write transaction under the store's lock (like a push), so no pull reads half of it.
    """
    purged, highest = 0, 0
    with write_transaction():
        lock_store(store_id)
        for entity in REGISTRY.values():
            table = entity.model.__table__
            condition = (table.c.store_id == store_id) & table.c.deleted.is_(True) & (table.c.updated_at < older_than)
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
