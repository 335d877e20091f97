"""Lost deals (战败) with approval (issue 13 item 7): a consultant's request made offline reaches the server as
pending; only the manager decides, in the office — approved, the customer is graded L (kept as a grade change) and
its open follow-ups are closed; rejected, nothing else moves; a decided request is never changed from a tablet.
Reactivation makes the customer N again with the history kept. Garbage is a field error; nothing is stored."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Customer, FollowUp, GradeChange, LostRequest, Store, User
from server.workflow.lost_deals import decide, reactivate
from tests.factories import make_customer


@pytest.fixture
def lead(app, world) -> dict:
    """A customer of a1 graded B with one open follow-up."""
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        customer = make_customer(store, owner=db.session.get(User, world.ids["a1"]), grade="B")
        call = FollowUp(id=str(uuid.uuid4()), store_id=store.id)
        call.apply({"customer_id": customer.id, "owner_id": world.ids["a1"], "kind": "prospect",
                    "due_date": "2026-12-31", "done_at": None, "method": "", "result": "", "notes": ""}, 1)  # fmt: skip
        db.session.add(call)
        db.session.commit()
        ids = {"customer": customer.id, "call": call.id}
        db.session.remove()
    return ids


def ask(world, lead, **values) -> tuple[str, dict]:
    tablet = world.tablet("a1")
    request_id = str(uuid.uuid4())
    asked = {"customer_id": lead["customer"], "reason": "other_brand.price", "competitor_brand": "比亚迪"}
    asked |= {"price_gap_yuan": 8000, "requested_by": world.ids["a1"], "requested_at": "2026-12-07T10:00:00+08:00"}
    result = tablet.push(tablet.put("lost_request", request_id, {**asked, **values}))["results"][0]
    return request_id, result


def test_a_request_arrives_pending_and_changes_nothing_else(app, world, lead):
    request_id, result = ask(world, lead)
    assert result["outcome"] == "applied", result
    with app.app_context():
        assert db.session.get(LostRequest, request_id).state == "pending"
        assert db.session.get(Customer, lead["customer"]).grade == "B"


def test_approved_the_customer_is_lost_and_its_open_calls_are_closed(app, world, lead):
    request_id, _ = ask(world, lead)
    with app.app_context():
        manager = db.session.get(User, world.ids["manager"])
        decide(db.session.get(LostRequest, request_id), True, "同意", manager)
        db.session.commit()
        assert db.session.get(Customer, lead["customer"]).grade == "L"
        change = db.session.scalar(select(GradeChange).where(GradeChange.customer_id == lead["customer"]))
        assert (change.from_grade, change.to_grade, change.reason) == ("B", "L", "lost_approved")
        assert db.session.get(FollowUp, lead["call"]).result == "closed"
        reactivate(db.session.get(Customer, lead["customer"]), manager)
        db.session.commit()
        assert db.session.get(Customer, lead["customer"]).grade == "N"
        reasons = db.session.scalars(select(GradeChange.reason).where(GradeChange.customer_id == lead["customer"]))
        assert sorted(reasons) == ["lost_approved", "reactivated"]
    # the consultant's tablet pulls the decision
    pulled = world.tablet("a1").pull_all()
    assert pulled[f"lost_request/{request_id}"]["state"] == "approved"
    assert pulled[f"customer/{lead['customer']}"]["grade"] == "N"


def test_rejected_nothing_else_moves_and_a_decided_request_is_not_changed_from_a_tablet(app, world, lead):
    request_id, _ = ask(world, lead)
    with app.app_context():
        decide(db.session.get(LostRequest, request_id), False, "再跟进", db.session.get(User, world.ids["manager"]))
        db.session.commit()
        assert db.session.get(Customer, lead["customer"]).grade == "B"
        assert db.session.get(FollowUp, lead["call"]).done_at is None
    tablet = world.tablet("a1")
    again = tablet.push(tablet.put("lost_request", request_id, {"note": "改一下"}))["results"][0]
    assert again["outcome"] == "rejected" and "state" in again["error"]["errors"]


GARBAGE = [
    ({"state": "approved"}, "state"),
    ({"decided_by": 3}, "state"),
    ({"reason": "bored"}, "reason"),
    ({"reason": "other_brand.price", "competitor_brand": ""}, "competitor_brand"),
    ({"price_gap_yuan": -5}, "price_gap_yuan"),
    ({"price_gap_yuan": "8000"}, "price_gap_yuan"),
    ({"customer_id": "0193a000-0000-7000-8000-000000000000"}, "customer_id"),  # nobody's customer
    ({"requested_at": "now"}, "requested_at"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE, ids=[repr(g[0])[:40] for g in GARBAGE])
def test_garbage_in_a_request_is_a_field_error_and_nothing_is_stored(app, world, lead, change, field):
    _id, result = ask(world, lead, **change)
    assert result["outcome"] == "rejected"
    assert field in result["error"]["errors"], result
    with app.app_context():
        assert db.session.query(LostRequest).count() == 0


def test_a_request_in_someone_elses_name_is_refused(world, lead):
    _id, result = ask(world, lead, requested_by=world.ids["a2"])
    assert result["outcome"] == "rejected"
