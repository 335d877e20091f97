"""Office review of what synced: conflicts to settle, rejected mutations to read (htmx)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Conflict, MutationLog, User
from ..policy import office, store_get
from ..records.conflicts import StaleConflict, conflicting_record, current_value, settle
from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.grades import GRADES
from ..vocabularies.roles import REVIEW_ROLES
from ..workflow.test_drive import describe_value
from .htmx import is_fragment_request, render, see_other

bp = Blueprint("review", __name__, url_prefix="/office")

REVIEWERS = REVIEW_ROLES
STATES = ("open", "kept", "restored")


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()
    return dict(rows)


def _row_context(conflict: Conflict) -> dict:
    record = conflicting_record(conflict)
    current = current_value(conflict, record)
    return {
        "conflict": conflict,
        "record": record,
        "current": current,
        "label": getattr(record, "name", None) or getattr(record, "plate", None) or conflict.record_id[:8],
        # values a person cannot read (a drive's id) described; None: shown as they are
        "described": {
            "base": _described(conflict, conflict.base_value),
            "overwritten": _described(conflict, conflict.overwritten_value),
            "applied": _described(conflict, conflict.applied_value),
            "current": _described(conflict, current),
        },
    }


def _described(conflict: Conflict, value) -> str | None:
    """A conflict value as people read it where the raw one is a code or an id (a lead source, a grade, a
    consultant, a drive); None: shown as it is."""
    if conflict.entity == "customer" and isinstance(value, str):
        if conflict.field == "source" and value in LEAD_SOURCES:
            return str(LEAD_SOURCES[value])
        if conflict.field == "grade" and value in GRADES:
            return f"{value} · {GRADES[value][0]}"
    if conflict.entity == "customer" and conflict.field == "owner_id" and isinstance(value, int):
        return _names({value}).get(value)
    return describe_value(conflict.entity, conflict.field, value)


def _counts() -> dict:
    """How many conflicts of the store are in each state."""
    return dict(
        db.session.execute(
            select(Conflict.state, func.count()).where(Conflict.store_id == g.store_id).group_by(Conflict.state)
        ).all()
    )


@bp.get("/conflicts")
@office(*REVIEWERS)
def conflicts():
    """Conflicts of the store, open ones first; each with base, overwritten and applied values, who and when."""
    state = request.args.get("state", "open")
    query = select(Conflict).where(Conflict.store_id == g.store_id)
    if state in STATES:
        query = query.where(Conflict.state == state)
    rows = db.session.scalars(query.order_by(Conflict.version.desc()).limit(200)).all()
    counts = _counts()
    resolvers = _names({c.resolved_by for c in rows if c.resolved_by})
    return render(
        "review/conflicts.html",
        "review/_conflict_rows.html",
        rows=[_row_context(c) for c in rows],
        state=state,
        counts=counts,
        resolvers=resolvers,
        error=None,
    )


@bp.post("/conflicts/<conflict_id>/<action>")
@office(*REVIEWERS)
def settle_conflict(conflict_id: str, action: str):
    """Keep the applied value, or restore the overwritten one (a new version that syncs back to tablets). The htmx
    answer is the settled row, with the state tabs out of band so their counts follow."""
    if action not in ("keep", "restore"):
        abort(404)
    state = request.args.get("state", "open")
    conflict = store_get(Conflict, conflict_id)
    error = None
    try:
        settle(conflict, action, g.user)
        db.session.commit()
    except StaleConflict as exc:
        db.session.rollback()
        error = str(exc)
    if not is_fragment_request():
        return see_other(url_for("review.conflicts", state=state if state in (*STATES, "all") else None))
    status = 409 if error else 200
    resolvers = _names({conflict.resolved_by} if conflict.resolved_by else set())
    return render(
        "review/_conflict_row.html",
        "review/_conflict_row.html",
        status_code=status,
        resolvers=resolvers,
        error=error,
        state=state,
        counts=_counts(),
        oob_tabs=True,
        **_row_context(conflict),
    )


@bp.get("/rejections")
@office(*REVIEWERS)
def rejections():
    """Mutations the server refused, with their payload and reason, newest first."""
    rows = db.session.scalars(
        select(MutationLog)
        .where(MutationLog.store_id == g.store_id, MutationLog.outcome == "rejected")
        .order_by(MutationLog.version.desc())
        .limit(200)
    ).all()
    names = _names({r.user_id for r in rows})
    return render(
        "review/rejections.html",
        rows=rows,
        names=names,
        pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True),
    )


@bp.app_template_filter("shown")
def shown(value) -> str:
    """A conflict value as a person reads it: text as is, nothing as a dash, structures as JSON."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Deleted")
    if value is False:
        return _("Kept (not deleted)")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
