"""The sync mixin: what every record that travels to tablets has, in one place."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Aware UTC now; the server's clock, never a device's."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def uuid7() -> str:
    """A time-ordered UUID (RFC 9562 version 7), as tablets make them; Python 3.11 has no uuid.uuid7."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


class SyncMixin:
    """A UUID made by the client, the owning store, the store version of the last change, a version per
    field, timestamps and a tombstone. `SYNC_FIELDS` lists the entity's own fields (META excluded)."""

    SYNC_FIELDS: tuple[str, ...] = ()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    field_versions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: Who last wrote each field: a client group id, or "office:<user id>" for a server-side write.
    field_origins: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: When the server received the record (its clock): `device_created_at` is when it happened.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When a tablet created the record, by its clock: the `deviceTime` of the mutation that created it, ISO 8601
    #: with its offset. None for records the office or the server made. Shown to people, never trusted.
    device_created_at: Mapped[str | None] = mapped_column(String(40))

    @property
    def happened_at(self) -> str | datetime:
        """When the record was made, for people: on the device if a tablet made it, else the server's time."""
        return self.device_created_at or self.created_at

    def apply(self, changes: dict[str, Any], version: int, origin: str | None = None) -> list[str]:
        """Set the fields in `changes` that differ, stamping each with `version` and `origin`.

        Returns the changed names. The sync merge rules (server/records/merge.py) decide *what* to write;
        this is the one place that writes it.
        """
        changed = [f for f, v in changes.items() if getattr(self, f) != v]
        if not changed:
            return []
        for field in changed:
            setattr(self, field, changes[field])
        self.field_versions = {**(self.field_versions or {}), **dict.fromkeys(changed, version)}
        if origin is not None:
            self.field_origins = {**(self.field_origins or {}), **dict.fromkeys(changed, origin)}
        self.version = version
        return changed

    def values(self) -> dict[str, Any]:
        """The entity's own fields (META excluded)."""
        return {field: getattr(self, field) for field in self.SYNC_FIELDS}


class AwaitsBlobs:
    """A record that may name blobs (photos) by SHA-256 before they are uploaded: the hashes this store does not
    hold yet, kept by the server like the META fields (SYNC_PROTOCOL.md, Blobs; None when it awaits nothing)."""

    awaiting_blobs: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
