"""The customer file (客户档案): who the customer is, how hot, where from, and whose; and every change of its
grade, kept as written."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
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


class GradeChange(SyncMixin, db.Model):
    """One change of a customer's grade (domain.md §5.1 `grade_history`): who, when (the device's clock), from,
    to and why. Append-only: recorded once on a tablet and never changed or deleted (the registry refuses it, and
    a database trigger refuses an update of its content); the customer's `grade` is put beside it."""

    __tablename__ = "grade_change"
    __table_args__ = (CheckConstraint(f"to_grade IN ({', '.join(repr(g) for g in GRADES)})", name="to_grade"),)
    SYNC_FIELDS = (
        "customer_id",
        "from_grade",
        "to_grade",
        "reason",
        "needs_analysis_id",
        "note",
        "changed_by",
        "changed_by_name",
        "changed_at",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    from_grade: Mapped[str | None] = mapped_column(String(2))  # None: not known to the writer
    to_grade: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(16))  # vocabularies/grades.py GRADE_CHANGE_REASONS
    needs_analysis_id: Mapped[str | None] = mapped_column(ForeignKey("needs_analysis.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[int] = mapped_column(Integer, ForeignKey("user.id"))
    #: as the change was made, so every tablet can say who (users are not synced)
    changed_by_name: Mapped[str] = mapped_column(String(80), default="")
    changed_at: Mapped[str] = mapped_column(String(40))  # the device's clock: shown, never trusted for ordering
