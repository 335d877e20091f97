"""Finding a record of the writer's own store by the id a tablet or a form sent."""

from __future__ import annotations

from ..extensions import db

#: The largest key an INTEGER primary key (users) holds on every database.
MAX_INTEGER_KEY = 2**31 - 1


def store_record(model, record_id, store_id: int):
    """The record of this store with this id, or None (also for an id of the wrong type or another store's record).

    It also finds a record an earlier mutation of the same push created: the push's fast pass keeps those
    pending (unflushed), so `session.get` alone does not see them, and a walk-in's customer and the drive,
    needs analysis or delivery made for them, pushed together offline, would be refused."""
    key_type = model.__mapper__.primary_key[0].type.python_type
    if isinstance(record_id, bool) or not isinstance(record_id, key_type) or record_id in ("", None):
        return None
    if key_type is int and not 0 < record_id <= MAX_INTEGER_KEY:
        return None
    record = db.session.get(model, record_id)
    if record is None:
        record = next((o for o in db.session.new if isinstance(o, model) and o.id == record_id), None)
    return record if record is not None and record.store_id == store_id else None
