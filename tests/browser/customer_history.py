"""A customer with one of everything, made through the live server's API as tablets push it (not a test module):
a needs analysis, a walk-around, a refused test drive, a sealed delivery with its PDF (which opens the follow-ups),
a conflict on the customer and a grade change. Used by the customer-file timeline tests."""

from __future__ import annotations

import hashlib
import time
import urllib.request
import uuid

import rfc8785

from tests.factories.images import solid_png

from .live_data import push, put

#: Device times of the records made here, with offsets other than the store's: the timeline must show each in
#: the store's time zone (Asia/Shanghai), e.g. the needs analysis at 10:14.
NEEDS_AT = "2026-11-29T02:14:07Z"
WALK_AT = "2026-11-29T03:20:00Z"
CHANGE_AT = "2026-11-30T09:05:00+08:00"


def upload(live_server, token: str, data: bytes) -> str:
    """Upload a PNG as a tablet does before signing; returns its SHA-256."""
    sha256 = hashlib.sha256(data).hexdigest()
    request = urllib.request.Request(f"{live_server.url}/api/sync/v1/blobs/{sha256}", data=data, method="PUT")  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "image/png")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own server)
        assert response.status in (200, 201)
    return sha256


def _published(live_server, token: str, entity: str) -> list[str]:
    status, schema = live_server.api("GET", "/api/sync/v1/schema", token=token)
    assert status == 200, schema
    return list(schema["entities"][entity]["jsonSchema"]["properties"])


def sealed_delivery(live_server, customer_id: str, name: str) -> str:
    """A delivery of a free vehicle to the customer, every item ✓, signed by customer and consultant; returns its
    id once the server has rendered its PDF."""
    signed_in = live_server.sign_in("consultant")
    token = signed_in["token"]
    state = live_server.pull_all("consultant")
    template = next(v for k, v in state.items() if k.startswith("checklist_template/"))
    vehicle = next(v for k, v in state.items() if k.startswith("vehicle/") and not v["is_test_drive"])
    codes = [item["code"] for group in template["groups"] for item in group["items"]]
    record = str(uuid.uuid4())
    values = {
        "customer_id": customer_id,
        "customer_name": name,
        "vehicle_id": vehicle["id"],
        "vin": vehicle["vin"],
        "vehicle_description": "启程 S5",
        "template_id": template["id"],
        "items": {code: {"result": "ok", "note": "", "photos": []} for code in codes},
        "keys_count": 2,
        "odometer_km": 12,
        "explained_maintenance": True,
        "explained_operation": True,
        "consent_version": template["consent"]["version"],
        "consent_accepted": True,
    }
    [result] = push(live_server, token, put("delivery", record, values))
    assert result["outcome"] == "applied", result
    stored = live_server.pull_all("consultant")[f"delivery/{record}"]
    snapshot = {field: stored[field] for field in _published(live_server, token, "delivery")}
    signatures = [
        {"role": "customer", "name": name, "blob": upload(live_server, token, solid_png(rgb=(10, 10, 10)))},
        {"role": "consultant", "name": "李明", "blob": upload(live_server, token, solid_png(rgb=(20, 20, 80)))},
    ]
    args = {
        "entity": "delivery",
        "id": record,
        "snapshot": snapshot,
        "contentHash": hashlib.sha256(rfc8785.dumps(snapshot)).hexdigest(),
        "signatures": signatures,
        "signedAt": "2026-11-30T15:02:11+08:00",
    }
    [result] = push(live_server, token, {"name": "sign", "args": args})
    assert result["outcome"] == "applied", result
    deadline = time.monotonic() + 30  # the embedded worker renders it off the request path
    while time.monotonic() < deadline:
        docs = [v for k, v in live_server.pull_all("consultant").items() if k.startswith("document/")]
        if any(d["record_id"] == record and d["state"] == "ready" for d in docs):
            return record
        time.sleep(0.5)
    raise AssertionError("the delivery PDF was not rendered")


