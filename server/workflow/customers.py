"""Customer rules that need the database (the customer file's own field rules are in schemas/customer.py): the
owner of a file, what a grade change may follow, and the grade change a restore in the office makes."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import GradeChange, NeedsAnalysis, User, utcnow, uuid7
from ..records.lookup import store_record
from ..records.writes import server_put


def check_customer(values: dict, store_id: int, _current: dict | None = None) -> dict[str, list[str]]:
    """The owner must be an active consultant of the same store."""
    owner_id = values.get("owner_id")
    if owner_id is None:
        return {}
    owner = db.session.get(User, owner_id) if 0 < owner_id < 2**63 else None  # beyond BIGINT: no such user
    if owner is None or owner.store_id != store_id or owner.role != "consultant" or not owner.active:
        return {"owner_id": [_("Choose a consultant of this store.")]}
    return {}


def check_grade_change(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """A change that follows a needs analysis names one of the same customer; the name of who made it is that
    user's (the registry already refuses any user but the writer). A field the put does not send is read from
    `current`, the stored record."""
    problems: dict[str, list[str]] = {}
    known = {**(current or {}), **values}
    if values.get("needs_analysis_id") or (values.get("customer_id") and known.get("needs_analysis_id")):
        needs = store_record(NeedsAnalysis, known["needs_analysis_id"], store_id)
        if needs is None or needs.customer_id != known.get("customer_id"):
            problems["needs_analysis_id"] = [_("Choose a needs analysis of this customer.")]
    if values.get("changed_by_name"):
        author = store_record(User, known.get("changed_by"), store_id)
        if author is None or values["changed_by_name"] != author.display_name:
            problems["changed_by_name"] = [_("Not the name of the person who made the change.")]
    return problems


def on_restore(conflict, customer, user: User) -> None:
    """A grade the office restores from a conflict is a grade change like any other: kept in the history, in the
    name of the person who restored it (the caller commits)."""
    if conflict.field != "grade":
        return
    change = GradeChange(id=uuid7(), store_id=customer.store_id)
    values = {
        "customer_id": customer.id,
        "from_grade": conflict.applied_value,
        "to_grade": conflict.overwritten_value,
        "reason": "office",
        "needs_analysis_id": None,
        "note": "",
        "changed_by": user.id,
        "changed_by_name": user.display_name,
        "changed_at": utcnow().isoformat(),
    }
    server_put(change, values, user)
