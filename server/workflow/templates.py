"""Versioned template files (checklists, agreements): loaded once per version, never changed after."""

from __future__ import annotations

import json

from sqlalchemy import select

from ..extensions import db
from ..models import next_store_version, uuid7


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
