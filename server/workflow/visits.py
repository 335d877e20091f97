"""The traffic log's rules that need the database: who may be named on a visit, when it may have happened, and the
attribution rule applied when a visit is written (workflow/attribution.py decides; this module gathers what it
reads and writes what it decided)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import moment as moment_of
from ..models import Customer, FollowUp, OwnershipChange, Store, User, Visit, as_utc, utcnow, uuid7
from ..records.lookup import store_record
from ..vocabularies.visits import SALES_PURPOSES
from .attribution import decide_owner

#: How far ahead of the server's clock a device time may be (a tablet's clock runs a little fast); a visit from a
#: paper log may be entered any time later.
CLOCK_SKEW = timedelta(minutes=10)


def is_consultant(user_id: object, store_id: int) -> bool:
    """Whether `user_id` is an active consultant of the store."""
    if not isinstance(user_id, int) or not 0 < user_id < 2**63:  # beyond BIGINT: no such user
        return False
    user = db.session.get(User, user_id)
    return user is not None and user.store_id == store_id and user.role == "consultant" and user.active


def check_visit(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """The consultants named are active consultants of the store; no time is more than ten minutes ahead of the
    server's clock. A field the put does not send is read from `current`."""
    problems: dict[str, list[str]] = {}
    for name in ("consultant_id", "requested_consultant_id", "invited_by_id"):
        if values.get(name) is not None and not is_consultant(values[name], store_id):
            problems[name] = [_("Choose a consultant of this store.")]
    latest = utcnow() + CLOCK_SKEW
    for name in ("arrived_at", "left_at"):
        moment = moment_of(values.get(name))
        if moment is not None and moment > latest:
            problems[name] = [_("This time is still to come: enter the time the visitor came.")]
    return problems


def _visits_of(customer_id: str) -> list[Visit]:
    return list(
        db.session.scalars(select(Visit).where(Visit.customer_id == customer_id, Visit.deleted.is_(False))).all()
    )


def attribution_case(customer: Customer, visit: Visit) -> dict:
    """What the attribution rule reads for `visit` of `customer`, from the database (decide_owner's argument)."""
    arrived = moment_of(visit.arrived_at)
    earlier = [
        v
        for v in _visits_of(customer.id)
        if v.id != visit.id and v.purpose in SALES_PURPOSES and moment_of(v.arrived_at) < arrived
    ]
    previous = max(earlier, key=lambda v: moment_of(v.arrived_at), default=None)
    since = previous.arrived_at if previous else customer.device_created_at or as_utc(customer.created_at).isoformat()
    calls = db.session.scalars(
        select(FollowUp.done_at).where(
            FollowUp.customer_id == customer.id,
            FollowUp.owner_id == customer.owner_id,
            FollowUp.method == "phone",
            FollowUp.result == "reached",
            FollowUp.done_at.is_not(None),
            FollowUp.deleted.is_(False),
        )
    ).all()
    store = db.session.get(Store, customer.store_id)
    policy = received = None
    if store.sales_policy_starts and store.sales_policy_ends:
        starts, ends = as_utc(store.sales_policy_starts), as_utc(store.sales_policy_ends)
        policy = {"starts": starts.isoformat(), "ends": ends.isoformat()}
        received = sorted({v.consultant_id for v in earlier if starts <= moment_of(v.arrived_at) < ends})
    return {
        "owner_id": customer.owner_id,
        "visit": {
            "consultant_id": visit.consultant_id,
            "arrived_at": visit.arrived_at,
            "requested_consultant_id": visit.requested_consultant_id,
            "invited_by_id": visit.invited_by_id,
        },
        "since": since,
        "owner_calls": [c for c in calls if moment_of(c) is not None],
        "policy": policy,
        "received_by": received or [],
    }


def attribute(ctx, visit: Visit) -> None:
    """After a visit is written (a tablet's push or the office): apply the attribution rule to its customer, and
    keep a change of owner as an `ownership_change` at the same store version. A visit that is not sales traffic,
    names no customer, or was deleted changes nobody's customer."""
    if visit.deleted or not visit.customer_id or visit.purpose not in SALES_PURPOSES:
        return
    customer = store_record(Customer, visit.customer_id, ctx.store_id)
    if customer is None or customer.deleted:
        return
    db.session.flush()  # the rule reads this push's earlier visits and calls too (the fast pass holds them pending)
    decided = decide_owner(attribution_case(customer, visit))
    if not decided["changed"]:
        return
    change = OwnershipChange(id=uuid7(), store_id=ctx.store_id)
    change.apply(
        {
            "customer_id": customer.id,
            "from_id": customer.owner_id,
            "to_id": decided["owner_id"],
            "reason": decided["reason"],
            "at": utcnow().isoformat(),
            "visit_id": visit.id,
            "decided_by": None,
            "note": "",
        },
        ctx.version,
        "server",
    )
    db.session.add(change)
    customer.apply({"owner_id": decided["owner_id"]}, ctx.version, "server")
