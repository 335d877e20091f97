"""The demo seeder: every demo record has a deterministic id (UUIDv5 of its natural key), so seeding twice finds
what is there and changes nothing."""

from __future__ import annotations

import uuid

from ..extensions import db
from ..models import Store, next_store_version

NAMESPACE = uuid.UUID("6f1f4f0e-8a53-4c8e-9a43-1d2b1c0d5e01")


def demo_id(*key: object) -> str:
    """The stable id of a demo record."""
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, key))))


class Seeder:
    """Inserts demo records of one store by natural key; counts what it created."""

    def __init__(self, store: Store):
        self.store, self.created = store, 0

    def ensure(self, model: type, key: tuple, **fields) -> object:
        """Insert the record with the id of `key` unless it exists; each insert takes a store version."""
        record_id = demo_id(model.__tablename__, *key)
        record = db.session.get(model, record_id)
        if record is None:
            record = model(id=record_id, store_id=self.store.id)
            record.apply(fields, next_store_version(self.store.id))
            db.session.add(record)
            db.session.flush()
            self.created += 1
        return record
