"""When things happened on the device, beside when the server received them (SYNC_PROTOCOL.md: `deviceTime` is
shown, never trusted). A record a tablet creates keeps the device time of the mutation that created it as
`device_created_at` (with its offset; a time sent without one is read in the store's time zone), published with
the META fields beside `created_at`, the server's receipt time — so a customer created offline at 14:20 and synced
at 14:26 still says 14:20. Later edits never change it; records the office makes have none; a garbage device
clock is kept as nothing rather than guessed. One helper reads every stored time for people (`localtime`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from server.i18n import localtime, moment
from server.models import Customer, Store
from tests.factories import make_customer


def _customer(name: str = "王五") -> dict:
    return {"name": name, "phone": "", "grade": "H", "source": "walk_in", "owner_id": None, "notes": ""}


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2026-12-07T14:20:03.512+08:00", "2026-12-07T14:20:03.512+08:00"),
        ("2026-12-07T06:20:03Z", "2026-12-07T06:20:03.000+00:00"),  # the device's own offset is kept
        ("2026-12-07T14:20:03", "2026-12-07T14:20:03.000+08:00"),  # no offset: the store's time zone
        ("yesterday", None),
        (None, None),
    ],
    ids=["offset", "utc", "naive", "garbage", "absent"],
)
def test_a_record_keeps_the_device_time_it_was_created_at(app, world, sent, kept):
    """Pushed (received now), the customer is published with `device_created_at` as the device said it, beside
    the server's `created_at`."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    mutation = tablet.put("customer", record_id, _customer())
    mutation["deviceTime"] = sent
    assert tablet.push(mutation)["results"][0]["outcome"] == "applied"
    value = tablet.pull_all()[f"customer/{record_id}"]
    assert value["device_created_at"] == kept
    received = datetime.fromisoformat(value["created_at"])
    assert abs((datetime.now(UTC) - received).total_seconds()) < 60  # the server's own clock, kept apart


def test_a_later_edit_keeps_the_creation_time_and_the_office_makes_none(app, world, database):
    """An edit pushed hours later does not move `device_created_at`; a record made by the office has none."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    tablet.push(tablet.put("customer", record_id, _customer()))
    later = tablet.put("customer", record_id, {"notes": "再联系"}, base={"notes": 0})
    later["deviceTime"] = "2026-12-08T09:00:00.000+08:00"
    assert tablet.push(later)["results"][0]["outcome"] in ("applied", "conflict")
    with database() as session:
        assert session.get(Customer, record_id).device_created_at == "2026-11-29T10:14:07.512+08:00"
        office_made = make_customer(session.get(Store, world.ids["store_a"]), phone="13900000001")
        assert office_made.device_created_at is None
        assert office_made.happened_at == office_made.created_at


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-07T14:28:26.084+08:00", "2026-12-07 14:28"),
        ("2026-12-07T06:28:26Z", "2026-12-07 14:28"),
        ("2026-12-07T14:28:26", "2026-12-07 14:28"),  # a device time without offset: the store's zone
        (datetime(2026, 12, 7, 6, 28, 26), "2026-12-07 14:28"),  # SQLite's naive datetimes are UTC
        (datetime(2026, 12, 7, 6, 28, 26, tzinfo=UTC), "2026-12-07 14:28"),
        ("", "—"),
        (None, "—"),
        ("not a time", "not a time"),
    ],
)
def test_times_read_for_people_in_the_store_time_zone(app, value, shown):
    """`localtime` (the Jinja filter of every list, report and PDF) shows any stored time to the minute in the
    store's time zone, never as raw ISO text."""
    with app.app_context():
        assert localtime(value) == shown


def test_moment_reads_naive_text_in_the_store_time_zone(app):
    """Device text without an offset is the store's local time (SYNC_PROTOCOL.md, Pull)."""
    with app.app_context():
        assert moment("2026-12-07T14:28").isoformat() == "2026-12-07T14:28:00+08:00"
        assert moment("2026-12-07") is None and moment(12) is None
