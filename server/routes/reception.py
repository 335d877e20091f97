"""Reception (来店登记): today's visitors — who is waiting for whom — and the desk's form to log a visit or a phone-in
(also from a paper log, after the fact); the visit log with its filters. Finding the customer's file by mobile comes
first, so one person is one customer. Every write goes through the sync rules (server_put): the attribution rule
runs on each visit, and tablets pull the result."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, flash, g, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..i18n import moment, store_zone
from ..models import Customer, Series, User, Visit, utcnow, uuid7
from ..policy import office, store_get
from ..records.writes import server_put
from ..schemas.customer import CustomerSchema, VisitSchema, normalise_mobile
from ..vocabularies.roles import REVIEW_ROLES
from ..vocabularies.visits import VISIT_KINDS, VISIT_PURPOSES
from ..workflow.test_drive import store_today
from ..workflow.test_drive_reports import day_bounds
from ..workflow.visits import check_visit
from .forms import field_errors, form_data, save_record, typed_numbers
from .htmx import render, see_other

bp = Blueprint("reception", __name__)

VIEWERS = ("receptionist", *REVIEW_ROLES)
DESK = ("receptionist", "manager")
#: The visit form's own names: who the visitor is, found or made before the visit is.
VISITOR = ("visitor_name", "visitor_phone")


def consultants() -> list[User]:
    """The store's active consultants, by name."""
    query = select(User).where(User.store_id == g.store_id, User.role == "consultant", User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.display_name)).all())


def visits_between(start: datetime, end: datetime, **filters) -> list[Visit]:
    """The store's visits that arrived in [start, end), newest first; `filters` are equal-to conditions."""
    query = select(Visit).where(Visit.store_id == g.store_id, Visit.deleted.is_(False))
    for name, value in filters.items():
        if value not in (None, ""):
            query = query.where(getattr(Visit, name) == value)
    rows = [v for v in db.session.scalars(query).all() if (at := moment(v.arrived_at)) and start <= at < end]
    return sorted(rows, key=lambda v: moment(v.arrived_at), reverse=True)


def _page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    start, end = day_bounds(store_today())
    today = visits_between(start, end)
    now = datetime.now(store_zone()).strftime("%Y-%m-%dT%H:%M")
    return render(
        "office/reception.html",
        status_code=status,
        visits=today,
        waiting=[v for v in today if v.left_at is None],
        people=_people(today),
        consultants=consultants(),
        series=db.session.scalars(
            select(Series).where(Series.store_id == g.store_id, Series.deleted.is_(False)).order_by(Series.sort_order)
        ).all(),
        errors=errors or {},
        values={"arrived_at": now, "kind": "walk_in", "purpose": "new_car", "party_size": "1", **(values or {})},
    )


def _people(visits: list[Visit]) -> dict:
    """id → user or customer named by the visits (one query each)."""
    user_ids = {v.consultant_id for v in visits} | {v.requested_consultant_id for v in visits}
    customer_ids = {v.customer_id for v in visits if v.customer_id}
    users = db.session.scalars(select(User).where(User.id.in_(user_ids - {None}))).all() if user_ids else []
    customers = db.session.scalars(select(Customer).where(Customer.id.in_(customer_ids))).all() if customer_ids else []
    return {"users": {u.id: u for u in users}, "customers": {c.id: c for c in customers}}


@bp.get("/office/reception")
@office(*VIEWERS)
def today():
    """Today's visitors, newest first, with who is still in the showroom; the desk's form to log a visit."""
    return _page()


