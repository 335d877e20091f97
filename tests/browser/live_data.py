"""Records made straight through the live server, as tablets push them or as the office saves them (not a test
module): a customer, a conflict between two consultants, a refused change, a fleet car of the test's own. Used
where a browser test needs them to exist first."""

from __future__ import annotations

import html
import random
import re
import uuid
from datetime import date, timedelta

from .conftest import DEMO_PASSWORD

#: How the plates of the cars tests add begin (the demo's are 沪A·D…).
TEST_CAR_PREFIX = "沪A·T"
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # a VIN has no I, O or Q


def push(live_server, token: str, *mutations: dict) -> list[dict]:
    """Push mutations as a tablet would (one new client group); returns the results."""
    client = str(uuid.uuid4())
    body = {
        "clientGroupID": str(uuid.uuid4()),
        "schemaVersion": 1,
        "mutations": [
            {
                "clientID": client,
                "id": n,
                "name": m["name"],
                "args": m["args"],
                "deviceTime": "2026-11-29T10:14:07+08:00",
            }
            for n, m in enumerate(mutations, start=1)
        ],
    }
    status, answer = live_server.api("POST", "/api/sync/v1/push", body, token=token)
    assert status == 200, answer
    return answer["results"]


def put(entity: str, record_id: str, values: dict, base: dict | None = None) -> dict:
    """A `put` of `values` on one record, with the field versions `base` the writer had seen."""
    return {"name": "put", "args": {"entity": entity, "id": record_id, "set": values, "base": base or {}}}


def make_customer(live_server, name: str) -> str:
    """A customer of the demo consultant's, made for one test (so the demo's own customers stay as seeded)."""
    signed_in = live_server.sign_in("consultant")
    record = str(uuid.uuid4())
    values = {"name": name, "phone": "13912345678", "grade": "A", "owner_id": signed_in["user"]["id"]}
    [result] = push(live_server, signed_in["token"], put("customer", record, values))
    assert result["outcome"] == "applied", result
    return record


def make_conflict(live_server, name: str) -> tuple[str, str]:
    """Two consultants change the same customer's phone without seeing each other's change (as two tablets do):
    returns (customer id, conflict id), the conflict open."""
    first = live_server.sign_in("consultant")
    second = live_server.sign_in("consultant2")
    record = str(uuid.uuid4())
    owner = first["user"]["id"]
    push(
        live_server, first["token"], put("customer", record, {"name": name, "phone": "13900000001", "owner_id": owner})
    )
    seen = live_server.pull_all("consultant")[f"customer/{record}"]["fieldVersions"]["phone"]
    push(live_server, first["token"], put("customer", record, {"phone": "13900000002"}, {"phone": seen}))
    [result] = push(live_server, second["token"], put("customer", record, {"phone": "13900000003"}, {"phone": seen}))
    assert result["outcome"] == "conflict", result
    return record, result["conflictIDs"][0]


def make_rejection(live_server) -> None:
    """A change the server refuses (a mobile number that is not one), kept for the office's rejected changes."""
    token = live_server.sign_in("consultant")["token"]
    [result] = push(live_server, token, put("customer", str(uuid.uuid4()), {"name": "拒绝示例", "phone": "12"}))
    assert result["outcome"] == "rejected", result


def _csrf(page_html: str) -> str:
    return html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1))


def make_fleet_car(browser, live_server) -> str:
    """A car of the test's own added to the test-drive fleet by the manager in the office (available, insured for
    a year); returns its plate. Tests that take a car out use one, so they never depend on which earlier tests on
    the same server left the demo's cars out."""
    plate = f"{TEST_CAR_PREFIX}{uuid.uuid4().hex[:4].upper()}试"
    vin = "".join(random.choice(VIN_LETTERS) for _ in range(17))  # noqa: S311 (a test's VIN, not a secret)
    context = browser.new_context(base_url=live_server.url)
    try:
        office = context.request
        login = office.get("/login")
        signed_in = office.post(
            "/login",
            form={"csrf_token": _csrf(login.text()), "username": "manager", "password": DEMO_PASSWORD},
        )
        assert signed_in.ok, signed_in.status
        fleet = office.get("/office/fleet").text()
        trims = re.search(r'name="trim_id"[^>]*>(.*?)</select>', fleet, re.S).group(1)
        trim_id = re.findall(r'<option value="([^"]+)"', trims)[0]  # the first trim (after the empty choice)
        added = office.post(
            "/office/fleet",
            form={
                "csrf_token": _csrf(fleet),
                "plate": plate,
                "vin": vin,
                "trim_id": trim_id,
                "transmission": "automatic",
                "energy": "fuel",
                "status": "available",
                "odometer_km": "1200",
                "insurance_until": (date.today() + timedelta(days=365)).isoformat(),
            },
        )
        assert added.ok and plate in added.text(), added.status
    finally:
        context.close()
    return plate
