"""The customer file (客户档案): who the customer is, how hot, where from, and whose; every change of its grade,
kept as written; the showroom traffic log (来店(电)登记) and every change of owner the attribution rule made."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
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


class Visit(SyncMixin, db.Model):
    """One visit or phone-in (domain.md §5.4): who came (no customer when the visitor left no details — the visit
    still counts), who received them, when they arrived and left (the device's clock), how and why they came, what
    they looked at and what happened. Logged by reception in the office or by the consultant on the tablet; the
    attribution rule (workflow/attribution.py) reads it when it syncs."""

    SYNC_FIELDS = (
        "customer_id",
        "consultant_id",
        "requested_consultant_id",
        "invited_by_id",
        "arrived_at",
        "left_at",
        "kind",
        "first_visit",
        "party_size",
        "purpose",
        "channel",
        "sub_channel",
        "series_id",
        "trim_id",
        "colour_id",
        "competitors",
        "outcomes",
        "notes",
        "recorded_by",
    )

    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customer.id"), index=True)
    consultant_id: Mapped[int] = mapped_column(Integer, ForeignKey("user.id"), index=True)
    #: the consultant the customer asked for (None: nobody in particular)
    requested_consultant_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user.id"))
    #: the consultant whose phone appointment booked this visit
    invited_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user.id"))
    arrived_at: Mapped[str] = mapped_column(String(40))
    left_at: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="walk_in")
    first_visit: Mapped[bool] = mapped_column(Boolean, default=True)
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    purpose: Mapped[str] = mapped_column(String(16), default="new_car")
    channel: Mapped[str] = mapped_column(String(32), default="walk_in")
    sub_channel: Mapped[str] = mapped_column(String(60), default="")
    series_id: Mapped[str | None] = mapped_column(ForeignKey("series.id"))
    trim_id: Mapped[str | None] = mapped_column(ForeignKey("trim.id"))
    colour_id: Mapped[str | None] = mapped_column(ForeignKey("colour.id"))
    competitors: Mapped[str] = mapped_column(String(200), default="")
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: who logged it (a receptionist, or the consultant themself)
    recorded_by: Mapped[int] = mapped_column(Integer, ForeignKey("user.id"))


class OwnershipChange(SyncMixin, db.Model):
    """One change of a customer's owner: from whom, to whom, why (vocabularies/visits.py OWNERSHIP_REASONS), when
    (the server's clock), the visit that caused it, and who decided when it was not the rule. Written by the server
    only; never changed."""

    __tablename__ = "ownership_change"
    SYNC_FIELDS = ("customer_id", "from_id", "to_id", "reason", "at", "visit_id", "decided_by", "note")

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    from_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user.id"))
    to_id: Mapped[int] = mapped_column(Integer, ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(24))
    at: Mapped[str] = mapped_column(String(40))
    visit_id: Mapped[str | None] = mapped_column(ForeignKey("visit.id"))
    decided_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class LostRequest(SyncMixin, db.Model):
    """A consultant's request to mark a customer lost (战败, domain.md §5.6): why (a reason code of the taxonomy),
    the competitor and the price gap where one won, a note; the manager approves or rejects it in the office with a
    comment. Approved: the customer is graded L and its open follow-ups are closed; rejected: back to following up.
    Kept whatever the decision (the 战败 rates count requests, approvals and rejections)."""

    __tablename__ = "lost_request"
    SYNC_FIELDS = (
        "customer_id",
        "reason",
        "competitor_brand",
        "competitor_model",
        "price_gap_yuan",
        "note",
        "requested_by",
        "requested_at",
        "state",
        "decided_by",
        "decided_at",
        "decision_note",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    competitor_brand: Mapped[str] = mapped_column(String(60), default="")
    competitor_model: Mapped[str] = mapped_column(String(60), default="")
    price_gap_yuan: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by: Mapped[int] = mapped_column(Integer, ForeignKey("user.id"))
    requested_at: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("user.id"))
    decided_at: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str] = mapped_column(Text, default="")