def refused_drive(live_server, customer_id: str, name: str) -> str:
    """A test drive the second escort refused (no licence shown); returns its id. (Not the first escort's: the
    test-drive tests count that escort's drives of the day.)"""
    signed_in = live_server.sign_in("escort2")
    car = next(v for k, v in live_server.pull_all("escort2").items() if k.startswith("demo_car/"))
    record = str(uuid.uuid4())
    values = {
        "customer_id": customer_id,
        "customer_name": name,
        "escort_id": signed_in["user"]["id"],
        "demo_car_id": car["id"],
        "kind": "drive",
        "has_licence": False,
        "escort_present": True,
        "outcome": "refused",
        "refusal_reasons": ["no_licence"],
        "checked_at": "2026-11-29T04:00:00Z",
    }
    [result] = push(live_server, signed_in["token"], put("test_drive", record, values))
    assert result["outcome"] == "applied", result
    return record


def make_history(live_server, customer_id: str, name: str) -> dict:
    """Everything a customer file can hold, for `customer_id`; returns the ids by kind."""
    consultant = live_server.sign_in("consultant")
    token, me = consultant["token"], consultant["user"]["id"]
    state = live_server.pull_all("consultant")
    presentation = next(v for k, v in state.items() if k.startswith("presentation/"))
    needs, walk, change = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    needs_values = {"customer_id": customer_id, "consultant_id": me, "timeline": "7d", "decision_maker": "self"}
    walk_values = {
        "customer_id": customer_id,
        "consultant_id": me,
        "presentation_id": presentation["id"],
        "needs_analysis_id": needs,
        "started_at": WALK_AT,
        "finished_at": WALK_AT,
        "status": "finished",
    }
    grade = state[f"customer/{customer_id}"]
    change_values = {
        "customer_id": customer_id,
        "from_grade": grade["grade"],
        "to_grade": "H",
        "reason": "needs_analysis",
        "needs_analysis_id": needs,
        "changed_by": me,
        "changed_by_name": consultant["user"]["display_name"],
        "changed_at": CHANGE_AT,
    }
    results = push(
        live_server,
        token,
        put("needs_analysis", needs, {**needs_values, "answered_at": NEEDS_AT}),
        put("walkaround", walk, walk_values),
        put("grade_change", change, change_values),
        put("customer", customer_id, {"grade": "H"}, {"grade": grade["fieldVersions"]["grade"]}),
    )
    assert [r["outcome"] for r in results] == ["applied"] * 4, results
    # Two consultants change the mobile number without seeing each other's change: a conflict on the file.
    seen = live_server.pull_all("consultant")[f"customer/{customer_id}"]["fieldVersions"]["phone"]
    push(live_server, token, put("customer", customer_id, {"phone": "13900000002"}, {"phone": seen}))
    other = live_server.sign_in("consultant2")["token"]
    [result] = push(live_server, other, put("customer", customer_id, {"phone": "13900000003"}, {"phone": seen}))
    assert result["outcome"] == "conflict", result
    return {
        "needs_analysis": needs,
        "walkaround": walk,
        "grade_change": change,
        "test_drive": refused_drive(live_server, customer_id, name),
        "delivery": sealed_delivery(live_server, customer_id, name),
        "conflict": result["conflictIDs"][0],
    }


def forget_customers(live_server, ids: list[str]) -> None:
    """Delete the customers a test made (having seen every field), so the next tests' lists, which pick customers
    by their place, start with the demo's: a file with a history changes what a needs form shows first."""
    token = live_server.sign_in("consultant")["token"]
    state = live_server.pull_all("consultant")
    deletes = [
        {"name": "delete", "args": {"entity": "customer", "id": i, "base": state[f"customer/{i}"]["fieldVersions"]}}
        for i in ids
        if f"customer/{i}" in state
    ]
    if deletes:
        results = push(live_server, token, *deletes)
        assert {r["outcome"] for r in results} == {"applied"}, results
