"""The back office meets what was promised at a handover, in real Chromium: a delivery signed ten days ago whose
floor mats were promised three days ago is flagged overdue at the top of the owed list, in words that say what they
are (the owed item, promised by, mark as handed over), with a link to its delivery; the delivery's page shows it and
closes it. In Chinese and English."""

from __future__ import annotations

import hashlib
import json
import urllib.request
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import rfc8785
from playwright.sync_api import expect

from tests.factories.images import solid_png

from .a11y_office import office_sign_in
from .conftest import save_screenshot
from .live_data import push, put
from .test_handover_checks import restore_chinese

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


def upload(live_server, token: str, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    request = urllib.request.Request(f"{live_server.url}/api/sync/v1/blobs/{sha}", data=data, method="PUT")  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "image/png")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own server)
        assert response.status in (200, 201)
    return sha


def delivery_values(live_server, me: int, we_owe: list[dict]) -> dict:
    """A complete delivery of one of consultant `me`'s customers: every applicable item ✓ but those the we-owe
    list names."""
    records = live_server.pull_all("consultant")
    of = lambda kind: [v for k, v in records.items() if k.startswith(f"{kind}/")]  # noqa: E731
    customer = next(c for c in of("customer") if c.get("owner_id") == me)
    trims = {t["id"]: t for t in of("trim")}
    vehicle = next(v for v in of("vehicle") if v["stock_status"] == "in_stock" and not v.get("is_test_drive"))
    template = max((t for t in of("checklist_template") if t["key"] == "delivery"), key=lambda t: t["template_version"])
    powertrain = trims[vehicle["trim_id"]]["powertrain"]
    owed = {w.get("item_code") for w in we_owe}
    codes = [
        i["code"]
        for g in template["groups"]
        for i in g["items"]
        if (not i.get("when") or powertrain in i["when"]["powertrain"]) and i["code"] not in owed
    ]
    values = {
        "customer_id": customer["id"],
        "customer_name": customer["name"],
        "vehicle_id": vehicle["id"],
        "vin": vehicle["vin"],
        "vehicle_description": "启程 S5 1.5T 舒适版 · 极地白",
        "template_id": template["id"],
        "items": {c: {"result": "ok", "note": "", "photos": []} for c in codes},
        "accessories": [],
        "keys_count": 2,
        "odometer_km": 12,
        "explained_maintenance": True,
        "explained_operation": True,
        "we_owe": we_owe,
        "consent_version": template["consent"]["version"],
        "consent_accepted": True,
        "notes": "",
    }
    return values


def old_shape_draft(live_server, documents: list[str]) -> str:
    """A complete delivery as a tablet of the old version drafts it (with its `documents` list), not signed."""
    signed_in = live_server.sign_in("consultant")
    values = {**delivery_values(live_server, signed_in["user"]["id"], []), "documents": documents}
    record = str(uuid.uuid4())
    [result] = push(live_server, signed_in["token"], put("delivery", record, values))
    assert result["outcome"] == "applied", result
    return record


def seal_old_delivery(live_server, we_owe: list[dict], days_ago: int) -> str:
    """A delivery of the demo consultant's, signed `days_ago` days ago on a tablet (its signedAt); returns its id."""
    signed_in = live_server.sign_in("consultant")
    token = signed_in["token"]
    values = delivery_values(live_server, signed_in["user"]["id"], we_owe)
    customer = {"name": values["customer_name"]}
    record = str(uuid.uuid4())
    signatures = [
        {"role": role, "name": name, "blob": upload(live_server, token, solid_png(rgb=rgb))}
        for role, name, rgb in (("customer", customer["name"], (10, 20, 30)), ("consultant", "李明", (30, 20, 10)))
    ]
    signed_at = (datetime.now(SHANGHAI) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    sign = {
        "name": "sign",
        "args": {
            "entity": "delivery",
            "id": record,
            "snapshot": values,
            "signatures": signatures,
            "contentHash": hashlib.sha256(rfc8785.dumps(values)).hexdigest(),
            "signedAt": signed_at,
        },
    }
    results = push(live_server, token, put("delivery", record, values), sign)
    assert [r["outcome"] for r in results] == ["applied", "applied"], json.dumps(results, ensure_ascii=False)
    return record


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_an_overdue_promise_is_flagged_and_leads_to_its_delivery(office_page, live_server, language):
    """Promised three days ago, signed ten days ago: first in the owed list, flagged with its days late, linked to
    its delivery; there, marked as handed over, it leaves the open list."""
    today = datetime.now(SHANGHAI).date()
    mats = f"原厂脚垫（{language}）"
    delivery_id = seal_old_delivery(
        live_server,
        [
            {"text": mats, "due_date": (today - timedelta(days=3)).isoformat(), "item_code": "B07"},
            {"text": "首保券", "due_date": None},
        ],
        days_ago=10,
    )
    page = office_page
    office_sign_in(page, "backoffice", language)
    try:
        page.goto("/office/deliveries")
        table = page.locator("#we-owe")
        first = table.locator("tbody tr").first
        expect(first).to_contain_text(mats)
        expect(first).to_have_class("overdue")
        expect(first.locator(".tag-overdue")).to_contain_text("3")
        expect(table.locator("thead")).not_to_contain_text("评分项")
        expect(table).not_to_contain_text("已交车")
        if language == "en":
            expect(table.locator("thead")).to_contain_text("Owed item")
            expect(first.get_by_role("button")).to_have_text("Mark as handed over")
        save_screenshot(page, f"office-deliveries-owed-{language}")
        first.locator(f"a[href='/office/deliveries/{delivery_id}']").click()
        expect(page).to_have_url(f"{live_server.url}/office/deliveries/{delivery_id}")
        expect(page.locator(".mainnav a[aria-current=page]")).to_have_attribute("href", "/office/deliveries")
        row = page.locator("#we-owe tbody tr", has_text=mats)
        expect(row).to_have_class("overdue")
        expect(row).to_contain_text("B07")
        save_screenshot(page, f"office-delivery-page-{language}")
        row.get_by_role("button").click()
        expect(page).to_have_url(f"{live_server.url}/office/deliveries/{delivery_id}")
        expect(page.locator("#we-owe tbody tr", has_text=mats)).not_to_have_class("overdue")
        page.goto("/office/deliveries")
        expect(page.locator("#we-owe")).not_to_contain_text(mats)
    finally:
        restore_chinese(live_server, "backoffice")
