"""The back office (htmx): home by role, the vehicle catalogue, vehicles, customers, users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Colour, Customer, Series, Trim, User, Vehicle
from ..policy import office, public, store_get
from ..schemas import ColourSchema, SeriesSchema, TrimSchema, UserCreateSchema, UserUpdateSchema
from ..schemas.user import OfficeIdleSchema
from ..vocabularies.catalogue import POWERTRAINS, STOCK_STATUSES
from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.fields import entity_label, field_label
from ..vocabularies.grades import GRADES
from ..vocabularies.privacy import mask_name, mask_phone
from ..vocabularies.roles import OFFICE_ROLES, REVIEW_ROLES, ROLES, TABLET_ROLES
from ..vocabularies.visits import OWNERSHIP_REASONS, VISIT_KINDS, VISIT_PURPOSES
from ..workflow.accounts import create_user
from ..workflow.photos import awaiting_photos
from ..workflow.test_drive import fleet_readings
from .forms import load_form, save_record
from .htmx import is_fragment_request, render, see_other

bp = Blueprint("office", __name__)

CATALOGUE_EDITORS = ("manager", "admin")
CUSTOMER_VIEWERS = ("receptionist", "account_manager", "manager", "back_office", "admin")


@bp.app_context_processor
def vocabularies() -> dict:
    """Role names (the header shows the signed-in person's role) and the traffic log's words, for every template."""
    return {
        "ROLES": ROLES,
        "LEAD_SOURCES": LEAD_SOURCES,
        "VISIT_KINDS": VISIT_KINDS,
        "VISIT_PURPOSES": VISIT_PURPOSES,
        "OWNERSHIP_REASONS": OWNERSHIP_REASONS,
    }


bp.add_app_template_global(field_label, "label_of_field")  # an error or a conflict names a field of its entity
bp.add_app_template_global(entity_label, "label_of_entity")
bp.add_app_template_filter(mask_phone, "mask_phone")
bp.add_app_template_filter(mask_name, "mask_name")


@bp.get("/")
@public
def index():
    """The site root: the office home for a signed-in person, the sign-in page otherwise."""
    return redirect(url_for("office.home" if current_user.is_authenticated else "auth.login"))


@bp.get("/office/")
@office()
def home():
    """Each role's home: what needs attention today in this store."""
    store_id = g.store_id
    grades = dict(
        db.session.execute(
            select(Customer.grade, func.count())
            .where(Customer.store_id == store_id, Customer.deleted.is_(False))
            .group_by(Customer.grade)
        ).all()
    )
    stock = dict(
        db.session.execute(
            select(Vehicle.stock_status, func.count())
            .where(Vehicle.store_id == store_id, Vehicle.deleted.is_(False), Vehicle.is_test_drive.is_(False))
            .group_by(Vehicle.stock_status)
        ).all()
    )
    fleet = db.session.scalar(select(func.count()).where(Vehicle.store_id == store_id, Vehicle.is_test_drive.is_(True)))
    staff = db.session.scalar(select(func.count()).where(User.store_id == store_id, User.active.is_(True)))
    return render(
        "office/home.html",
        grades=grades,
        stock=stock,
        fleet=fleet,
        staff=staff,
        GRADES=GRADES,
        STOCK_STATUSES=STOCK_STATUSES,
        tablet_role=current_user.role in TABLET_ROLES,
        awaiting=awaiting_photos(store_id) if current_user.role in REVIEW_ROLES else None,
    )


# --- vehicle catalogue -------------------------------------------------------------------------------


def store_series() -> list[Series]:
    """The live series of the signed-in user's store, in catalogue order."""
    return db.session.scalars(
        select(Series)
        .where(Series.store_id == g.store_id, Series.deleted.is_(False))
        .order_by(Series.sort_order, Series.name)
    ).all()


@bp.get("/office/catalogue")
@office()
def catalogue():
    """Series with their trims, MSRP and colours; managers edit inline."""
    return render(
        "office/catalogue.html",
        series_list=store_series(),
        POWERTRAINS=POWERTRAINS,
        can_edit=current_user.role in CATALOGUE_EDITORS,
        errors={},
        new_series=None,
        values={},
    )


@bp.post("/office/catalogue/series")
@office(*CATALOGUE_EDITORS)
def create_series():
    """Add a series; errors re-render the form with field messages."""
    data, errors = load_form(SeriesSchema())
    if errors:
        return render(
            "office/catalogue.html",
            "office/_series_form.html",
            status_code=422,
            series_list=store_series(),
            POWERTRAINS=POWERTRAINS,
            can_edit=True,
            errors=errors,
            new_series=request.form,
            values={},
        )
    series = Series(store_id=g.store_id, brand="")
    db.session.add(series)
    save_record(series, data)
    flash(_("Series %(name)s added.", name=series.name), "success")
    return see_other(url_for("office.catalogue"))


ROWS = {  # kind -> model, schema, row template
    "series": (Series, SeriesSchema, "office/_series_row.html"),
    "trim": (Trim, TrimSchema, "office/_trim_row.html"),
    "colour": (Colour, ColourSchema, "office/_colour_row.html"),
}


def _row_kind(kind: str):
    if kind not in ROWS:
        abort(404)
    return ROWS[kind]


@bp.get("/office/catalogue/<kind>/<record_id>")
@office()
def catalogue_row(kind: str, record_id: str):
    """One row, read-only (htmx 'cancel' target)."""
    model, _schema, template = _row_kind(kind)
    record = store_get(model, record_id)
    return render(
        template,
        template,
        record=record,
        editing=False,
        errors={},
        POWERTRAINS=POWERTRAINS,
        can_edit=current_user.role in CATALOGUE_EDITORS,
    )


@bp.get("/office/catalogue/<kind>/<record_id>/edit")
@office(*CATALOGUE_EDITORS)
def edit_catalogue_row(kind: str, record_id: str):
    """One row as an inline form."""
    model, _schema, template = _row_kind(kind)
    record = store_get(model, record_id)
    return render(
        template, template, record=record, editing=True, errors={}, values={}, POWERTRAINS=POWERTRAINS, can_edit=True
    )


@bp.post("/office/catalogue/<kind>/<record_id>")
@office(*CATALOGUE_EDITORS)
def save_catalogue_row(kind: str, record_id: str):
    """Save an inline edit: the row comes back read-only, or with field errors and the typed values kept."""
    model, schema, template = _row_kind(kind)
    record = store_get(model, record_id)
    parent = {"series_id": record.series_id} if kind != "series" else {}
    data, errors = load_form(schema(), parent)
    if errors:
        return render(
            template,
            template,
            status_code=422,
            record=record,
            editing=True,
            errors=errors,
            values=request.form,
            POWERTRAINS=POWERTRAINS,
            can_edit=True,
        )
    save_record(record, data)
    if not is_fragment_request():
        return see_other(url_for("office.catalogue"))
    return render(template, template, record=record, editing=False, errors={}, POWERTRAINS=POWERTRAINS, can_edit=True)


@bp.post("/office/catalogue/series/<series_id>/<kind>")
@office(*CATALOGUE_EDITORS)
def add_to_series(series_id: str, kind: str):
    """Add a trim or a colour to a series."""
    if kind not in ("trim", "colour"):
        abort(404)
    series = store_get(Series, series_id)
    model, schema, _template = ROWS[kind]
    data, errors = load_form(schema(), {"series_id": series.id})
    if errors:
        return render(
            "office/catalogue.html",
            status_code=422,
            series_list=store_series(),
            POWERTRAINS=POWERTRAINS,
            can_edit=True,
            errors={f"{kind}:{series.id}": errors},
            new_series=None,
            values=request.form,
        )
    record = model(store_id=g.store_id)
    db.session.add(record)
    save_record(record, data)
    return see_other(url_for("office.catalogue") + f"#series-{series.id}")


# --- vehicles and customers ----------------------------------------------------------------------------


@bp.get("/office/vehicles")
@office()
def vehicles():
    """The store's vehicles by VIN: stock and test-drive fleet, filterable by status."""
    status = request.args.get("status", "")
    fleet = request.args.get("fleet") == "1"
    query = select(Vehicle).where(Vehicle.store_id == g.store_id, Vehicle.deleted.is_(False))
    if status in STOCK_STATUSES:
        query = query.where(Vehicle.stock_status == status)
    if fleet:
        query = query.where(Vehicle.is_test_drive.is_(True))
    rows = db.session.scalars(query.order_by(Vehicle.is_test_drive.desc(), Vehicle.vin)).all()
    return render(
        "office/vehicles.html",
        "office/_vehicle_rows.html",
        vehicles=rows,
        readings=fleet_readings(g.store_id),
        status=status,
        fleet=fleet,
        STOCK_STATUSES=STOCK_STATUSES,
    )


@bp.get("/office/customers")
@office(*CUSTOMER_VIEWERS)
def customers():
    """Customer files of the store, phones and names masked (PIPL: lists show masked data)."""
    grade = request.args.get("grade", "")
    query = select(Customer).where(Customer.store_id == g.store_id, Customer.deleted.is_(False))
    if grade in GRADES:
        query = query.where(Customer.grade == grade)
    rows = db.session.scalars(query.order_by(Customer.grade, Customer.created_at)).all()
    return render("office/customers.html", "office/_customer_rows.html", customers=rows, grade=grade, GRADES=GRADES)


# --- users (admin) -------------------------------------------------------------------------------------


def _users() -> list[User]:
    return db.session.scalars(select(User).where(User.store_id == g.store_id).order_by(User.username)).all()


def _users_page(status: int = 200, errors: dict | None = None, values: dict | None = None):
    return render(
        "office/users.html",
        status_code=status,
        users=_users(),
        ROLES=ROLES,
        errors=errors or {},
        values=values or {},
        office_roles=OFFICE_ROLES,
    )


@bp.post("/office/users/idle")
@office("admin")
def save_idle():
    """The store's office idle time (minutes without a request after which a session ends)."""
    data, errors = load_form(OfficeIdleSchema())
    if errors:
        return _users_page(422, errors, request.form)
    g.user.store.office_idle_minutes = data["office_idle_minutes"]
    db.session.commit()
    flash(_("Office sessions now end after %(minutes)s idle minutes.", minutes=data["office_idle_minutes"]), "success")
    return see_other(url_for("office.users"))


@bp.get("/office/users")
@office("admin")
def users():
    """Staff accounts of the store."""
    return _users_page()


@bp.post("/office/users")
@office("admin")
def create_user_view():
    """Create an account in the admin's own store."""
    data, errors = load_form(UserCreateSchema())
    if not errors and db.session.scalar(select(User).where(User.username == data["username"])):
        errors = {"username": _("This username is taken.")}
    if errors:
        return _users_page(422, errors, request.form)
    user = create_user(
        data["username"], data["password"], data["role"], g.user.store, data["display_name"], data["language"]
    )
    user.active = data["active"]
    db.session.commit()
    flash(_("Account %(username)s created.", username=user.username), "success")
    return see_other(url_for("office.users"))


@bp.get("/office/users/<int:user_id>/edit")
@office("admin")
def edit_user(user_id: int):
    """One account's row as an inline form."""
    user = store_get(User, user_id)
    return render(
        "office/_user_row.html", "office/_user_row.html", user=user, editing=True, errors={}, values={}, ROLES=ROLES
    )


@bp.get("/office/users/<int:user_id>")
@office("admin")
def user_row(user_id: int):
    """One account's row, read-only."""
    user = store_get(User, user_id)
    return render("office/_user_row.html", "office/_user_row.html", user=user, editing=False, errors={}, ROLES=ROLES)


@bp.post("/office/users/<int:user_id>")
@office("admin")
def save_user(user_id: int):
    """Change an account's name, role, language, active flag or password; an admin cannot lock themselves out.

    Deactivating, or setting a new password, signs the person out everywhere at once: every tablet token and
    office session is revoked, so reactivating the account later brings none of them back."""
    user = store_get(User, user_id)
    data, errors = load_form(UserUpdateSchema())
    if not errors and user.id == current_user.id and (data["role"] != "admin" or not data["active"]):
        errors = {"role": _("You cannot remove your own administrator access.")}
    if errors:
        return render(
            "office/_user_row.html",
            "office/_user_row.html",
            status_code=422,
            user=user,
            editing=True,
            errors=errors,
            values=request.form,
            ROLES=ROLES,
        )
    new_password = data.pop("new_password", "")
    for field, value in data.items():
        setattr(user, field, value)
    if new_password:
        user.set_password(new_password)
    if not user.active or new_password:
        user.sign_out_everywhere()
    db.session.commit()
    if new_password:
        flash(_("Password changed. %(name)s is signed out everywhere.", name=user.display_name), "success")
    if not is_fragment_request():
        return see_other(url_for("office.users"))
    return render("office/_user_row.html", "office/_user_row.html", user=user, editing=False, errors={}, ROLES=ROLES)
