"""The traffic log over sync (issue 13): a visit is logged by reception or by the consultant, and each one applies
the attribution rule when it reaches the server — the first consultant who receives a customer owns the file; back
after more than a week with no call from the owner, the customer moves to the consultant who received them, and
every change of owner is kept as a read-only `ownership_change` naming the visit. Garbage in a visit is a field
error in the writer's language, and nothing of it is stored."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.models import Customer, OwnershipChange, Store, Visit
from tests.factories import make_customer
from tests.factories.tablets import Tablet, issue_token, quick_user


def at(days_ago: float, minutes: int = 0) -> str:
    """A device time `days_ago` days before now (in UTC), `minutes` later."""
    moment = datetime.now(UTC) - timedelta(days=days_ago) + timedelta(minutes=minutes)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def desk(app, world) -> dict:
    """A receptionist of store A (with a tablet token) and a customer nobody owns yet."""
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        receptionist = quick_user(store, "receptionist")
        customer = make_customer(store, owner=None, name="钱七", phone="13600136000")
        ids = {"receptionist": receptionist.id, "customer": customer.id}
        token = issue_token(receptionist)
        db.session.remove()
    return {**ids, "tablet": Tablet(world.http, token)}


def visit(customer: str | None, consultant: int, recorded_by: int, arrived_at: str, **values) -> dict:
    return {
        "customer_id": customer,
        "consultant_id": consultant,
        "arrived_at": arrived_at,
        "recorded_by": recorded_by,
        **values,
    }


def log(tablet: Tablet, values: dict, record_id: str | None = None) -> dict:
    """Push one visit; returns its result."""
    return tablet.push(tablet.put("visit", record_id or str(uuid.uuid4()), values))["results"][0]


def owner_of(app, customer_id: str) -> int | None:
    with app.app_context():
        owner = db.session.get(Customer, customer_id).owner_id
        db.session.remove()
    return owner


def changes_of(tablet: Tablet, customer_id: str) -> list[dict]:
    """The ownership changes of the customer, as a tablet pulls them, oldest first."""
    tablet.cookie = None
    pulled = [v for k, v in tablet.pull_all().items() if k.startswith("ownership_change/")]
    return sorted((v for v in pulled if v["customer_id"] == customer_id), key=lambda v: v["version"])


def test_the_first_consultant_who_receives_a_customer_owns_the_file(app, world, desk):
    """Reception logs a walk-in for a1: the customer is a1's, and the change says why and which visit did it."""
    visit_id = str(uuid.uuid4())
    result = log(desk["tablet"], visit(desk["customer"], world.ids["a1"], desk["receptionist"], at(0)), visit_id)
    assert result["outcome"] == "applied", result
    assert owner_of(app, desk["customer"]) == world.ids["a1"]
    [change] = changes_of(world.tablet("manager"), desk["customer"])
    assert (change["from_id"], change["to_id"], change["reason"], change["visit_id"]) == (
        None,
        world.ids["a1"],
        "first_reception",
        visit_id,
    )


def test_back_within_a_week_the_owner_keeps_the_customer_whoever_receives_them(app, world, desk):
    """a1 received the customer ten days ago, a2 five days ago and again today: each return is within a week of the
    visit before it, so the customer stays a1's and no change of owner is kept but the first."""
    reception, customer, a1, a2 = desk["tablet"], desk["customer"], world.ids["a1"], world.ids["a2"]
    assert log(reception, visit(customer, a1, desk["receptionist"], at(10)))["outcome"] == "applied"
    assert log(reception, visit(customer, a2, desk["receptionist"], at(5)))["outcome"] == "applied"
    assert owner_of(app, customer) == a1
    assert log(reception, visit(customer, a2, desk["receptionist"], at(0)))["outcome"] == "applied"
    assert owner_of(app, customer) == a1
    changes = changes_of(world.tablet("manager"), customer)
    assert [(c["from_id"], c["to_id"], c["reason"]) for c in changes] == [(None, a1, "first_reception")]


