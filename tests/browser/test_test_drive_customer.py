"""Starting a test drive, the escort's side: the customer is found with a search (part of the name, or digits of
the mobile), a walk-in nobody registered is added on the spot, offline (name and mobile, checked with the customer
file's own rules); the licence number typed for the check stays in memory while the app is open, so leaving the
eligibility step and coming back does not make the escort type it again — and it still never reaches IndexedDB or
the server; the kinds of drive read unambiguously (试乘: the customer rides, 试驾: the customer drives, or both).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_tablet, sync_now
from .test_walkaround import OUTBOX, text
from .testdrive_steps import DUMP_IDB, LICENCE, MASKED, REJECTIONS, fill_licence, open_test_drives, start_drive

pytestmark = pytest.mark.browser


def test_the_escort_finds_the_customer_by_name_or_mobile_and_adds_a_walk_in_offline(
    tablet_page, tablet_context, live_server, screenshot
):
    """Offline, four digits of a customer's mobile find that customer (shown with a masked number), and so does a
    part of the name. A walk-in is added from the same card: an empty name and a mobile that is not one get errors
    at their fields and nothing is queued; corrected, the customer is created on the tablet and chosen, and the
    drive starts for them. Back online both the customer and the drive are applied, none refused."""
    known = next(
        v
        for k, v in sorted(live_server.pull_all("escort").items())
        if k.startswith("customer/") and v["phone"] and len(v["name"]) >= 2
    )
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    open_test_drives(page)
    search = page.get_by_test_id("drive-customer-search")
    search.fill(known["phone"][-4:])
    option = page.locator(f"[data-testid=drive-customer-option][data-id='{known['id']}']")
    expect(option).to_be_visible()
    expect(option).to_contain_text(f"{known['phone'][:3]}****{known['phone'][-4:]}")
    expect(option).not_to_contain_text(known["phone"])
    search.fill(known["name"][1:])
    expect(option).to_be_visible()
    screenshot(page, "test-drive-customer-search")
    option.click()
    expect(page.get_by_test_id("drive-customer-chosen")).to_contain_text(known["name"])

    page.get_by_test_id("drive-walk-in").click()
    before = len(page.evaluate(OUTBOX))
    page.get_by_test_id("walk-in-phone").fill("12345")
    page.get_by_test_id("walk-in-save").click()
    expect(page.get_by_test_id("error-walk_in_name")).to_have_text(text(live_server, "This field is required."))
    expect(page.get_by_test_id("error-walk_in_phone")).to_have_text(
        text(live_server, "Enter an 11-digit mainland mobile number, e.g. 13800138000.")
    )
    screenshot(page, "test-drive-walk-in-errors")
    assert len(page.evaluate(OUTBOX)) == before, "nothing is queued while a field is wrong"
    name = f"周{uuid.uuid4().hex[:4]}"
    page.get_by_test_id("walk-in-name").fill(name)
    page.get_by_test_id("walk-in-phone").fill("139 2046 1357")
    page.get_by_test_id("walk-in-save").click()
    expect(page.get_by_test_id("drive-customer-chosen")).to_contain_text(name)
    expect(page.get_by_test_id("drive-customer-chosen")).to_contain_text("139****1357")
    page.locator("[data-testid=fleet-car][data-status=available]").first.click()
    page.get_by_test_id("drive-start").click()
    expect(page).to_have_url(re.compile(r"#/test-drive/[0-9a-f-]{36}/eligibility$"))
    expect(page.get_by_test_id("drive-driver")).to_contain_text(name)
    queued = [m["args"] for m in page.evaluate(OUTBOX)[before:]]
    created = next(a for a in queued if a["entity"] == "customer")
    assert created["set"]["name"] == name and created["set"]["phone"] == "13920461357"
    assert created["set"]["source"] == "walk_in"
    drive = next(a for a in queued if a["entity"] == "test_drive")
    assert drive["set"]["customer_id"] == created["id"]

    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]
    assert page.evaluate(REJECTIONS) == []
    server = live_server.pull_all("manager")
    assert server[f"customer/{created['id']}"]["name"] == name
    assert server[f"test_drive/{drive['id']}"]["customer_id"] == created["id"]


def test_the_licence_number_stays_in_memory_when_the_escort_leaves_the_eligibility_step(
    tablet_page, tablet_context, fleet_car, screenshot
):
    """The escort types the licence number, goes back to the list and opens the drive again: the number is still
    in its field (masked below it), with no retyping. It is in no IndexedDB store; after a reload (the app opened
    afresh) it is gone, as it must be."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    drive_id = start_drive(page, plate=fleet_car, customer=3)
    fill_licence(page)
    expect(page.get_by_test_id("licence-masked")).to_contain_text(MASKED)
    open_test_drives(page)
    page.goto(f"/tablet/#/test-drive/{drive_id}")
    expect(page).to_have_url(re.compile(r"/eligibility$"))
    expect(page.get_by_test_id("input-licence_number")).to_have_value(LICENCE)
    expect(page.get_by_test_id("licence-masked")).to_contain_text(MASKED)
    screenshot(page, "test-drive-licence-kept")
    stored = page.evaluate(DUMP_IDB)
    assert LICENCE not in stored and LICENCE[:17] not in stored
    page.reload()
    expect(page.get_by_test_id("input-licence_number")).to_have_value("")


def test_the_kinds_of_drive_read_unambiguously(tablet_page, tablet_context, live_server, fleet_car, screenshot):
    """The three kinds are three buttons whose words differ from each other and from the feature's own name
    (试乘试驾), so "试驾" can no longer be read as "both"; the chosen kind is the one the drive records and shows."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    open_test_drives(page)
    kinds = page.locator("#drive-kind [data-kind]")
    expect(kinds).to_have_count(3)
    labels = {
        kind: page.locator(f"#drive-kind [data-kind={kind}] .kind-name").inner_text()
        for kind in ("ride", "drive", "ride_drive")
    }
    assert labels == {
        "ride": text(live_server, "Ride along (passenger)"),
        "drive": text(live_server, "Drive (customer drives)"),
        "ride_drive": text(live_server, "Ride, then drive"),
    }
    assert text(live_server, "Test drives") not in labels.values()
    expect(page.locator("#drive-kind [data-kind=ride_drive]")).to_have_attribute("aria-checked", "true")
    page.locator("#drive-kind [data-kind=drive]").click()
    expect(page.locator("#drive-kind [data-kind=drive]")).to_have_attribute("aria-checked", "true")
    screenshot(page, "test-drive-kinds")
    before = len(page.evaluate(OUTBOX))
    start_drive(page, plate=fleet_car, customer=4, keep_form=True)
    drive = next(m["args"] for m in page.evaluate(OUTBOX)[before:] if m["args"]["entity"] == "test_drive")
    assert drive["set"]["kind"] == "drive"
    expect(page.locator(".handover-vehicle")).to_contain_text(labels["drive"])
