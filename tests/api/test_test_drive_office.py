"""The office side of test drives: the fleet board and today's drives, reports (refusals by reason, drives per
consultant and model, the test-drive rate shown as "—" with its reason), and the manager's fleet, routes and
rules forms — each refusing garbage field by field, in Chinese, without storing anything."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.models import DemoCar, DriveRoute, DriveRules, MutationLog
from tests.api.test_office import field_errors, message
from tests.conftest import csrf_token, login
from tests.factories.drives import lot_fixture  # noqa: F401 - fixture `lot`


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def manager(client, lot):
    assert login(client, lot.manager).status_code == 303
    return csrf_token(client, "/office/test-drives")


def test_board_shows_who_has_the_car_and_todays_drives(app, client, lot, manager):
    """A car out shows its escort and since when; today's refusal shows its reason; names are masked."""
    drive_id, _ = lot.agreed()
    lot.start(drive_id)
    refused = str(uuid.uuid4())
    values = lot.drive(outcome="refused", refusal_reasons=["probation", "no_escort"])
    result = lot.escort.push(lot.escort.put("test_drive", refused, values))["results"][0]
    assert result["outcome"] == "applied", result
    text = _page(client.get("/office/test-drives"))
    board = text[text.index('id="fleet-board"') :]
    assert "陈刚" in board and message("On a drive", "zh_CN") in board
    drives = text[text.index('id="drives"') :]
    assert message("On the road", "zh_CN") in drives and message("Refused", "zh_CN") in drives
    assert message("Licence in its probation period", "zh_CN") in drives
    assert "张*" in drives and "张三" not in drives


def test_reports_count_drives_and_refusals_by_reason(app, client, lot, manager):
    """Two signed drives (one per escort) and refusals by reason; the test-drive rate is "—" with its reason."""
    lot.agreed()
    lot.agreed(tablet=lot.escort2, escort_id=lot.escort2_id)
    for reasons in (["no_licence"], ["no_licence", "impaired"]):
        values = lot.drive(outcome="refused", refusal_reasons=reasons)
        lot.escort.push(lot.escort.put("test_drive", str(uuid.uuid4()), values))
    text = _page(client.get("/office/test-drives/reports"))
    totals = text[text.index('id="totals"') :]
    assert re.search(r"<td>2</td>", totals)
    refusals = text[text.index('id="refusals"') :]
    assert re.search(message("No driving licence", "zh_CN") + r"</td><td>2</td>", refusals)
    assert re.search(message("Not fit to drive (escort's judgement)", "zh_CN") + r"</td><td>1</td>", refusals)
    per_consultant = text[text.index('id="per-consultant"') : text.index('id="per-model"')]
    assert "李明</td><td>2" in per_consultant
    assert "启程 S5" in text[text.index('id="per-model"') :]
    assert message("Test-drive rate (试驾率)", "zh_CN") in text
    assert re.search(r'data-testid="drive-rate">—', totals)  # no visits logged: no rate, never a division by 0


def test_the_test_drive_rate_is_drives_over_showroom_visits_of_customers_on_file(client, lot, manager):
    """Two signed drives; four showroom visits of customers on file (walk-ins and an invited one) count, a
    phone-in, a visitor who left no details and an after-sales visit do not: 2 / 4 = 50.0 %."""
    lot.agreed()
    lot.agreed(tablet=lot.escort2, escort_id=lot.escort2_id)
    now = datetime.now(UTC).isoformat()
    counted = [{"kind": "walk_in"}, {"kind": "walk_in"}, {"kind": "invited"}, {"kind": "walk_in", "first_visit": False}]
    not_counted = [{"kind": "call_in"}, {"kind": "walk_in", "customer_id": None}, {"purpose": "after_sales"}]
    for values in counted + not_counted:
        visit = {"customer_id": lot.customer_id, "consultant_id": lot.consultant_id, "arrived_at": now}
        visit |= {"recorded_by": lot.consultant_id, **values}
        result = lot.consultant.push(lot.consultant.put("visit", str(uuid.uuid4()), visit))["results"][0]
        assert result["outcome"] == "applied", result
    totals = _page(client.get("/office/test-drives/reports"))
    totals = totals[totals.index('id="totals"') :]
    assert re.search(r'data-testid="showroom-visits">4<', totals)
    assert re.search(r'data-testid="drive-rate">50.0 %', totals)


@pytest.mark.parametrize("query", ["first=yesterday", "first=2026-02-30", "first=2026-12-01&last=2026-01-01"])
def test_reports_with_a_garbage_period_say_so(client, lot, manager, query):
    """A bad date range is a 422 with a message; the default period is shown instead."""
    response = client.get(f"/office/test-drives/reports?{query}")
    assert response.status_code == 422 and field_errors(response)


