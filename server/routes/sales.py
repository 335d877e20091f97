"""The sales manager's decisions on the sales floor: the lost-deal queue (战败审核) — each request with its reason,
competitor and price gap, approved or rejected with a comment — and the reactivation of a lost customer. Every
write goes through the sync rules (server_put): the consultant's tablet pulls the decision."""

from __future__ import annotations

from flask import Blueprint, flash, g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Customer, LostRequest, User
from ..policy import office, store_get
from ..vocabularies.customers import LOST_CATEGORIES, LOST_REASONS, LOST_STATES
from ..vocabularies.roles import REVIEW_ROLES
from ..workflow.lost_deals import decide, reactivate
from .htmx import render, see_other

bp = Blueprint("sales", __name__)

DECIDERS = ("manager", "admin")


def _queue(status: int = 200, errors: dict | None = None):
    requests = db.session.scalars(
        select(LostRequest).where(LostRequest.store_id == g.store_id, LostRequest.deleted.is_(False))
    ).all()
    order = {"pending": 0, "rejected": 1, "approved": 1}
    requests = sorted(requests, key=lambda r: (order.get(r.state, 2), r.requested_at or ""), reverse=False)
    pending = [r for r in requests if r.state == "pending"]
    decided = sorted((r for r in requests if r.state != "pending"), key=lambda r: r.decided_at or "", reverse=True)
    customer_ids = {r.customer_id for r in requests}
    user_ids = {r.requested_by for r in requests} | {r.decided_by for r in requests if r.decided_by}
    customers = db.session.scalars(select(Customer).where(Customer.id.in_(customer_ids))).all() if requests else []
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))).all() if requests else []
    return render(
        "office/lost_requests.html",
        status_code=status,
        pending=pending,
        decided=decided,
        customers={c.id: c for c in customers},
        users={u.id: u.display_name for u in users},
        errors=errors or {},
        LOST_CATEGORIES=LOST_CATEGORIES,
        LOST_REASONS=LOST_REASONS,
        LOST_STATES=LOST_STATES,
        can_decide=g.user.role in DECIDERS,
    )


@bp.get("/office/lost-deals")
@office(*REVIEW_ROLES)
def lost_requests():
    """Lost-deal requests: those waiting for the manager first, then the decided ones, newest first."""
    return _queue()


@bp.post("/office/lost-deals/<request_id>")
@office(*DECIDERS)
def decide_request(request_id: str):
    """Approve or reject a pending request, with a comment (required when rejecting: the consultant must know why)."""
    lost = store_get(LostRequest, request_id)
    decision, note = request.form.get("decision"), request.form.get("decision_note", "").strip()
    if lost.state != "pending":
        return _queue(409, {request_id: _("This request has been decided already.")})
    if decision not in ("approve", "reject"):
        return _queue(422, {request_id: _("Choose approve or reject.")})
    if decision == "reject" and not note:
        return _queue(422, {request_id: _("Say why the request is rejected: the consultant follows up with it.")})
    if len(note) > 1000:
        return _queue(422, {request_id: _("At most 1000 characters.")})
    decide(lost, decision == "approve", note, g.user)
    db.session.commit()
    flash(_("Lost deal approved.") if decision == "approve" else _("Lost-deal request rejected."), "success")
    return see_other(url_for("sales.lost_requests"))


@bp.post("/office/customers/<customer_id>/reactivate")
@office(*DECIDERS)
def reactivate_customer(customer_id: str):
    """A lost (L) customer becomes a new lead (N) again; the history is kept."""
    customer = store_get(Customer, customer_id)
    if customer.grade == "L":
        reactivate(customer, g.user)
        db.session.commit()
        flash(_("The customer is a new lead again."), "success")
    return see_other(url_for("walkaround.customer_file", customer_id=customer.id))
