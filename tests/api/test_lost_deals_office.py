"""The lost-deal queue in the office (issue 13 item 7): the manager sees each pending request with its reason and
competitor, approves or rejects it with a comment (a rejection must say why); garbage and a second decision are
refused with a message and change nothing; a lost customer can be reactivated."""

from __future__ import annotations

import uuid

import pytest

from server.models import Customer, LostRequest
from tests.api.test_office import field_errors, message, page
from tests.conftest import csrf_token, login
from tests.factories import make_customer, make_store, make_user, synced

pytestmark = pytest.mark.usefixtures("cheap_hashing")


@pytest.fixture
def queue(client, database):
    """A manager signed in; a B customer of a consultant with a pending request."""
    with database() as session:
        store = make_store("L")
        consultant = make_user(store, "consultant", display_name="李明")
        manager = make_user(store, "manager")
        customer = make_customer(store, owner=consultant, name="钱七", grade="B")
        asked = {"customer_id": customer.id, "reason": "other_brand.price", "competitor_brand": "比亚迪"}
        asked |= {"requested_by": consultant.id, "requested_at": "2026-12-07T10:00:00+08:00", "state": "pending"}
        lost = synced(LostRequest, store, **asked)
        ids = {"request": lost.id, "customer": customer.id, "manager": manager.username}
        session.commit()
    assert login(client, ids["manager"]).status_code == 303
    return ids


def post(client, request_id: str, **form):
    token = csrf_token(client, "/office/lost-deals")
    return client.post(f"/office/lost-deals/{request_id}", data={**form, "csrf_token": token})


def state(database, ids) -> tuple[str, str]:
    with database() as session:
        return session.get(LostRequest, ids["request"]).state, session.get(Customer, ids["customer"]).grade


def test_the_queue_shows_the_request_and_the_manager_approves_it(client, database, queue):
    text = page(client.get("/office/lost-deals"))
    assert "钱*" in text and "比亚迪" in text and message("Low value for money", "zh_CN") in text
    assert post(client, queue["request"], decision="approve", decision_note="同意").status_code == 303
    assert state(database, queue) == ("approved", "L")
    assert post(client, queue["request"], decision="reject", decision_note="晚了").status_code == 409
    assert state(database, queue) == ("approved", "L")
    token = csrf_token(client, f"/office/customers/{queue['customer']}")
    assert (
        client.post(f"/office/customers/{queue['customer']}/reactivate", data={"csrf_token": token}).status_code == 303
    )
    assert state(database, queue)[1] == "N"


def test_a_rejection_says_why_and_leaves_the_customer_as_it_was(client, database, queue):
    response = post(client, queue["request"], decision="reject", decision_note="")
    assert response.status_code == 422
    assert (
        message("Say why the request is rejected: the consultant follows up with it.", "zh_CN")
        in field_errors(response)[0]
    )
    assert state(database, queue) == ("pending", "B")
    assert post(client, queue["request"], decision="reject", decision_note="价格还能谈").status_code == 303
    assert state(database, queue) == ("rejected", "B")


@pytest.mark.parametrize("form", [{}, {"decision": "maybe"}, {"decision": "approve", "decision_note": "x" * 1001}])
def test_garbage_decisions_are_refused_and_change_nothing(client, database, queue, form):
    response = post(client, queue["request"], **form)
    assert response.status_code == 422 and field_errors(response)
    assert state(database, queue) == ("pending", "B")


def test_another_stores_request_is_not_found(client, database, queue):
    with database() as session:
        other = make_store("M")
        stranger = make_customer(other, name="外店", phone="13700137000")
        asked = {"customer_id": stranger.id, "reason": "cancelled.funds", "requested_at": "2026-12-07T10:00:00+08:00"}
        lost = synced(LostRequest, other, requested_by=make_user(other, "consultant").id, state="pending", **asked)
        lost_id = lost.id
        session.commit()
    assert post(client, lost_id, decision="approve").status_code == 404
    assert post(client, str(uuid.uuid4()), decision="approve").status_code == 404
