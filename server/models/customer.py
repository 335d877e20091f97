"""The customer file (客户档案): who the customer is, how hot, where from, and whose."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabularies.grades import GRADES
from .base import SyncMixin
from .user import User


class Customer(SyncMixin, db.Model):
    """A prospect or owner. `owner_id` is the consultant the attribution rule gave the customer to."""

    __table_args__ = (CheckConstraint(f"grade IN ({', '.join(repr(g) for g in GRADES)})", name="grade"),)
    SYNC_FIELDS = ("name", "phone", "grade", "source", "owner_id", "notes")

    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    grade: Mapped[str] = mapped_column(String(2), default="N")
    source: Mapped[str] = mapped_column(String(32), default="walk_in")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    notes: Mapped[str] = mapped_column(Text, default="")

    owner: Mapped[User | None] = relationship()
