"""Office pages of what walk-arounds produced: the customer file with needs analyses and session summaries,
sessions per consultant, the points and objections per series, and the manager's rubric score."""

from __future__ import annotations

from flask import Blueprint, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..i18n import get_locale
from ..models import Customer, NeedsAnalysis, Presentation, Series, Trim, User, Walkaround, WalkaroundScore
from ..policy import office, store_get
from ..schemas.walkaround import ScoreFormSchema
from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.grades import GRADE_CHANGE_REASONS, GRADES
from ..vocabularies.roles import REVIEW_ROLES
from ..vocabularies.test_drive import KIND_LABELS, REASONS
from ..vocabularies.walkaround import (
    DECISION_MAKERS,
    PAYMENTS,
    POSITIONS,
    RUBRIC,
    RUBRIC_MAX,
    TIMELINES,
    TOPICS,
    USAGES,
)
from ..workflow import customer_timeline
from ..workflow import walkaround_reports as reports
from ..workflow.walkaround import summarise
from .forms import load_form
from .htmx import render, see_other

bp = Blueprint("walkaround", __name__, url_prefix="/office")

CUSTOMER_VIEWERS = ("receptionist", "account_manager", "manager", "back_office", "admin")
SCORERS = ("manager", "admin")
PERIODS = (7, 30, 90, 365)
VOCABULARIES = {
    "TOPICS": TOPICS,
    "USAGES": USAGES,
    "DECISION_MAKERS": DECISION_MAKERS,
    "PAYMENTS": PAYMENTS,
    "TIMELINES": TIMELINES,
    "POSITIONS": POSITIONS,
    "GRADES": GRADES,
    "RUBRIC": RUBRIC,
    "RUBRIC_MAX": RUBRIC_MAX,
}


def localised(text: dict | None) -> str:
    """A content text `{"zh_CN", "en"}` in the request's language (Chinese when there is no English)."""
    if not text:
        return ""
    return text.get(get_locale()) or text.get("zh_CN", "")


bp.add_app_template_filter(localised, "wa_local")


def _names(ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


@bp.get("/customers/<customer_id>")
@office(*CUSTOMER_VIEWERS)
def customer_file(customer_id: str):
    """One customer's file (masked name and mobile): everything about the customer as one timeline, newest first,
    then the needs analyses and walk-around summaries in full."""
    customer = store_get(Customer, customer_id)
    analyses = db.session.scalars(
        select(NeedsAnalysis)
        .where(NeedsAnalysis.customer_id == customer.id, NeedsAnalysis.deleted.is_(False))
        .order_by(NeedsAnalysis.created_at.desc())
    ).all()
    sessions = db.session.scalars(
        select(Walkaround)
        .where(Walkaround.customer_id == customer.id, Walkaround.deleted.is_(False))
        .order_by(Walkaround.created_at.desc())
    ).all()
    series = dict(db.session.execute(select(Series.id, Series.name).where(Series.store_id == g.store_id)).all())
    timeline = customer_timeline.timeline(customer)
    presentations = reports.presentations_of([e.record for e in timeline if e.kind == "walkaround"])
    return render(
        "walkaround/customer.html",
        customer=customer,
        timeline=timeline,
        people=customer_timeline.names_of(timeline),
        timeline_time=customer_timeline.timeline_time,
        can_see_documents=current_user.role in REVIEW_ROLES,
        GRADE_CHANGE_REASONS=GRADE_CHANGE_REASONS,
        DRIVE_KIND_LABELS=KIND_LABELS,
        REASONS=REASONS,
        analyses=analyses,
        rows=reports.with_summaries(sessions),
        presentations=presentations,
        series=series,
        names=_names({a.consultant_id for a in analyses} | {s.consultant_id for s in sessions}),
        can_review=current_user.role in REVIEW_ROLES,
        LEAD_SOURCES=LEAD_SOURCES,
        **VOCABULARIES,
    )


@bp.get("/walkarounds")
@office(*REVIEW_ROLES)
def sessions():
    """Walk-arounds of a period: per consultant (coverage, time, score), then per series the talking points
    presented and liked and the objections that come up most."""
    days = request.args.get("days", "30")
    days = int(days) if days.isdigit() and int(days) in PERIODS else 30
    found = reports.sessions_since(g.store_id, days)
    rows = reports.with_summaries(found)
    customers = dict(
        db.session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_({s.customer_id for s in found}))
        ).all()
    )
    scores = dict(
        db.session.execute(
            select(WalkaroundScore.walkaround_id, WalkaroundScore.total).where(WalkaroundScore.store_id == g.store_id)
        ).all()
    )
    return render(
        "walkaround/sessions.html",
        days=days,
        PERIODS=PERIODS,
        consultants=reports.per_consultant(g.store_id, rows),
        series_stats=reports.point_stats(g.store_id, found),
        rows=rows[:100],
        customers=customers,
        scores=scores,
        presentations=reports.presentations_of(found),
        series=dict(db.session.execute(select(Series.id, Series.name).where(Series.store_id == g.store_id)).all()),
        names=_names({s.consultant_id for s in found}),
        **VOCABULARIES,
    )


def _session_page(session: Walkaround, status: int = 200, errors: dict | None = None, values: dict | None = None):
    presentation = db.session.get(Presentation, session.presentation_id)
    score = db.session.scalar(select(WalkaroundScore).where(WalkaroundScore.walkaround_id == session.id))
    customer = db.session.get(Customer, session.customer_id)
    trim = db.session.get(Trim, session.trim_id) if session.trim_id else None
    needs = db.session.get(NeedsAnalysis, session.needs_analysis_id) if session.needs_analysis_id else None
    return render(
        "walkaround/session.html",
        status_code=status,
        session=session,
        presentation=presentation,
        series_name=db.session.get(Series, presentation.series_id).name,
        summary=summarise(session.positions or {}, presentation, session.trim_id),
        score=score,
        customer=customer,
        trim=trim,
        needs=needs,
        names=_names({session.consultant_id, score.evaluator_id if score else None}),
        can_score=current_user.role in SCORERS,
        errors=errors or {},
        values=values or {},
        **VOCABULARIES,
    )


@bp.get("/walkarounds/<walkaround_id>")
@office(*REVIEW_ROLES)
def session(walkaround_id: str):
    """One walk-around: time and points per position, interests and objections, and the manager's score."""
    return _session_page(store_get(Walkaround, walkaround_id))


@bp.post("/walkarounds/<walkaround_id>/score")
@office(*SCORERS)
def save_score(walkaround_id: str):
    """Score a session against the rubric (domain.md §2.3): 12 items of 0-2 with comments; saved again replaces."""
    session = store_get(Walkaround, walkaround_id)
    data, errors = load_form(ScoreFormSchema())
    if errors:
        return _session_page(session, 422, errors, request.form)
    score = db.session.scalar(select(WalkaroundScore).where(WalkaroundScore.walkaround_id == session.id))
    if score is None:
        score = WalkaroundScore(store_id=g.store_id, walkaround_id=session.id)
        db.session.add(score)
    score.evaluator_id = g.user.id
    score.items, score.total, score.comment = data["items"], data["total"], data["comment"]
    db.session.commit()
    flash(_("Score saved: %(total)s of %(max)s.", total=data["total"], max=RUBRIC_MAX), "success")
    return see_other(url_for("walkaround.session", walkaround_id=session.id))
