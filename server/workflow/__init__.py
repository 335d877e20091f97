"""Domain rules of the seed (DESIGN.md): handover, test drives and eligibility, grading, walk-around."""

from __future__ import annotations

import json

from sqlalchemy import select

from ..extensions import db
from ..models import next_store_version, uuid7


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


def load_versioned(store, model, schema, path):
    """Add a versioned template file (checklist, agreement…) to a store as a new row, or find the same
    (key, template_version) already there: a version, once loaded, is never changed, so old records render
    as they were signed."""
    data = schema().load(json.loads(path.read_text(encoding="utf-8")))
    existing = db.session.scalar(
        select(model).where(
            model.store_id == store.id,
            model.key == data["key"],
            model.template_version == data["template_version"],
        )
    )
    if existing is not None:
        return existing
    template = model(id=uuid7(), store_id=store.id)
    template.apply(data, next_store_version(store.id))
    db.session.add(template)
    db.session.flush()
    return template
