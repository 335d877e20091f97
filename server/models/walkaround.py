"""The walk-around (六方位绕车介绍) and the needs analysis (进店五问).

Presentation content is versioned like checklist templates: a published `Presentation` row never changes, a
new publish is a new row, and a walk-around keeps the id of the exact version it showed — so a past session
shows what was presented then. The office edits a `PresentationDraft` (not synced) and publishes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import SyncMixin, utcnow, uuid7


class Presentation(SyncMixin, db.Model):
    """One published version of a series' walk-around content; immutable once written (read-only on tablets)."""

    __table_args__ = (UniqueConstraint("store_id", "series_id", "content_version"),)
    SYNC_FIELDS = ("series_id", "content_version", "position_order", "positions", "published_at", "published_by")

    series_id: Mapped[str] = mapped_column(ForeignKey("series.id"), index=True)
    content_version: Mapped[int] = mapped_column(Integer)
    position_order: Mapped[list] = mapped_column(JSON)  # ["front_left", …] (six codes)
    #: [{code, title{zh_CN,en}, stand_hint{…}, picture, points: [{code, topic, feature{…}, advantage{…},
    #:   benefit{…}, picture, trims}]}] in position_order
    positions: Mapped[list] = mapped_column(JSON)
    published_at: Mapped[str] = mapped_column(String(40))
    published_by: Mapped[int] = mapped_column(ForeignKey("user.id"))

    def position(self, code: str) -> dict | None:
        """The position with this code, or None."""
        return next((p for p in self.positions if p["code"] == code), None)

    def point_codes(self) -> dict[str, set[str]]:
        """Position code → the codes of its points."""
        return {p["code"]: {point["code"] for point in p["points"]} for p in self.positions}

    def pictures(self) -> set[str]:
        """Every picture (blob SHA-256) the content references."""
        found = {p["picture"] for p in self.positions if p.get("picture")}
        return found | {pt["picture"] for p in self.positions for pt in p["points"] if pt.get("picture")}


class PresentationDraft(db.Model):
    """The office's working copy of a series' content (one per series; not synced). Publishing copies it into
    a new `Presentation` row."""

    __tablename__ = "presentation_draft"
    __table_args__ = (UniqueConstraint("store_id", "series_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    series_id: Mapped[str] = mapped_column(ForeignKey("series.id"))
    position_order: Mapped[list] = mapped_column(JSON)
    positions: Mapped[list] = mapped_column(JSON)
    #: The published version this draft started from (None: a first draft).
    based_on: Mapped[str | None] = mapped_column(String(36))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class WalkaroundSetting(db.Model):
    """A store's default sequence of positions for new content (brand SOPs differ: domain.md §2.1)."""

    __tablename__ = "walkaround_setting"

    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    position_order: Mapped[list] = mapped_column(JSON)


class NeedsAnalysis(SyncMixin, db.Model):
    """The five questions at entry (进店五问), with the grade they suggest and the one the consultant confirmed."""

    __tablename__ = "needs_analysis"
    SYNC_FIELDS = (
        "customer_id",
        "consultant_id",
        "series_id",
        "usage",
        "users",
        "decision_maker",
        "budget_min",
        "budget_max",
        "payment",
        "current_car",
        "trade_in",
        "competitors",
        "focus_topics",
        "timeline",
        "suggested_grade",
        "grade",
        "notes",
        "answered_at",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    series_id: Mapped[str | None] = mapped_column(ForeignKey("series.id"))
    usage: Mapped[list] = mapped_column(JSON, default=list)
    users: Mapped[str] = mapped_column(String(200), default="")
    decision_maker: Mapped[str] = mapped_column(String(16), default="unknown")
    budget_min: Mapped[float | None] = mapped_column(Float)
    budget_max: Mapped[float | None] = mapped_column(Float)
    payment: Mapped[str] = mapped_column(String(16), default="undecided")
    current_car: Mapped[str] = mapped_column(String(120), default="")
    trade_in: Mapped[bool] = mapped_column(Boolean, default=False)
    competitors: Mapped[list] = mapped_column(JSON, default=list)
    focus_topics: Mapped[list] = mapped_column(JSON, default=list)
    timeline: Mapped[str] = mapped_column(String(8), default="unknown")
    suggested_grade: Mapped[str] = mapped_column(String(2), default="N")
    grade: Mapped[str | None] = mapped_column(String(2))
    notes: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[str | None] = mapped_column(String(40))  # the device's clock, shown, not trusted


class Walkaround(SyncMixin, db.Model):
    """One walk-around session with a customer, position by position, against one presentation version."""

    SYNC_FIELDS = (
        "customer_id",
        "consultant_id",
        "presentation_id",
        "needs_analysis_id",
        "trim_id",
        "started_at",
        "finished_at",
        "current_position",
        "positions",
        "brochure_given",
        "test_drive_invited",
        "status",
        "notes",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    presentation_id: Mapped[str] = mapped_column(ForeignKey("presentation.id"), index=True)
    needs_analysis_id: Mapped[str | None] = mapped_column(ForeignKey("needs_analysis.id"))
    trim_id: Mapped[str | None] = mapped_column(ForeignKey("trim.id"))
    started_at: Mapped[str] = mapped_column(String(40))  # device clocks: shown, never trusted for ordering
    finished_at: Mapped[str | None] = mapped_column(String(40))
    current_position: Mapped[str | None] = mapped_column(String(16))
    #: {position code: {seconds, sat_in, points: {point code: {presented, interest, objection, note}}}}
    positions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    brochure_given: Mapped[bool] = mapped_column(Boolean, default=False)
    test_drive_invited: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    notes: Mapped[str] = mapped_column(Text, default="")


class WalkaroundScore(db.Model):
    """A manager's optional review of a session against the rubric (domain.md §2.3); office only."""

    __tablename__ = "walkaround_score"
    __table_args__ = (UniqueConstraint("walkaround_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=uuid7)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    walkaround_id: Mapped[str] = mapped_column(ForeignKey("walkaround.id"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    items: Mapped[dict] = mapped_column(JSON)  # {rubric code: {score: 0|1|2, comment}}
    total: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