def test_back_after_more_than_a_week_with_no_call_the_customer_moves_to_the_receiver(app, world, desk):
    reception, customer, a1, a2 = desk["tablet"], desk["customer"], world.ids["a1"], world.ids["a2"]
    assert log(reception, visit(customer, a1, desk["receptionist"], at(10)))["outcome"] == "applied"
    moved = str(uuid.uuid4())
    assert log(reception, visit(customer, a2, desk["receptionist"], at(0)), moved)["outcome"] == "applied"
    assert owner_of(app, customer) == a2
    last = changes_of(world.tablet("manager"), customer)[-1]
    assert (last["from_id"], last["to_id"], last["reason"], last["visit_id"]) == (a1, a2, "week_rule", moved)


def test_a_week_without_a_call_moves_the_customer_and_a_reached_call_keeps_them(app, world, desk):
    reception, customer, a1, a2 = desk["tablet"], desk["customer"], world.ids["a1"], world.ids["a2"]
    assert log(reception, visit(customer, a1, desk["receptionist"], at(20)))["outcome"] == "applied"
    # a1 phones the customer twelve days ago and reaches them: the return eight days after is still a1's
    call = {"customer_id": customer, "owner_id": a1, "kind": "prospect", "due_date": at(12)[:10]}
    call |= {"done_at": at(12), "method": "phone", "result": "reached"}
    a1_tablet = world.tablet("a1")
    assert a1_tablet.push(a1_tablet.put("follow_up", str(uuid.uuid4()), call))["results"][0]["outcome"] == "applied"
    assert log(reception, visit(customer, a2, desk["receptionist"], at(8)))["outcome"] == "applied"
    assert owner_of(app, customer) == a1
    # and then nothing for eight days: today's visit with a2 moves the customer
    moved = str(uuid.uuid4())
    assert log(reception, visit(customer, a2, desk["receptionist"], at(0)), moved)["outcome"] == "applied"
    assert owner_of(app, customer) == a2
    last = changes_of(world.tablet("manager"), customer)[-1]
    assert (last["from_id"], last["to_id"], last["reason"], last["visit_id"]) == (a1, a2, "week_rule", moved)


def test_a_visit_that_is_not_sales_traffic_moves_nobody(app, world, desk):
    reception, customer, a1, a2 = desk["tablet"], desk["customer"], world.ids["a1"], world.ids["a2"]
    assert log(reception, visit(customer, a1, desk["receptionist"], at(30)))["outcome"] == "applied"
    after_sales = visit(customer, a2, desk["receptionist"], at(0), purpose="after_sales")
    assert log(reception, after_sales)["outcome"] == "applied"
    assert owner_of(app, customer) == a1


def test_a_visitor_who_left_no_details_still_counts(app, world, desk):
    result = log(desk["tablet"], visit(None, world.ids["a1"], desk["receptionist"], at(0), party_size=3))
    assert result["outcome"] == "applied", result
    with app.app_context():
        assert db.session.query(Visit).filter(Visit.customer_id.is_(None)).count() == 1


def test_a_consultant_logs_their_own_walk_in_from_the_tablet(app, world, desk):
    """On the tablet a consultant logs a walk-in they received; it is theirs by the rule."""
    a1 = world.tablet("a1")
    result = log(a1, visit(desk["customer"], world.ids["a1"], world.ids["a1"], at(0), kind="call_in"))
    assert result["outcome"] == "applied", result
    assert owner_of(app, desk["customer"]) == world.ids["a1"]


