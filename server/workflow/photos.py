"""Records still waiting for photos a tablet named before uploading them (SYNC_PROTOCOL.md, Blobs), as the office
lists them: what record, whose, how many photos are missing, since when."""

from __future__ import annotations

from ..extensions import db
from ..models import TestDrive
from ..records.blobs import awaiting_records
from ..vocabularies.fields import entity_label
from ..vocabularies.privacy import mask_name


def _customer_name(record) -> str:
    name = getattr(record, "customer_name", None)
    drive_id = getattr(record, "test_drive_id", None)
    if name is None and drive_id is not None:
        drive = db.session.get(TestDrive, drive_id)
        name = drive.customer_name if drive is not None else None
    return mask_name(name) or "—"


def awaiting_photos(store_id: int, limit: int = 20) -> list[dict]:
    """The store's records still awaiting photos, longest-waiting first: kind, customer (masked), missing count,
    last change."""
    return [
        {
            "entity": name,
            "kind": entity_label(name),
            "customer": _customer_name(record),
            "missing": len(record.awaiting_blobs or []),
            "since": record.updated_at,
            "sealed": bool(getattr(record, "sealed", False)),
        }
        for name, record in awaiting_records(store_id, limit)
    ]
