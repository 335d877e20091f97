"""The accessibility gate's walks on the tablet (tests/browser/test_accessibility.py): one profile per role goes
through its screens the way a person does, and `gate.check` runs axe and measures tap targets at each state."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .accessibility import HTML_LANG, Gate
from .conftest import save_screenshot, sign_in_tablet, sync_now
from .testdrive_steps import draw_signature, fill_gauges, fill_licence, open_test_drives, sign_agreement, start_drive


def go(page, hash_: str, ready) -> str:
    """Open tablet screen `hash_` and wait for `ready` (a locator); returns the hash as navigated."""
    page.goto(f"/tablet/{hash_}")
    expect(ready).to_be_visible()
    return hash_


def tablet_language(page, language: str) -> None:
    """Switch the tablet to `language` with its own switch (home or sign-in) and wait until it is drawn."""
    if language != "zh_CN":
        page.locator(f"[data-language={language}]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    expect(page.locator(f"[data-language={language}]").first).to_have_attribute("aria-pressed", "true")


def consultant_gate(gate: Gate, page, context, language: str, pick: int, customer_id: str, disputed: str) -> dict:
    """Walk the consultant's screens with `customer_id` (and `disputed`, a customer with an open conflict); returns
    the ids the office part needs."""
    _sign_in_and_home(gate, page, context, language)
    _customers(gate, page, language, customer_id, disputed)
    walkaround_id = _walkaround(gate, page, language, customer_id)
    delivery_id = _handover(gate, page, language, pick, customer_id)
    sync_now(page)
    return {"customer": customer_id, "delivery": delivery_id, "walkaround": walkaround_id}


def _sign_in_and_home(gate: Gate, page, context, language: str) -> None:
    """Sign-in (form, errors), the home online and offline, the sync dialog."""
    page.goto("/tablet/")
    page.locator("body.ready").wait_for(state="attached")
    expect(page.locator("#username")).to_be_visible()
    tablet_language(page, language)
    gate.check(page, "#/sign-in", "form")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#username-error")).to_be_visible()
    gate.check(page, "#/sign-in", "field errors")

    sign_in_tablet(page, "consultant")
    tablet_language(page, language)
    gate.check(page, "#/home", "online")
    context.set_offline(True)
    expect(page.locator("#badge")).to_have_attribute("data-state", "offline")
    gate.check(page, "#/home", "offline")
    save_screenshot(page, f"a11y-{language}-home-offline")
    page.locator("#badge button").click()
    expect(page.locator("#sync-panel")).to_have_attribute("open", "")
    expect(page.get_by_test_id("problem-count")).to_be_visible()
    gate.check(page, "#/home", "sync dialog")
    page.keyboard.press("Escape")
    expect(page.locator("#sync-panel")).not_to_have_attribute("open", "")
    context.set_offline(False)
    expect(page.locator("#badge")).to_have_attribute("data-state", "online")


def _customers(gate: Gate, page, language: str, customer_id: str, disputed: str) -> None:
    """The customer list (full, no match), a record, a conflicting one, the forms and the needs analysis."""
    rows = page.get_by_test_id("customer-row")
    go(page, "#/customers", rows.first)
    gate.check(page, "#/customers", "full list")
    page.locator("#customer-search").fill("没有这个人 nobody")
    expect(rows).to_have_count(0)
    gate.check(page, "#/customers", "empty list (no match)")
    page.locator("#customer-search").fill("")
    expect(page.locator(f"[data-testid=customer-row][data-id='{customer_id}']")).to_be_visible()

    go(page, f"#/customers/{customer_id}", page.get_by_test_id("customer-name"))
    gate.check(page, "#/customers/<id>", "record with its grade")
    save_screenshot(page, f"a11y-{language}-customer")
    go(page, f"#/customers/{disputed}", page.get_by_test_id("customer-conflict").first)
    gate.check(page, "#/customers/<id>", "conflicting changes")
    go(page, "#/customers/new", page.locator("#customer-name"))
    gate.check(page, "#/customers/new", "empty form")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#name-error")).to_be_visible()
    gate.check(page, "#/customers/new", "field errors")
    go(page, f"#/customers/{customer_id}/edit", page.locator("#customer-name"))
    gate.check(page, "#/customers/<id>/edit", "form")

    go(page, f"#/customers/{customer_id}/needs", page.get_by_test_id("save-needs"))
    gate.check(page, "#/customers/<id>/needs", "form")
    page.locator("#needs-budget_min").fill("-5")
    page.locator("#needs-budget_max").fill("abc")
    page.get_by_test_id("save-needs").click()
    expect(page.get_by_test_id("error-budget_min")).to_be_visible()
    gate.check(page, "#/customers/<id>/needs", "field errors")


def _walkaround(gate: Gate, page, language: str, customer_id: str) -> str:
    """The walk-around: start, a position with an objection noted, back to it, the summary; returns its id."""
    go(page, "#/walkaround", page.get_by_test_id("walkaround-new"))
    gate.check(page, "#/walkaround", "list")
    go(page, f"#/walkaround/start/{customer_id}", page.get_by_test_id("walkaround-go"))
    gate.check(page, "#/walkaround/start/<id>", "model, trim and topics")
    page.get_by_test_id("walkaround-go").click()
    expect(page).to_have_url(re.compile(r"#/walkaround/[0-9a-f-]{36}/1$"))
    walkaround_id = page.url.split("#/walkaround/")[1].split("/")[0]
    expect(page.get_by_test_id("point").first).to_be_visible()
    gate.check(page, "#/walkaround/<id>/<n>", "position")
    page.get_by_test_id("point").first.locator("[data-mark=objection]").click()
    expect(page.get_by_test_id("objection-note")).to_be_visible()
    gate.check(page, "#/walkaround/<id>/<n>", "objection noted")
    save_screenshot(page, f"a11y-{language}-walkaround-position")
    go(page, "#/home", page.locator("#greeting"))
    seen = go(page, f"#/walkaround/{walkaround_id}", page.get_by_test_id("point").first)
    gate.check(page, "#/walkaround/<id>", "resumed at its position", hash_seen=seen)
    go(page, f"#/walkaround/{walkaround_id}/summary", page.get_by_test_id("summary-coverage"))
    gate.check(page, "#/walkaround/<id>/summary", "summary")
    return walkaround_id


def _handover(gate: Gate, page, language: str, pick: int, customer_id: str) -> str:
    """The handover from the vehicle to the seal; returns the delivery id."""
    go(page, "#/handover", page.get_by_test_id("handover-start"))
    gate.check(page, "#/handover", "list")
    go(page, f"#/handover/start/{customer_id}", page.get_by_test_id("vehicle-choice").first)
    gate.check(page, "#/handover/start/<id>", "vehicle choice")
    vehicles = page.get_by_test_id("vehicle-choice")
    vehicles.nth(vehicles.count() - 1 - pick).click()  # from the end: other tests take the first
    expect(page).to_have_url(re.compile(r"#/handover/[0-9a-f-]{36}/check/A$"))
    delivery_id = page.url.split("#/handover/")[1].split("/")[0]
    gate.check(page, "#/handover/<id>/check/<group>", "checklist")
    save_screenshot(page, f"a11y-{language}-handover-checklist")
    first_item = page.get_by_test_id("check-item").first
    first_item.locator("[data-result=defect]").click()
    expect(first_item.get_by_test_id("photo-required")).to_be_visible()
    gate.check(page, "#/handover/<id>/check/<group>", "defect waiting for its photo")
    page.get_by_test_id("check-item").first.locator("[data-result=ok]").click()
    go(page, "#/home", page.locator("#greeting"))
    seen = go(page, f"#/handover/{delivery_id}", page.get_by_test_id("group-title"))
    gate.check(page, "#/handover/<id>", "resumed at its step", hash_seen=seen)
    page.get_by_test_id("rest-ok").click()
    while not re.search(r"/details$", page.url):
        title = page.get_by_test_id("group-title").inner_text()
        page.get_by_test_id("next-step").click()
        expect(page.get_by_test_id("group-title").or_(page.locator("#odometer"))).not_to_have_text(title)
        if page.get_by_test_id("rest-ok").count():
            page.get_by_test_id("rest-ok").click()
    expect(page.locator("#odometer")).to_be_visible()
    page.locator("#odometer").fill("8")
    page.locator("#odometer").blur()
    page.get_by_test_id("explained-maintenance").check()
    page.get_by_test_id("explained-operation").check()
    gate.check(page, "#/handover/<id>/details", "items and documents")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the tablet profiles' time zone
    page.locator("#we-owe-text").fill("原厂脚垫下周到店后补交")  # suggests B07, which is ticked: a contradiction
    page.locator("#we-owe-date").fill((today - timedelta(days=1)).isoformat())
    page.get_by_test_id("add-we-owe").click()
    expect(page.get_by_test_id("we-owe-date-error")).to_be_visible()
    page.locator("#we-owe-date").fill((today + timedelta(days=7)).isoformat())
    page.get_by_test_id("add-we-owe").click()
    expect(page.get_by_test_id("we-owe-contradiction")).to_be_visible()
    gate.check(page, "#/handover/<id>/details", "we-owe entry contradicting the checklist")
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/review$"))
    expect(page.get_by_test_id("contradiction")).to_be_visible()
    gate.check(page, "#/handover/<id>/review", "contradictions")
    save_screenshot(page, f"a11y-{language}-handover-contradictions")
    page.get_by_test_id("keep-owed").click()
    expect(page.get_by_test_id("contradictions")).to_have_count(0)
    expect(page.get_by_test_id("pad-customer")).to_be_visible()
    gate.check(page, "#/handover/<id>/review", "signature pads")
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("seal-error")).to_be_visible()
    gate.check(page, "#/handover/<id>/review", "errors before sealing")
    page.get_by_test_id("consent").check()
    draw_signature(page, "pad-customer")
    draw_signature(page, "pad-consultant")
    save_screenshot(page, f"a11y-{language}-handover-review")
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    seen = go(page, f"#/handover/{delivery_id}", page.get_by_test_id("sealed"))
    gate.check(page, "#/handover/<id>", "sealed", hash_seen=seen)
    sync_now(page)
    return delivery_id


def escort_gate(gate: Gate, page, language: str, pick: int, plate: str) -> str:
    """Walk a test drive with car `plate` from the fleet to the sealed log; returns the drive id."""
    sign_in_tablet(page, "escort")
    tablet_language(page, language)
    gate.check(page, "#/home", "escort's home")
    open_test_drives(page)
    gate.check(page, "#/test-drive", "fleet and drives")
    page.get_by_test_id("drive-walk-in").click()
    page.get_by_test_id("walk-in-save").click()
    expect(page.get_by_test_id("error-walk_in_name")).to_be_visible()
    gate.check(page, "#/test-drive", "walk-in with field errors")
    drive_id = start_drive(page, plate=plate, customer=5 + pick)
    gate.check(page, "#/test-drive/<id>/eligibility", "form")
    save_screenshot(page, f"a11y-{language}-test-drive-eligibility")
    fill_licence(page, number="110105194912310021", valid_to="2020-01-01", first_issued="2099-05-01")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("error-licence_first_issued")).to_be_visible()
    gate.check(page, "#/test-drive/<id>/eligibility", "field errors")
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("agreement-text")).to_be_visible()
    gate.check(page, "#/test-drive/<id>/agreement", "signature pads")
    page.get_by_test_id("sign-agreement").click()
    expect(page.get_by_test_id("agreement-error")).to_be_visible()
    gate.check(page, "#/test-drive/<id>/agreement", "not accepted")
    sign_agreement(page)
    fill_gauges(page, "start", "70")
    gate.check(page, "#/test-drive/<id>/start", "form")
    odometer = int(page.get_by_test_id("input-start_odometer_km").input_value())
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))
    page.get_by_test_id("input-end_odometer_km").fill(str(odometer + 6))
    fill_gauges(page, "end", "65")
    gate.check(page, "#/test-drive/<id>/return", "form")
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.get_by_test_id("sign-log")).to_be_visible()
    gate.check(page, "#/test-drive/<id>/feedback", "form")
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("error-overall")).to_be_visible()
    gate.check(page, "#/test-drive/<id>/feedback", "field errors")
    page.locator("[data-testid=score-overall] [data-score='4']").click()
    draw_signature(page, "pad-escort")
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    seen = go(page, f"#/test-drive/{drive_id}", page.get_by_test_id("sealed"))
    gate.check(page, "#/test-drive/<id>", "sealed", hash_seen=seen)
    save_screenshot(page, f"a11y-{language}-test-drive-sealed")
    sync_now(page)
    return drive_id
