"""Every number typed into an office form: text that is not a number is a field error in the person's language,
what was typed stays in the field, and nothing is stored — never 0, never an English marshmallow message (a route's
distance "nan" answered "Special numeric values (nan or infinity) are not permitted."). Numbers as people type
them are read: blanks around, full-width digits, thousands separators in whole numbers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import DemoCar, DriveRoute, Series, Store, Trim
from tests.api.test_office import field_errors, message, page
from tests.conftest import csrf_token, login
from tests.factories import make_user
from tests.factories.drives import lot_fixture  # noqa: F401 - fixture `lot`

pytestmark = pytest.mark.usefixtures("cheap_hashing")
WHOLE, DECIMAL = "Enter a whole number.", "Enter a number."


def _forms(lot, ids: dict) -> dict:
    """form name → (URL, valid posted fields) for each office form with a number in it."""
    return {
        "fleet": ("/office/fleet", {"plate": "沪A·D0077试", "vin": "LKHSA20STA0000077", "trim_id": ids["trim"]}),
        "route": ("/office/drive-routes", {"name": "高速线", "distance_km": "25.5", "active": "true"}),
        "rules": (
            "/office/drive-rules",
            {
                "min_age": "18",
                "probation_months": "12",
                "min_experience_years": "0",
                "licence_photo_retention_days": "30",
                "agreement_template_id": lot.template_id,
                "cover_C1": "C1, C2",
            },
        ),
        "series": ("/office/catalogue/series", {"name": "新车系", "sort_order": "3"}),
        "trim": (
            f"/office/catalogue/series/{ids['series']}/trim",
            {"name": "2.0T", "model_year": "2026", "powertrain": "ice", "msrp_yuan": "129900"},
        ),
        "colour": (f"/office/catalogue/series/{ids['series']}/colour", {"name": "火焰红", "hex": "#aa0000"}),
        "idle": ("/office/users/idle", {"office_idle_minutes": "60"}),
    }


#: (form, field, message source): every number field of every office form.
FIELDS = [
    ("fleet", "odometer_km", WHOLE),
    ("route", "distance_km", DECIMAL),
    ("rules", "min_age", WHOLE),
    ("rules", "probation_months", WHOLE),
    ("rules", "min_experience_years", WHOLE),
    ("rules", "licence_photo_retention_days", WHOLE),
    ("series", "sort_order", WHOLE),
    ("trim", "model_year", WHOLE),
    ("trim", "msrp_yuan", WHOLE),
    ("colour", "extra_yuan", WHOLE),
    ("idle", "office_idle_minutes", WHOLE),
]


@pytest.fixture
def office(client, lot, database):
    """An admin of the lot's store signed in (admins edit the catalogue, the fleet and the idle time); the
    lot's series and trim ids."""
    with database() as session:
        store = session.get(Store, lot.store_id)
        admin = make_user(store, "admin")
        trim = session.get(Trim, session.get(DemoCar, lot.car_id).trim_id)
        ids = {"series": trim.series_id, "trim": trim.id}
        username = admin.username
    assert login(client, username).status_code == 303
    return ids


def _version(database, store_id: int) -> int:
    with database() as session:
        return session.get(Store, store_id).version


GARBAGE = [
    pytest.param(form, field, source, typed, id=f"{field}={typed}")
    for form, field, source in FIELDS
    for typed in ("abc", "nan", "1e3", "12abc", *(["1.5"] if source == WHOLE else []))
]


@pytest.mark.parametrize(("form", "field", "source", "typed"), GARBAGE)
def test_garbage_in_an_office_number_field_is_a_field_error(client, lot, database, office, form, field, source, typed):
    """Text that is not a number (and a fraction in a whole number): 422, the field's own message in Chinese,
    the text kept in the field, nothing stored."""
    url, valid = _forms(lot, office)[form]
    token = csrf_token(client, "/office/catalogue")
    before = _version(database, lot.store_id)
    response = client.post(url, data={**valid, field: typed, "csrf_token": token})
    assert response.status_code == 422, field_errors(response)
    assert any(e.endswith(message(source, "zh_CN")) for e in field_errors(response)), field_errors(response)
    assert f'value="{typed}"' in page(response)  # what was typed is kept
    assert _version(database, lot.store_id) == before


@pytest.mark.parametrize(
    ("typed", "stored"), [(" 25.5 ", 25.5), ("２５．５", 25.5), ("30", 30.0)], ids=["blanks", "full-width", "whole"]
)
def test_a_distance_as_people_type_it_is_read(client, lot, database, office, typed, stored):
    """Blanks around and full-width digits (a Chinese input method) are a number."""
    url, valid = _forms(lot, office)["route"]
    token = csrf_token(client, "/office/drive-routes")
    response = client.post(url, data={**valid, "name": "外环线", "distance_km": typed, "csrf_token": token})
    assert response.status_code == 303, field_errors(response)
    with database():
        route = db.session.scalar(select(DriveRoute).where(DriveRoute.name == "外环线"))
        assert route.distance_km == stored


def test_a_series_order_in_full_width_digits_is_read(client, lot, database, office):
    """１２ is 12."""
    url, valid = _forms(lot, office)["series"]
    token = csrf_token(client, "/office/catalogue")
    assert client.post(url, data={**valid, "sort_order": "１２", "csrf_token": token}).status_code == 303
    with database():
        assert db.session.scalar(select(Series.sort_order).where(Series.name == "新车系")) == 12