def test_a_paper_log_entered_later_is_accepted_a_time_still_to_come_is_not(app, world, desk):
    reception = desk["tablet"]
    later = visit(None, world.ids["a1"], desk["receptionist"], at(0, minutes=9))
    assert log(reception, later)["outcome"] == "applied"  # a tablet clock a little fast
    paper = visit(None, world.ids["a1"], desk["receptionist"], at(40), left_at=at(40, minutes=35))
    assert log(reception, paper)["outcome"] == "applied"
    ahead = log(reception, visit(None, world.ids["a1"], desk["receptionist"], at(0, minutes=11)))
    assert ahead["outcome"] == "rejected"
    assert list(ahead["error"]["errors"]) == ["arrived_at"]
    assert "时间" in ahead["error"]["errors"]["arrived_at"][0]  # in the receptionist's language (zh_CN)


GARBAGE = [
    ({"consultant_id": "a1"}, "consultant_id"),
    ({"party_size": 0}, "party_size"),
    ({"party_size": "3"}, "party_size"),
    ({"party_size": 1e400}, None),  # the boundary refuses the body
    ({"kind": "teleported"}, "kind"),
    ({"purpose": ""}, "purpose"),
    ({"channel": "carrier_pigeon"}, "channel"),
    ({"outcomes": ["quote", "haggling"]}, "outcomes"),
    ({"arrived_at": "2026-02-30T10:00:00+08:00"}, "arrived_at"),
    ({"arrived_at": "yesterday"}, "arrived_at"),
    ({"left_at": "2026-11-01T09:00:00+08:00", "arrived_at": "2026-11-01T10:00:00+08:00"}, "left_at"),
    ({"first_visit": "yes"}, "first_visit"),
    ({"customer_id": "0193a000-0000-7000-8000-000000000000"}, "customer_id"),  # nobody's customer
    ({"notes": "x" * 2001}, "notes"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE, ids=[repr(g[0])[:40] for g in GARBAGE])
def test_garbage_in_a_visit_is_a_field_error_and_nothing_is_stored(app, world, desk, change, field):
    values = {**visit(desk["customer"], world.ids["a1"], desk["receptionist"], at(1)), **change}
    tablet = desk["tablet"]
    if field is None:
        response = world.http.post(
            "/api/sync/v1/push",
            headers=tablet.headers,
            data=json.dumps(
                {
                    "clientGroupID": tablet.group,
                    "schemaVersion": 1,
                    "mutations": [tablet.put("visit", str(uuid.uuid4()), {"party_size": "NUMBER"})],
                }
            ).replace('"NUMBER"', "1e400"),
            content_type="application/json",
        )
        assert response.status_code == 400
    else:
        result = log(tablet, values)
        assert result["outcome"] == "rejected"
        assert field in result["error"]["errors"], result
    with app.app_context():
        assert db.session.query(Visit).count() == 0
        assert db.session.query(OwnershipChange).count() == 0
        assert db.session.get(Customer, desk["customer"]).owner_id is None


def test_only_the_writer_may_be_named_as_who_logged_it_and_an_escort_logs_no_visits(world, desk):
    reception = desk["tablet"]
    result = log(reception, visit(desk["customer"], world.ids["a1"], world.ids["a1"], at(0)))
    assert result["outcome"] == "rejected"
    escort = world.tablet("escort")
    result = log(escort, visit(desk["customer"], world.ids["a1"], world.ids["escort"], at(0)))
    assert result["outcome"] == "rejected"


def test_a_visit_naming_another_stores_consultant_or_customer_is_refused(app, world, desk):
    result = log(desk["tablet"], visit(desk["customer"], world.ids["b1"], desk["receptionist"], at(0)))
    assert result["outcome"] == "rejected"
    assert "consultant_id" in result["error"]["errors"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(
        st.sampled_from(["arrived_at", "left_at", "party_size", "kind", "outcomes", "consultant_id", "customer_id"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=30),
            st.lists(st.text(max_size=5), max_size=3),
        ),
    )
)
def test_any_visit_a_tablet_sends_is_applied_or_rejected_never_an_error(world, desk, values):
    base = visit(desk["customer"], world.ids["a1"], desk["receptionist"], at(1))
    result = log(desk["tablet"], {**base, **values})
    assert result["outcome"] in ("applied", "rejected"), result
