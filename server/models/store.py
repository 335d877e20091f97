"""A store: one dealership showroom, the tenant of everything else."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class Store(db.Model):
    """A dealership showroom (4S store). `version` is its sync counter: every write takes the next one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    brand: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Changes when the store's sync history is replaced (restore from backup): tablets then pull afresh.
    sync_epoch: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    #: Tombstones at or below this version were purged: a pull cursor older than it must start over.
    tombstone_floor: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Days after a handover at which the consultant's follow-up calls fall due (domain.md §5.3).
    follow_up_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 3, 7, 30])
    #: An office session ends after this many minutes without a request (set by the admin on the users page).
    office_idle_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    #: The sales policy the manager sets (a period): a customer received by several consultants in it chooses one
    #: (the attribution rule, workflow/attribution.py). None: no policy.
    sales_policy_starts: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sales_policy_ends: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def to_public(self) -> dict:
        """What a signed-in client may know of its own store."""
        return {"id": self.id, "code": self.code, "name": self.name, "brand": self.brand, "address": self.address}


def next_store_version(store_id: int) -> int:
    """Take the store's next version inside the caller's transaction.

    The UPDATE locks the store's counter row (PostgreSQL) or takes SQLite's write lock, so versions become
    visible in commit order, which is what the pull cursor relies on (SYNC_PROTOCOL.md, Pull).
    """
    stmt = update(Store).where(Store.id == store_id).values(version=Store.version + 1).returning(Store.version)
    return db.session.execute(stmt).scalar_one()
