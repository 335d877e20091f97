"""Reception's desk in the office (issue 13): a visit logged at the desk finds the visitor's file by mobile (one
person, one customer) or opens one, and the attribution rule gives it its owner; a visitor who left no details
still counts; garbage is a field error in the receptionist's language, what was typed stays, nothing is stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from server.models import Customer, OwnershipChange, Visit
from tests.api.test_office import field_errors, message, page
from tests.conftest import csrf_token, login
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("cheap_hashing")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def desk(client, database):
    """A store with two consultants and a receptionist signed in to the office."""
    with database() as session:
        from tests.factories import make_store

        store = make_store("R")
        ids = {
            "store": store.id,
            "li": make_user(store, "consultant", display_name="李明").id,
            "zhao": make_user(store, "consultant", display_name="赵磊").id,
            "escort": make_user(store, "escort").id,
        }
        reception = make_user(store, "receptionist")
        username = reception.username
        session.commit()
    assert login(client, username).status_code == 303
    return ids


def post(client, **form):
    token = csrf_token(client, "/office/reception")
    now = datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "walk_in", "purpose": "new_car", "party_size": "1", "channel": "walk_in", "arrived_at": now}
    return client.post("/office/reception", data={**data, **form, "csrf_token": token})


def counts(database, store_id: int) -> tuple[int, int, int]:
    with database() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m).where(m.store_id == store_id))
            for m in (Visit, Customer, OwnershipChange)
        )


def test_a_new_visitor_gets_a_file_owned_by_the_consultant_who_received_them(client, database, desk):
    response = post(client, visitor_phone="139 0013 9000", visitor_name="钱七", consultant_id=str(desk["li"]))
    assert response.status_code == 303, field_errors(response)
    with database() as session:
        customer = session.scalar(select(Customer).where(Customer.store_id == desk["store"]))
        visit = session.scalar(select(Visit).where(Visit.store_id == desk["store"]))
        assert (customer.name, customer.phone, customer.owner_id) == ("钱七", "13900139000", desk["li"])
        assert (visit.customer_id, visit.first_visit, visit.recorded_by != desk["li"]) == (customer.id, True, True)
    today = page(client.get("/office/reception"))
    assert "钱*" in today and "139****9000" in today and "在展厅" in today


def test_the_mobile_finds_the_file_and_a_return_after_a_week_moves_it(client, database, desk):
    ten_days_ago = (datetime.now(SHANGHAI) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    assert post(client, visitor_phone="13900139001", visitor_name="孙八", consultant_id=str(desk["li"]),
                arrived_at=ten_days_ago).status_code == 303  # fmt: skip
    assert post(client, visitor_phone="+86 139-0013-9001", consultant_id=str(desk["zhao"])).status_code == 303
    assert counts(database, desk["store"]) == (2, 1, 2)  # two visits, one customer, two changes of owner
    with database() as session:
        customer = session.scalar(select(Customer).where(Customer.store_id == desk["store"]))
        assert customer.owner_id == desk["zhao"]
        last = session.scalar(select(OwnershipChange).order_by(OwnershipChange.version.desc()).limit(1))
        assert (last.from_id, last.to_id, last.reason) == (desk["li"], desk["zhao"], "week_rule")
        repeat = session.scalar(select(Visit).where(Visit.consultant_id == desk["zhao"]))
        assert repeat.first_visit is False


def test_a_visitor_who_left_no_details_still_counts(client, database, desk):
    assert post(client, consultant_id=str(desk["li"]), party_size="3").status_code == 303
    assert counts(database, desk["store"]) == (1, 0, 0)


GARBAGE = [
    ({"consultant_id": ""}, "This field is required."),
    ({"consultant_id": "李明"}, "Choose a consultant of this store."),
    ({"party_size": "abc"}, "Enter a whole number."),
    ({"party_size": "0"}, None),
    ({"arrived_at": "yesterday"}, "Use a date and time like 2026-11-29T10:14:07+08:00."),
    ({"kind": "teleported"}, None),
    ({"visitor_phone": "12345"}, "Enter the visitor's name to open a file for this number."),
    ({"visitor_phone": "12345", "visitor_name": "周九"}, "Enter an 11-digit mainland mobile number, e.g. 13800138000."),
]


@pytest.mark.parametrize(("change", "source"), GARBAGE, ids=[repr(g[0])[:40] for g in GARBAGE])
def test_garbage_at_the_desk_is_a_field_error_and_nothing_is_stored(client, database, desk, change, source):
    response = post(client, **{"consultant_id": str(desk["li"]), **change})
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors
    if source:
        assert any(message(source, "zh_CN") in e for e in errors), errors
    for name, typed in change.items():
        if name in ("visitor_phone", "visitor_name", "party_size", "arrived_at"):
            assert f'value="{typed}"' in page(response)  # what was typed stays in the field
    assert counts(database, desk["store"]) == (0, 0, 0)


def test_an_escort_or_another_store_cannot_receive_a_visit(client, database, desk):
    response = post(client, consultant_id=str(desk["escort"]))
    assert response.status_code == 422
    assert any(message("Choose a consultant of this store.", "zh_CN") in e for e in field_errors(response))
    assert counts(database, desk["store"]) == (0, 0, 0)


def test_a_visit_still_to_come_is_refused(client, database, desk):
    later = (datetime.now(SHANGHAI) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = post(client, consultant_id=str(desk["li"]), arrived_at=later)
    assert response.status_code == 422
    assert any(message("This time is still to come: enter the time the visitor came.", "zh_CN") in e
               for e in field_errors(response))  # fmt: skip


def test_the_visitor_has_left(client, database, desk):
    assert post(client, consultant_id=str(desk["li"])).status_code == 303
    with database() as session:
        visit_id = session.scalar(select(Visit.id).where(Visit.store_id == desk["store"]))
    token = csrf_token(client, "/office/reception")
    assert client.post(f"/office/reception/{visit_id}/left", data={"csrf_token": token}).status_code == 303
    with database() as session:
        assert session.get(Visit, visit_id).left_at is not None
    assert "在展厅" not in page(client.get("/office/reception")).split("<form")[0]
