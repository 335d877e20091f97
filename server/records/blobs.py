"""Records that name blobs before they arrive (SYNC_PROTOCOL.md, Blobs).

A tablet uploads a photo before pushing the record that names it, but the server accepts the other order: the
record is stored with the hashes this store does not hold yet in its `awaitingBlobs` (kept by the server like the
META fields, never part of a signed snapshot), and when a blob arrives every record of the store awaiting it takes
a new store version with the shorter list, so the next pull shows it. A hash named grants no access to the bytes.
"""

from __future__ import annotations

from sqlalchemy import String, cast, select

from ..extensions import db
from ..models import Blob, next_store_version
from ..schemas.fields import referenced
from .registry import REGISTRY, EntityType


def missing_blobs(store_id: int, hashes: set[str]) -> list[str]:
    """The hashes of `hashes` this store does not hold, sorted."""
    if not hashes:
        return []
    held = set(db.session.scalars(select(Blob.sha256).where(Blob.store_id == store_id, Blob.sha256.in_(hashes))))
    return sorted(hashes - held)


def refresh_awaiting(entity: EntityType, record, version: int, changed=None) -> None:
    """Set the record's `awaiting_blobs` from what its fields name now, when a field that may name blobs is among
    `changed` (None: any); a change of the list takes `version`."""
    if not entity.blob_fields or (changed is not None and not set(changed) & set(entity.blob_fields)):
        return
    values = {name: getattr(record, name) for name in entity.fields}
    awaiting = missing_blobs(record.store_id, set(referenced(entity.loader, values))) or None
    if (record.awaiting_blobs or None) != awaiting:
        record.awaiting_blobs = awaiting
        record.version = version


def release(store_id: int, sha256: str) -> int:
    """A blob arrived in this store: each record awaiting it loses it from `awaiting_blobs` at one new store version
    (the caller holds the store's lock, in a write transaction). Returns how many records changed."""
    version = None
    changed = 0
    for entity in REGISTRY.values():
        if not entity.blob_fields:
            continue
        model = entity.model
        waiting = select(model).where(
            model.store_id == store_id,
            model.awaiting_blobs.is_not(None),
            cast(model.awaiting_blobs, String).like(f'%"{sha256}"%'),  # a hash is hex: nothing to escape
        )
        for record in db.session.scalars(waiting):
            rest = [h for h in record.awaiting_blobs or [] if h != sha256]
            version = version or next_store_version(store_id)
            record.awaiting_blobs = rest or None
            record.version = version
            changed += 1
    return changed


def awaiting_records(store_id: int, limit: int = 50) -> list[tuple[str, object]]:
    """(entity name, record) of the store's live records still awaiting blobs, the longest-waiting change first."""
    found = []
    for entity in REGISTRY.values():
        if not entity.blob_fields:
            continue
        model = entity.model
        waiting = (
            select(model)
            .where(model.store_id == store_id, model.awaiting_blobs.is_not(None), model.deleted.is_(False))
            .order_by(model.updated_at)
            .limit(limit)
        )
        found.extend((entity.name, record) for record in db.session.scalars(waiting))
    return sorted(found, key=lambda pair: pair[1].updated_at)[:limit]
