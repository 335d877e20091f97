"""The sync engine's own tables: client groups and clients, the mutation log, conflicts, blobs.

SYNC_PROTOCOL.md is the contract these serve.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncMixin, utcnow


class ClientGroup(db.Model):
    """One app install of one user in one store; bound to them at first use."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncClient(db.Model):
    """One app instance (tab) of a client group, numbering its mutations 1, 2, 3…"""

    __tablename__ = "sync_client"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_group_id: Mapped[str] = mapped_column(ForeignKey("client_group.id"), index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The store version at which last_mutation_id last moved (for lastMutationIDChanges in pull).
    last_mutation_version: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MutationLog(db.Model):
    """Every processed mutation with its payload and outcome — and every office write, with no client.

    A rejected mutation is published to its client group as `rejection/<id>`.
    """

    __table_args__ = (
        UniqueConstraint("client_id", "mutation_id"),
        Index("ix_mutation_log_store_version", "store_id", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    client_group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    client_id: Mapped[str | None] = mapped_column(String(36))
    mutation_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(String(64))
    args: Mapped[Any] = mapped_column(JSON)
    device_time: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(BigInteger)
    error: Mapped[dict | None] = mapped_column(JSON)
    conflict_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The values this write replaced: {"<entity>/<id>": {field: [field version, value]}}, so a later conflict can
    #: show what both sides had seen even when that value was never written through the log (demo data, imports).
    replaced: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def result(self) -> dict:
        """The push result this mutation had, as sent then (and as `original` of a duplicate)."""
        result: dict[str, Any] = {"clientID": self.client_id, "id": self.mutation_id, "outcome": self.outcome}
        if self.outcome in ("applied", "conflict"):
            result["version"] = self.version
        if self.outcome == "conflict":
            result["conflictIDs"] = list(self.conflict_ids)
        if self.outcome == "rejected":
            result["error"] = self.error
        return result


class Conflict(SyncMixin, db.Model):
    """A value that lost a concurrent edit, kept until a person keeps the applied one or restores it."""

    SYNC_FIELDS = (
        "entity",
        "record_id",
        "field",
        "base_version",
        "base_value",
        "overwritten_value",
        "applied_value",
        "overwritten_by",
        "applied_by",
        "state",
        "resolved_by",
        "resolved_at",
    )

    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int] = mapped_column(BigInteger, default=0)
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    overwritten_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    applied_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    overwritten_by: Mapped[dict] = mapped_column(JSON, default=dict)
    applied_by: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_by: Mapped[int | None] = mapped_column(Integer)
    resolved_at: Mapped[str | None] = mapped_column(String(40))


class Blob(db.Model):
    """A blob a store holds (uploaded by its tablets or produced for it); bytes live in storage by SHA-256."""

    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16), default="upload")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
