"""Domain rules of the seed (DESIGN.md): handover, test drives and eligibility, grading, walk-around."""

from __future__ import annotations

from ..extensions import db


def store_record(model, record_id, store_id: int):
    """The record of this store with this id, or None (also for a non-string id or another store's record).

    It also finds a record an earlier mutation of the same push created: the push's fast pass keeps those
    pending (unflushed), so `session.get` alone does not see them, and a walk-in's customer and the drive,
    needs analysis or delivery made for them, pushed together offline, would be refused."""
    if not isinstance(record_id, str) or not record_id:
        return None
    record = db.session.get(model, record_id)
    if record is None:
        record = next((o for o in db.session.new if isinstance(o, model) and o.id == record_id), None)
    return record if record is not None and record.store_id == store_id else None