def test_manager_adds_a_car_and_tablets_pull_it(app, client, lot, manager, database):
    """A new car goes through the sync log: tablets pull it."""
    with database() as session:
        trim_id = session.get(DemoCar, lot.car_id).trim_id
    form = {
        "csrf_token": manager,
        "plate": "沪A·D0099试",
        "vin": "lkhsa20sta0000055",
        "trim_id": trim_id,
        "description": "启程 S5 新车",
        "transmission": "manual",
        "energy": "fuel",
        "status": "available",
        "keys": "1 把",
        "odometer_km": "12",
        "insurance_until": "2027-01-31",
    }
    assert client.post("/office/fleet", data=form).status_code == 303
    pulled = [v for k, v in lot.escort.pull_all().items() if k.startswith("demo_car/")]
    added = next(v for v in pulled if v["plate"] == "沪A·D0099试")
    assert (added["vin"], added["transmission"], added["odometer_km"]) == ("LKHSA20STA0000055", "manual", 12)


@pytest.mark.parametrize(
    ("changes", "field", "source"),
    [
        ({"plate": ""}, "plate", "This field is required."),
        ({"vin": "123"}, "vin", "A VIN has 17 letters and digits."),
        ({"trim_id": ""}, "trim_id", "Choose a trim of this store."),
        ({"trim_id": "", "plate": ""}, "trim_id", "Choose a trim of this store."),
        ({"trim_id": "no-such-trim"}, "trim_id", "Choose a trim of this store."),
        ({"odometer_km": "很多"}, "odometer_km", "Enter a whole number."),
        ({"odometer_km": "-1"}, "odometer_km", "Must be between {min} and {max}."),
        ({"insurance_until": "2027-02-30"}, "insurance_until", "Use a date like 2026-12-31."),
        ({"status": "out"}, "status", "Choose one of the listed values."),
        ({"energy": "steam"}, "energy", "Choose one of the listed values."),
        ({"vin": "LKHSA20STA0000099"}, "vin", "This VIN is already in the fleet."),
    ],
)
def test_garbage_car_is_refused_field_by_field(client, lot, manager, database, changes, field, source):
    """Each bad field gets its message in Chinese; no car is added and nothing is logged."""
    with database() as session:
        trim_id = session.get(DemoCar, lot.car_id).trim_id
        cars, logs = session.query(DemoCar).count(), session.query(MutationLog).count()
    form = {"csrf_token": manager, "plate": "沪A·D0098试", "vin": "LKHSA20STA0000056", "trim_id": trim_id}
    response = client.post("/office/fleet", data={**form, **changes})
    assert response.status_code == 422
    expected = message(source, "zh_CN").format(min=0, max=9999999)
    assert expected in field_errors(response), (field, field_errors(response))
    with database() as session:
        assert session.query(DemoCar).count() == cars and session.query(MutationLog).count() == logs


def test_office_puts_a_car_in_maintenance_and_takes_a_stuck_car_back(client, lot, manager, database):
    """Saving another status for a car that is out clears who has it; tablets pull it."""
    drive_id, _ = lot.agreed()
    lot.start(drive_id)
    response = client.post(f"/office/fleet/{lot.car_id}", data={"csrf_token": manager, "status": "maintenance"})
    assert response.status_code == 303
    pulled = lot.escort2.pull_all()[f"demo_car/{lot.car_id}"]
    assert (pulled["status"], pulled["current_drive_id"], pulled["out_by"]) == ("maintenance", None, None)
    assert pulled["plate"] == "沪A·D0001试"  # a partial edit keeps the other fields


def test_routes_add_edit_and_garbage(client, lot, manager, database):
    """A route is added and edited; a bad distance or a blank name is refused without storing."""
    ok = {"csrf_token": manager, "name": "高速线", "distance_km": "25.5", "description": "G60", "active": "true"}
    assert client.post("/office/drive-routes", data=ok).status_code == 303
    with database() as session:
        route = session.scalar(select(DriveRoute).where(DriveRoute.name == "高速线"))
        route_id, count = route.id, session.query(DriveRoute).count()
    assert client.post(f"/office/drive-routes/{route_id}", data={**ok, "distance_km": "30"}).status_code == 303
    for bad, field in (({"distance_km": "远"}, "Enter a number."), ({"distance_km": "0"}, None), ({"name": ""}, None)):
        response = client.post("/office/drive-routes", data={**ok, **bad})
        assert response.status_code == 422 and field_errors(response)
        if field:
            assert message(field, "zh_CN") in field_errors(response)
    response = client.post(f"/office/drive-routes/{route_id}", data={**ok, "distance_km": "999"})
    assert response.status_code == 422
    with database() as session:
        assert session.query(DriveRoute).count() == count
        assert session.get(DriveRoute, route_id).distance_km == 30.0


