"""The office side of test drives (htmx): today's drives and the fleet board, reports, and — for managers — the
fleet, the routes and the store's eligibility rules. Every write goes through the sync rules and log
(server_put), so tablets pull the change."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, flash, g, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import AgreementTemplate, DemoCar, DriveRoute, DriveRules, Series, Trim
from ..models.test_drive import CAR_STATUSES, ENERGIES, TRANSMISSIONS
from ..policy import office, store_get
from ..records.lookup import store_record
from ..schemas.test_drive import DemoCarSchema, DriveRouteSchema, DriveRulesSchema
from ..vocabularies.roles import REVIEW_ROLES
from ..vocabularies.test_drive import LICENCE_CLASSES, REASONS
from ..workflow.eligibility import DEFAULT_COVERAGE
from ..workflow.test_drive import rules_of, store_today
from ..workflow.test_drive_reports import figures, todays_drives
from .forms import field_errors, form_data, save_record, typed_numbers
from .htmx import render, see_other

bp = Blueprint("test_drives", __name__)

VIEWERS = ("receptionist", *REVIEW_ROLES)
EDITORS = ("manager", "admin")
#: What the office may set a car to; `out` is the server's, set when a drive starts.
OFFICE_STATUSES = ("available", "maintenance", "retired")


@bp.get("/office/test-drives")
@office(*VIEWERS)
def board():
    """Today's drives and the fleet board: each car's state, who has it out and since when."""
    cars = db.session.scalars(
        select(DemoCar).where(DemoCar.store_id == g.store_id, DemoCar.deleted.is_(False)).order_by(DemoCar.plate)
    ).all()
    return render(
        "test_drives/board.html",
        cars=cars,
        rows=todays_drives(g.store_id, store_today()),
        today=store_today(),
        REASONS=REASONS,
        can_edit=g.user.role in EDITORS,
    )


def _period() -> tuple[date, date, dict[str, str]]:
    today = store_today()
    first, last, errors = today - timedelta(days=29), today, {}
    for name in ("first", "last"):
        raw = request.args.get(name, "").strip()
        if not raw:
            continue
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Use a date like 2026-12-31.")
            continue
        first, last = (value, last) if name == "first" else (first, value)
    if not errors and first > last:
        errors["last"] = _("The end is before the start.")
    if errors or (last - first).days > 366:
        errors = errors or {"first": _("At most one year at a time.")}
        first, last = today - timedelta(days=29), today
    return first, last, errors


@bp.get("/office/test-drives/reports")
@office(*REVIEW_ROLES)
def reports():
    """Drives per consultant, model and escort; refusals by reason; the test-drive rate once visits exist."""
    first, last, errors = _period()
    return render(
        "test_drives/reports.html",
        status_code=422 if errors else 200,
        f=figures(g.store_id, first, last),
        first=first,
        last=last,
        errors=errors,
        REASONS=REASONS,
    )


# --- fleet ---------------------------------------------------------------------------------------------


def _trims() -> list[tuple[Trim, Series]]:
    return db.session.execute(
        select(Trim, Series)
        .join(Series, Trim.series_id == Series.id)
        .where(Trim.store_id == g.store_id, Trim.deleted.is_(False))
        .order_by(Series.sort_order, Trim.msrp_yuan)
    ).all()


def _fleet_page(status: int = 200, errors: dict | None = None, values: dict | None = None, car=None):
    cars = db.session.scalars(
        select(DemoCar).where(DemoCar.store_id == g.store_id, DemoCar.deleted.is_(False)).order_by(DemoCar.plate)
    ).all()
    return render(
        "test_drives/fleet.html",
        status_code=status,
        cars=cars,
        car=car,
        trims=_trims(),
        errors=errors or {},
        values=values or {},
        TRANSMISSIONS=TRANSMISSIONS,
        ENERGIES=ENERGIES,
        OFFICE_STATUSES=OFFICE_STATUSES,
        CAR_STATUSES=CAR_STATUSES,
    )


def _car_data(car: DemoCar | None) -> tuple[dict | None, dict[str, str]]:
    form = form_data()
    if form.get("status") not in (None, *OFFICE_STATUSES):
        return None, {"status": _("Choose one of the listed values.")}
    for name in ("vehicle_id", "current_drive_id", "out_since", "out_by"):
        form.pop(name, None)  # the server's, never a form's
    if form.get("odometer_km", "").strip() == "":
        form.pop("odometer_km", None)  # left blank: 0 for a new car, unchanged for an edit
    errors: dict[str, str] = {}
    trim_id = form.get("trim_id")
    trim = db.session.get(Trim, trim_id) if trim_id else None
    if (car is None or "trim_id" in form) and (trim is None or trim.store_id != g.store_id):
        errors["trim_id"] = _("Choose a trim of this store.")
    try:
        schema = DemoCarSchema()
        data = schema.load(typed_numbers(schema, form), partial=car is not None)
    except ValidationError as exc:
        return None, {**errors, **field_errors(exc)}
    taken = db.session.scalar(
        select(DemoCar.id).where(
            DemoCar.store_id == g.store_id, DemoCar.vin == data.get("vin"), DemoCar.deleted.is_(False)
        )
    )
    if data.get("vin") and taken and (car is None or taken != car.id):
        errors["vin"] = _("This VIN is already in the fleet.")
    if car is not None and data.get("status") in OFFICE_STATUSES and car.status == "out":
        data.update(current_drive_id=None, out_since=None, out_by=None)  # the office takes the car back
    return (None, errors) if errors else (data, {})


@bp.get("/office/fleet")
@office(*EDITORS)
def fleet():
    """The test-drive fleet with its status, keys, odometer and insurance; add or edit a car."""
    return _fleet_page()


@bp.post("/office/fleet")
@office(*EDITORS)
def add_car():
    """Add a car to the fleet."""
    data, errors = _car_data(None)
    if errors:
        return _fleet_page(422, errors, request.form)
    car = DemoCar(store_id=g.store_id)
    save_record(car, data)
    flash(_("Car %(plate)s added to the fleet.", plate=car.plate), "success")
    return see_other(url_for("test_drives.fleet"))


@bp.get("/office/fleet/<car_id>")
@office(*EDITORS)
def edit_car(car_id: str):
    """One car's form."""
    return _fleet_page(car=store_get(DemoCar, car_id))


