"""Lost deals (战败) with approval: what a consultant's request may say, and the manager's decision in the office —
approved, the customer is graded L (kept as a grade change) and its open follow-ups are closed; rejected, the
customer stays as it was, to be followed up. Reactivation makes a lost customer N again, with its history kept."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Customer, FollowUp, GradeChange, LostRequest, User, utcnow, uuid7
from ..records.lookup import store_record
from ..records.writes import server_put
from ..vocabularies.customers import COMPETITOR_CATEGORIES

#: The fields only the office writes.
DECISION = ("decided_by", "decided_at", "decision_note")


def check_lost_request(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """A request names a customer of the store and, when a competitor won, the competitor's brand; a tablet sends
    it as pending and never decides it; a decided request is not changed any more."""
    problems: dict[str, list[str]] = {}
    known = {**(current or {}), **values}
    if current and current.get("state") not in (None, "pending"):
        return {"state": [_("The manager has decided this request; it cannot be changed.")]}
    if values.get("state") not in (None, "pending") or any(values.get(name) for name in DECISION):
        problems["state"] = [_("Only the manager decides a lost deal, in the office.")]
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    category = str(known.get("reason") or "").split(".")[0]
    if category in COMPETITOR_CATEGORIES and not known.get("competitor_brand"):
        problems["competitor_brand"] = [_("Name the brand the customer chose.")]
    return problems


def _grade(customer: Customer, grade: str, reason: str, user: User, note: str = "") -> None:
    """Set the customer's grade as `user`, kept as a grade change (the caller commits)."""
    if customer.grade == grade:
        return
    change = GradeChange(id=uuid7(), store_id=customer.store_id)
    values = {
        "customer_id": customer.id,
        "from_grade": customer.grade,
        "to_grade": grade,
        "reason": reason,
        "needs_analysis_id": None,
        "note": note,
        "changed_by": user.id,
        "changed_by_name": user.display_name,
        "changed_at": utcnow().isoformat(),
    }
    db.session.add(change)
    server_put(change, values, user)
    server_put(customer, {"grade": grade}, user)


def decide(request: LostRequest, approve: bool, note: str, user: User) -> None:
    """The manager's decision on a pending request (the caller commits): approved → grade L, the customer's open
    follow-ups closed; rejected → nothing else changes."""
    now = utcnow().isoformat()
    state = "approved" if approve else "rejected"
    server_put(request, {"state": state, "decided_by": user.id, "decided_at": now, "decision_note": note}, user)
    if not approve:
        return
    customer = db.session.get(Customer, request.customer_id)
    _grade(customer, "L", "lost_approved", user, note)
    open_calls = db.session.scalars(
        select(FollowUp).where(
            FollowUp.customer_id == customer.id, FollowUp.done_at.is_(None), FollowUp.deleted.is_(False)
        )
    ).all()
    for call in open_calls:
        server_put(call, {"done_at": now, "result": "closed"}, user)


def reactivate(customer: Customer, user: User) -> None:
    """A lost customer becomes a new lead again (grade N), the history kept (the caller commits)."""
    _grade(customer, "N", "reactivated", user)