def test_rules_save_and_reach_the_tablets(client, lot, manager, database):
    """Store rules change: minimum age 21, experience 1 year, C1 covers only C1 — tablets pull the new table."""
    page = _page(client.get("/office/drive-rules"))
    template_id = re.search(r'name="agreement_template_id"[^>]*>\s*<option value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": manager,
        "min_age": "21",
        "min_experience_years": "1",
        "probation_months": "12",
        "refuse_probation": "true",
        "escort_required": "true",
        "licence_photo_retention_days": "14",
        "agreement_template_id": template_id,
        "cover_C1": "C1",
        "cover_C2": "C2",
    }
    assert client.post("/office/drive-rules", data=form).status_code == 303
    rules = next(v for k, v in lot.escort.pull_all().items() if k.startswith("drive_rules/"))
    assert (rules["min_age"], rules["min_experience_years"], rules["licence_photo_retention_days"]) == (21, 1, 14)
    assert rules["class_coverage"] == {"C1": ["C1"], "C2": ["C2"]}


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({"min_age": "12"}, "Must be between {min} and {max}."),
        ({"min_age": "十八"}, "Enter a whole number."),
        ({"licence_photo_retention_days": "0"}, "Must be between {min} and {max}."),
        ({"cover_C1": "C1, ZZ"}, "Use licence classes such as C1, C2 separated by commas."),
        ({"cover_C1": ""}, "At least one licence class must cover a car."),
        ({"agreement_template_id": str(uuid.uuid4())}, "Unknown agreement."),
    ],
)
def test_garbage_rules_are_refused(client, lot, manager, database, changes, source):
    """Bad rules are refused with a Chinese message; the stored rules do not change."""
    with database() as session:
        before = session.scalar(select(DriveRules).where(DriveRules.store_id == lot.store_id)).values()
    form = {
        "csrf_token": manager,
        "min_age": "18",
        "probation_months": "12",
        "min_experience_years": "0",
        "licence_photo_retention_days": "30",
        "agreement_template_id": lot.template_id,
        "cover_C1": "C1, C2",
    }
    response = client.post("/office/drive-rules", data={**form, **changes})
    assert response.status_code == 422
    errors = field_errors(response)
    assert any(message(source, "zh_CN").split("{")[0] in e for e in errors), errors
    with database() as session:
        assert session.scalar(select(DriveRules).where(DriveRules.store_id == lot.store_id)).values() == before


def test_forms_need_the_csrf_token(client, lot, manager):
    """A post without the CSRF token is refused."""
    assert client.post("/office/drive-routes", data={"name": "x", "distance_km": "5"}).status_code == 400


def test_escorts_and_consultants_have_no_office_pages(client, lot, database):
    """Tablet roles are refused the test-drive office pages; receptionists see the board but not the fleet form."""
    from server.models import User

    with database() as session:
        escort = session.get(User, lot.escort_id).username
    login(client, escort)
    assert client.get("/office/test-drives").status_code == 403
    assert client.get("/office/fleet").status_code == 403


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({"odometer_km": "十万"}, "Enter a whole number."),
        ({"status": "out"}, "Choose one of the listed values."),
        ({"plate": ""}, "This field is required."),
        ({"insurance_until": "明年"}, "Use a date like 2026-12-31."),
    ],
)
def test_garbage_car_edit_changes_nothing(client, lot, manager, database, changes, source):
    """Editing a car with a bad field is refused with its message; the car stays as it was."""
    with database() as session:
        before = session.get(DemoCar, lot.car_id).values()
    response = client.post(f"/office/fleet/{lot.car_id}", data={"csrf_token": manager, **changes})
    assert response.status_code == 422
    assert message(source, "zh_CN") in field_errors(response), field_errors(response)
    with database() as session:
        assert session.get(DemoCar, lot.car_id).values() == before


def test_another_stores_car_is_not_found(client, lot, manager, database):
    """A car id of another store answers 404 to the edit form and the save."""
    from tests.factories import make_demo_car, make_series, make_store, make_trim

    with database():
        other = make_demo_car(make_trim(make_series(make_store("OTHER"))), vin="LKHSA20STA0000077")
        other_id = other.id
    assert client.get(f"/office/fleet/{other_id}").status_code == 404
    assert client.post(f"/office/fleet/{other_id}", data={"csrf_token": manager, "plate": "x"}).status_code == 404