def find_or_make_customer(name: str, phone: str, found: Customer | None) -> tuple[Customer | None, dict[str, str]]:
    """The visitor's file: `found` (the store's customer with this mobile), else a new file (owned by nobody yet:
    the visit's attribution gives it its owner); None when the visitor left neither name nor mobile."""
    if found is not None:
        return found, {}
    phone = normalise_mobile(phone or "")
    if not name and not phone:
        return None, {}
    try:
        values = CustomerSchema().load({"name": name, "phone": phone, "source": request.form.get("channel") or None})
    except ValidationError as exc:
        names = {"name": "visitor_name", "phone": "visitor_phone", "source": "channel"}
        return None, {names.get(k, k): v for k, v in field_errors(exc).items()}
    customer = Customer(id=uuid7(), store_id=g.store_id)
    db.session.add(customer)
    server_put(customer, values, g.user)  # committed with the visit
    return customer, {}


@bp.post("/office/reception")
@office(*DESK)
def log_visit():
    """Log a visit (or a phone-in): find the visitor's file by mobile, or open one; the visit then applies the
    attribution rule. Errors are shown at their fields and nothing is stored."""
    form = form_data(ignore=VISITOR, lists=("outcomes",))
    for name in ("requested_consultant_id", "invited_by_id", "series_id", "left_at"):
        if form.get(name) == "":
            form[name] = None
    if form.get("consultant_id") == "":
        del form["consultant_id"]  # nobody chosen: "This field is required."
    form.setdefault("outcomes", [])
    data = {**typed_numbers(VisitSchema(), form), "recorded_by": g.user.id, "customer_id": None}
    try:
        values = VisitSchema().load(data)
    except ValidationError as exc:
        return _page(422, field_errors(exc), request.form)
    problems = {k: str(v[0]) for k, v in check_visit(values, g.store_id).items()}
    if problems:
        return _page(422, problems, request.form)
    name, phone = request.form.get("visitor_name", "").strip(), request.form.get("visitor_phone", "").strip()
    found = _find_by_phone(phone) if phone else None
    if phone and not name and found is None:
        return _page(422, {"visitor_name": _("Enter the visitor's name to open a file for this number.")}, request.form)
    customer, errors = find_or_make_customer(name, phone, found)
    if errors:
        return _page(422, errors, request.form)
    if customer is not None:
        values["customer_id"] = customer.id
        values["first_visit"] = not _has_visits(customer.id)
    save_record(Visit(id=uuid7(), store_id=g.store_id), values)
    flash(_("Visit logged."), "success")
    return see_other(url_for("reception.today"))


def _find_by_phone(phone: str) -> Customer | None:
    phone = normalise_mobile(phone)
    return db.session.scalar(
        select(Customer).where(Customer.store_id == g.store_id, Customer.phone == phone, Customer.deleted.is_(False))
    )


def _has_visits(customer_id: str) -> bool:
    return db.session.scalar(select(Visit.id).where(Visit.customer_id == customer_id).limit(1)) is not None


@bp.post("/office/reception/<visit_id>/left")
@office(*DESK)
def left(visit_id: str):
    """The visitor has left: their leaving time is now (it may be corrected on the visit)."""
    visit = store_get(Visit, visit_id)
    if visit.left_at is None:
        save_record(visit, {"left_at": utcnow().astimezone(store_zone()).isoformat(timespec="seconds")})
    return see_other(url_for("reception.today"))


@bp.get("/office/visits")
@office(*VIEWERS)
def log():
    """The visit log over a period (default: the last 7 days), by consultant, kind and purpose."""
    today_ = store_today()
    try:
        first = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        first = today_ - timedelta(days=6)
    try:
        last = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        last = today_
    consultant = request.args.get("consultant_id", "")
    filters = {
        "consultant_id": int(consultant) if consultant.isdigit() else None,
        "kind": request.args.get("kind") if request.args.get("kind") in VISIT_KINDS else None,
        "purpose": request.args.get("purpose") if request.args.get("purpose") in VISIT_PURPOSES else None,
    }
    rows = visits_between(day_bounds(first)[0], day_bounds(last)[1], **filters)
    return render(
        "office/visits.html",
        "office/_visit_rows.html",
        visits=rows,
        people=_people(rows),
        consultants=consultants(),
        first=first.isoformat(),
        last=last.isoformat(),
        chosen=filters,
    )
