"""Records made straight through the live server's API, as tablets push them (not a test module): a customer, a
conflict between two consultants, a refused change. Used where a browser test needs them to exist first."""

from __future__ import annotations

import uuid


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