@bp.post("/office/fleet/<car_id>")
@office(*EDITORS)
def save_car(car_id: str):
    """Save a car: status (available, maintenance, retired), keys, odometer, insurance…"""
    car = store_get(DemoCar, car_id)
    data, errors = _car_data(car)
    if errors:
        return _fleet_page(422, errors, request.form, car=car)
    save_record(car, data)
    flash(_("Car %(plate)s saved.", plate=car.plate), "success")
    return see_other(url_for("test_drives.fleet"))


# --- routes --------------------------------------------------------------------------------------------


def _routes_page(status: int = 200, errors: dict | None = None, values: dict | None = None, route_id=None):
    routes = db.session.scalars(
        select(DriveRoute)
        .where(DriveRoute.store_id == g.store_id, DriveRoute.deleted.is_(False))
        .order_by(DriveRoute.name)
    ).all()
    return render(
        "test_drives/routes.html",
        status_code=status,
        routes=routes,
        errors=errors or {},
        values=values or {},
        route_id=route_id,
    )


def _route_data() -> tuple[dict | None, dict[str, str]]:
    form = form_data()
    form["active"] = "active" in form
    try:
        schema = DriveRouteSchema()
        return schema.load(typed_numbers(schema, form)), {}
    except ValidationError as exc:
        return None, field_errors(exc)


@bp.get("/office/drive-routes")
@office(*EDITORS)
def routes():
    """The store's test-drive routes with their distances."""
    return _routes_page()


@bp.post("/office/drive-routes")
@office(*EDITORS)
def add_route():
    """Add a route."""
    data, errors = _route_data()
    if errors:
        return _routes_page(422, errors, request.form)
    route = DriveRoute(store_id=g.store_id)
    save_record(route, data)
    flash(_("Route %(name)s added.", name=route.name), "success")
    return see_other(url_for("test_drives.routes"))


@bp.post("/office/drive-routes/<route_id>")
@office(*EDITORS)
def save_route(route_id: str):
    """Change a route (name, distance, description, in use)."""
    route = store_get(DriveRoute, route_id)
    data, errors = _route_data()
    if errors:
        return _routes_page(422, errors, request.form, route_id=route.id)
    save_record(route, data)
    flash(_("Route %(name)s saved.", name=route.name), "success")
    return see_other(url_for("test_drives.routes"))


# --- eligibility rules ---------------------------------------------------------------------------------


def _rules_page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    rules = rules_of(g.store_id)
    templates = db.session.scalars(
        select(AgreementTemplate)
        .where(AgreementTemplate.store_id == g.store_id)
        .order_by(AgreementTemplate.key, AgreementTemplate.template_version)
    ).all()
    coverage = rules.class_coverage if rules else DEFAULT_COVERAGE
    return render(
        "test_drives/rules.html",
        status_code=status,
        rules=rules,
        templates=templates,
        coverage={held: ", ".join(classes) for held, classes in coverage.items()},
        classes=LICENCE_CLASSES,
        errors=errors or {},
        values=values or {},
    )


@bp.get("/office/drive-rules")
@office(*EDITORS)
def rules():
    """The store's eligibility table: ages, probation, experience, escort, licence classes, retention, agreement."""
    return _rules_page()


@bp.post("/office/drive-rules")
@office(*EDITORS)
def save_rules():
    """Save the eligibility table; tablets evaluate the new rules after their next sync."""
    form = form_data()
    coverage = {}
    for held in LICENCE_CLASSES:
        raw = form.pop(f"cover_{held}", "").strip().upper()
        if raw:
            coverage[held] = [c for c in re.split(r"[\s,，、]+", raw) if c]
    data = {name: form.get(name) for name in ("min_age", "probation_months", "min_experience_years")}
    data.update(
        refuse_probation="refuse_probation" in form,
        escort_required="escort_required" in form,
        licence_photo_retention_days=form.get("licence_photo_retention_days"),
        agreement_template_id=form.get("agreement_template_id") or None,
        class_coverage=coverage,
    )
    errors: dict[str, str] = {}
    try:
        schema = DriveRulesSchema()
        data = schema.load(typed_numbers(schema, data))
    except ValidationError as exc:
        errors = field_errors(exc)
        if "class_coverage" in errors:
            errors["class_coverage"] = _("Use licence classes such as C1, C2 separated by commas.")
    if not errors and not data["class_coverage"]:
        errors["class_coverage"] = _("At least one licence class must cover a car.")
    template = data.get("agreement_template_id") if not errors else None
    if template and store_record(AgreementTemplate, template, g.store_id) is None:
        errors["agreement_template_id"] = _("Unknown agreement.")
    if not errors and not data.get("agreement_template_id"):
        errors["agreement_template_id"] = _("Choose the agreement in force.")
    if errors:
        return _rules_page(422, errors, request.form)
    save_record(rules_of(g.store_id) or DriveRules(store_id=g.store_id), data)
    flash(_("Test-drive rules saved. Tablets use them after their next sync."), "success")
    return see_other(url_for("test_drives.rules"))
