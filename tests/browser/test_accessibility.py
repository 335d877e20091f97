"""The accessibility gate: axe-core on every screen of the tablet and of the office, in Chinese and in English, in the
states that matter (an empty and a full list, a form showing its field errors, the sync dialog, the signature pads,
offline); 0 critical and 0 serious violations, and on the tablet every tap target at least 44 × 44 CSS px. Moderate
and minor findings are printed and kept in test-artifacts/accessibility/<gate>.txt.

The lists below are checked against the tablet's router (`ROUTES` in web/js/app.js) and the office's GET routes
(Flask's url_map): a new screen that is not in the gate fails `test_the_gate_lists_every_*`.

One browser profile per role and language walks through its screens the way a person does (signing in, starting a
handover, a test drive, a walk-around), so the office then has a sealed delivery, a drive and a walk-around to show.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from .accessibility import Gate, rule_pattern, tablet_screens
from .conftest import (
    DEMO_PASSWORD,
    _watch_for_script_problems,
    open_tablet_context,
    save_screenshot,
    sign_in_tablet,
    sync_now,
)
from .live_data import make_conflict, make_customer, make_rejection
from .testdrive_steps import available_plate, draw_signature, fill_gauges, fill_licence, sign_agreement, start_drive

pytestmark = pytest.mark.browser

#: The tablet as a consultant uses it: screen (as named by `tablet_screens()`) → the states it is checked in.
CONSULTANT = {
    "#/sign-in": ("form", "field errors"),
    "#/home": ("online", "offline", "sync dialog"),
    "#/customers": ("full list", "empty list (no match)"),
    "#/customers/<id>": ("record with its grade", "conflicting changes"),
    "#/customers/new": ("empty form", "field errors"),
    "#/customers/<id>/edit": ("form",),
    "#/customers/<id>/needs": ("form", "field errors"),
    "#/walkaround": ("list",),
    "#/walkaround/start/<id>": ("model, trim and topics",),
    "#/walkaround/<id>/<n>": ("position", "objection noted"),
    "#/walkaround/<id>": ("resumed at its position",),
    "#/walkaround/<id>/summary": ("summary",),
    "#/handover": ("list",),
    "#/handover/start/<id>": ("vehicle choice",),
    "#/handover/<id>/check/<group>": ("checklist", "defect waiting for its photo"),
    "#/handover/<id>": ("resumed at its step", "sealed"),
    "#/handover/<id>/details": ("items and documents",),
    "#/handover/<id>/review": ("signature pads", "errors before sealing"),
}

#: The tablet as a test-drive escort uses it.
ESCORT = {
    "#/home": ("escort's home",),
    "#/test-drive": ("fleet and drives",),
    "#/test-drive/<id>/eligibility": ("form", "field errors"),
    "#/test-drive/<id>/agreement": ("signature pads", "not accepted"),
    "#/test-drive/<id>/start": ("form",),
    "#/test-drive/<id>/return": ("form",),
    "#/test-drive/<id>/feedback": ("form", "field errors"),
    "#/test-drive/<id>": ("sealed",),
}

#: The office and the public pages: GET rule → states.
OFFICE = {
    "/login": ("form", "wrong password"),
    "/verify": ("upload form", "not a PDF"),
    "/verify/<document_id>": ("a sealed delivery",),
    "/offline": ("offline fallback",),
    "/office/": ("manager's home",),
    "/office/customers": ("full list", "filtered by grade"),
    "/office/customers/<customer_id>": ("file with needs and walk-around", "not found (404 page)"),
    "/office/vehicles": ("list",),
    "/office/catalogue": ("list", "offline message"),
    "/office/catalogue/<kind>/<record_id>/edit": ("editing a row", "field errors"),
    "/office/catalogue/<kind>/<record_id>": ("row after cancel",),
    "/office/deliveries": ("with a sealed delivery",),
    "/office/conflicts": ("open conflicts",),
    "/office/rejections": ("rejected changes",),
    "/office/test-drives": ("today's board",),
    "/office/test-drives/reports": ("figures", "empty period", "field errors"),
    "/office/fleet": ("list", "field errors"),
    "/office/fleet/<car_id>": ("editing a car",),
    "/office/drive-routes": ("list", "field errors"),
    "/office/drive-rules": ("form", "field errors"),
    "/office/walkarounds": ("sessions",),
    "/office/walkarounds/<walkaround_id>": ("session and score",),
    "/office/presentations": ("series",),
    "/office/presentations/<series_id>": ("editor",),
    "/office/users": ("list", "field errors"),
    "/office/users/<int:user_id>/edit": ("editing an account",),
    "/office/users/<int:user_id>": ("row after cancel",),
}

#: GET routes that are no screen of their own (each must still exist: a renamed route fails the test).
NOT_SCREENS = {
    "/": "redirects to the office home or the sign-in page",
    "/tablet/": "the tablet's shell: every screen it draws is in CONSULTANT and ESCORT",
    "/sw.js": "the service worker",
    "/manifest.webmanifest": "the web app manifest (JSON)",
    "/i18n/<language>.json": "the tablet's translations (JSON)",
    "/static/<path:filename>": "static files",
    "/api/me": "JSON API",
    "/api/sync/v1/blobs/<sha256>": "JSON API (a blob)",
    "/api/sync/v1/schema": "JSON API",
    "/office/documents/<document_id>.pdf": "a PDF download",
    "/office/pictures/<sha256>": "a picture of the walk-around content",
    "/office/documents/<document_id>/state": "the document-state partial the deliveries page includes (checked there)",
}

LOCALES = {"zh_CN": "zh-CN", "en": "en-US"}  # the browser's own language
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}  # <html lang> of our pages
USERS = ("consultant", "escort", "manager", "admin")


def test_the_gate_lists_every_tablet_screen():
    """Every screen of the tablet's router, each optional step its own screen, is in CONSULTANT or ESCORT, and
    nothing listed there is gone from the router."""
    listed = set(CONSULTANT) | set(ESCORT)
    routed = set(tablet_screens())
    assert len(routed) >= 25, routed  # the parser still reads app.js
    assert routed - listed == set(), "tablet screens missing from the accessibility gate"
    assert listed - routed == set(), "screens in the gate that the router no longer has"


def test_the_gate_lists_every_office_page(app):
    """Every GET route of the server is an office/public screen in OFFICE or named in NOT_SCREENS, with why."""
    rules = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert rules - set(OFFICE) - set(NOT_SCREENS) == set(), "GET routes missing from the accessibility gate"
    assert (set(OFFICE) | set(NOT_SCREENS)) - rules == set(), "routes in the gate that the server no longer has"


def test_rule_patterns_match_paths():
    """The office check compares paths with URL rules; a converter matches one path segment."""
    assert rule_pattern("/office/users/<int:user_id>/edit").fullmatch("/office/users/12/edit")
    assert not rule_pattern("/office/customers/<customer_id>").fullmatch("/office/customers/a/b")


# --- helpers -------------------------------------------------------------------------------------------------------


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


def office_sign_in(page, username: str, language: str) -> None:
    """Sign in to the office (by the form) and switch to `language` with the header's switch."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("button.primary[type=submit]").click()
    expect(page.locator("header.topbar")).to_be_visible()
    if language == "en" and page.locator("html").get_attribute("lang") != "en":
        page.locator(".language-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])


@pytest.fixture
def restore_languages(live_server):
    """The gate switches demo accounts to English on the shared server: put them back to Chinese afterwards, so
    the other browser tests see the demo as it was seeded."""
    yield
    for username in USERS:
        token = live_server.sign_in(username)["token"]
        status, body = live_server.api("PATCH", "/api/me", {"language": "zh_CN"}, token=token)
        assert status == 200, body


# --- the gate ------------------------------------------------------------------------------------------------------


def consultant_gate(gate: Gate, page, context, language: str, pick: int, customer_id: str, disputed: str) -> dict:
    """Walk the consultant's screens with `customer_id` (and `disputed`, a customer with an open conflict); returns
    the ids the office part needs."""
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

    # The walk-around: start, a position with an objection noted, back to it, the summary.
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

    # The handover, from the vehicle to the seal.
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
    for code in ("invoice", "certificate", "warranty", "manual"):
        page.get_by_test_id(f"doc-{code}").check()
    page.locator("#odometer").fill("8")
    page.locator("#odometer").blur()
    page.get_by_test_id("explained-maintenance").check()
    page.get_by_test_id("explained-operation").check()
    gate.check(page, "#/handover/<id>/details", "items and documents")
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/review$"))
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
    return {"customer": customer_id, "delivery": delivery_id, "walkaround": walkaround_id}


def escort_gate(gate: Gate, page, language: str, pick: int) -> str:
    """Walk a test drive from the fleet to the sealed log; returns the drive id."""
    sign_in_tablet(page, "escort")
    tablet_language(page, language)
    gate.check(page, "#/home", "escort's home")
    plate = available_plate(page, pick)
    gate.check(page, "#/test-drive", "fleet and drives")
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


def anonymous_gate(gate: Gate, page, context, language: str, document_id: str, tmp_path) -> None:
    """The public pages: sign-in, verification, the tablet's offline fallback."""
    page.goto("/login")
    if language == "en":
        page.locator(".language-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    gate.check(page, "/login", "form")
    page.locator("#username").fill("manager")
    page.locator("#password").fill("not-the-password")
    page.locator("button.primary[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    gate.check(page, "/login", "wrong password")
    page.goto("/verify")
    gate.check(page, "/verify", "upload form")
    not_pdf = tmp_path / f"note-{language}.pdf"
    not_pdf.write_text("this is not a PDF")
    page.locator("#pdf").set_input_files(str(not_pdf))
    page.locator("form button[type=submit]").first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    gate.check(page, "/verify", "not a PDF")
    page.goto(f"/verify/{document_id}")
    gate.check(page, "/verify/<document_id>", "a sealed delivery")
    page.goto("/offline")
    gate.check(page, "/offline", "offline fallback")


def manager_gate(gate: Gate, page, context, language: str, ids: dict) -> None:
    """The manager's office pages, with a conflict, a rejected change, a delivery, a drive and a walk-around."""
    office_sign_in(page, "manager", language)
    gate.check(page, "/office/", "manager's home")
    save_screenshot(page, f"a11y-{language}-office-home")
    page.goto("/office/customers")
    gate.check(page, "/office/customers", "full list")
    page.locator("#grade").select_option("H")
    expect(page).to_have_url(re.compile(r"grade=H"))
    gate.check(page, "/office/customers", "filtered by grade")
    page.goto(f"/office/customers/{ids['customer']}")
    gate.check(page, "/office/customers/<customer_id>", "file with needs and walk-around")
    page.goto(f"/office/customers/{uuid.uuid4()}")
    gate.check(page, "/office/customers/<customer_id>", "not found (404 page)")
    page.goto("/office/vehicles")
    gate.check(page, "/office/vehicles", "list")

    page.goto("/office/catalogue")
    gate.check(page, "/office/catalogue", "list")
    row = page.locator("tr[id^=trim-]").first
    row_id = row.get_attribute("id")
    context.set_offline(True)
    row.locator("button").click()
    expect(page.locator(".flash-error")).to_be_visible()
    gate.check(page, "/office/catalogue", "offline message")
    context.set_offline(False)
    page.locator(f"#{row_id} button").click()
    editing = page.locator("tr.editing")
    expect(editing).to_be_visible()
    gate.check(page, "/office/catalogue/<kind>/<record_id>/edit", "editing a row")
    editing.locator("input[name=msrp_yuan]").fill("abc")
    editing.locator("button.primary").click()
    expect(editing.locator(".field-error")).to_be_visible()
    gate.check(page, "/office/catalogue/<kind>/<record_id>/edit", "field errors")
    save_screenshot(page, f"a11y-{language}-office-catalogue-error")
    editing.locator("button:not(.primary)").click()
    expect(page.locator("tr.editing")).to_have_count(0)
    gate.check(page, "/office/catalogue/<kind>/<record_id>", "row after cancel")

    page.goto("/office/deliveries")
    gate.check(page, "/office/deliveries", "with a sealed delivery")
    page.goto("/office/conflicts")
    expect(page.locator(f"#conflict-{ids['conflict']}")).to_be_visible()
    gate.check(page, "/office/conflicts", "open conflicts")
    save_screenshot(page, f"a11y-{language}-office-conflicts")
    page.goto("/office/rejections")
    gate.check(page, "/office/rejections", "rejected changes")

    page.goto("/office/test-drives")
    gate.check(page, "/office/test-drives", "today's board")
    page.goto("/office/test-drives/reports")
    gate.check(page, "/office/test-drives/reports", "figures")
    page.goto("/office/test-drives/reports?first=2001-01-01&last=2001-01-31")
    gate.check(page, "/office/test-drives/reports", "empty period")
    page.goto("/office/test-drives/reports?first=yesterday")
    expect(page.locator(".field-error").first).to_be_visible()
    gate.check(page, "/office/test-drives/reports", "field errors")
    page.goto("/office/fleet")
    gate.check(page, "/office/fleet", "list")
    page.locator("#car-form button[type=submit]").click()
    expect(page.locator("#car-form .field-error").first).to_be_visible()
    gate.check(page, "/office/fleet", "field errors")
    page.goto("/office/fleet")
    page.locator("#fleet a.button").first.click()
    expect(page).to_have_url(re.compile(r"/office/fleet/[^/#]+"))
    gate.check(page, "/office/fleet/<car_id>", "editing a car")
    page.goto("/office/drive-routes")
    gate.check(page, "/office/drive-routes", "list")
    page.locator("#new-route button[type=submit]").click()
    expect(page.locator("#new-route .field-error").first).to_be_visible()
    gate.check(page, "/office/drive-routes", "field errors")
    page.goto("/office/drive-rules")
    gate.check(page, "/office/drive-rules", "form")
    page.locator("input[type=number]").first.fill("-1")
    page.locator("form button.primary[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    gate.check(page, "/office/drive-rules", "field errors")

    page.goto("/office/walkarounds")
    gate.check(page, "/office/walkarounds", "sessions")
    page.goto(f"/office/walkarounds/{ids['walkaround']}")
    gate.check(page, "/office/walkarounds/<walkaround_id>", "session and score")
    page.goto("/office/presentations")
    gate.check(page, "/office/presentations", "series")
    page.locator("main a[href*='/office/presentations/']").first.click()
    expect(page).to_have_url(re.compile(r"/office/presentations/[^/]+$"))
    gate.check(page, "/office/presentations/<series_id>", "editor")


def admin_gate(gate: Gate, page, language: str) -> None:
    """The admin's accounts page: a new account with errors, an account edited inline and cancelled."""
    office_sign_in(page, "admin", language)
    page.goto("/office/users")
    gate.check(page, "/office/users", "list")
    page.locator("#new-username").fill("Bad Name")
    page.locator("#new-password").fill("short")
    page.locator("#new-user button[type=submit]").click()
    expect(page.locator("#new-user .field-error").first).to_be_visible()
    gate.check(page, "/office/users", "field errors")
    row = page.locator("tr[id^=user-]").first
    row.locator("button").click()
    expect(page.locator("tr.editing")).to_be_visible()
    gate.check(page, "/office/users/<int:user_id>/edit", "editing an account")
    page.locator("tr.editing button:not(.primary)").click()
    expect(page.locator("tr.editing")).to_have_count(0)
    gate.check(page, "/office/users/<int:user_id>", "row after cancel")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_screen_passes_axe_in_every_state(browser, live_server, restore_languages, language, tmp_path):
    """Every tablet and office screen of the lists above, in each of its states, in `language`: no critical or
    serious axe violation, tablet tap targets ≥ 44 × 44 px, no script error or CSP violation (axe included)."""
    started = time.monotonic()
    pick = 0 if language == "zh_CN" else 1  # each run its own customer, car and vehicle
    locale = LOCALES[language]
    consultant = Gate(f"tablet-consultant-{language}", "tablet", language, CONSULTANT)
    escort = Gate(f"tablet-escort-{language}", "tablet", language, ESCORT)
    public = Gate(
        f"office-public-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if not k.startswith("/office/")},
    )
    manager = Gate(
        f"office-manager-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if k.startswith("/office/") and not k.startswith("/office/users")},
    )
    admin = Gate(
        f"office-admin-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if k.startswith("/office/users")},
    )
    contexts = []
    watched: list[list[str]] = []  # script errors and CSP violations, per page

    def tablet():
        context = open_tablet_context(browser, live_server)
        context.set_extra_http_headers({"Accept-Language": locale})
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")  # tablet.css then drops its transitions: no colour mid-fade
        watched.append(_watch_for_script_problems(page))
        return context, page

    def desk():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 800},
            locale=locale,
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watched.append(_watch_for_script_problems(page))
        return context, page

    try:
        customer_id = make_customer(live_server, f"无障碍客户{uuid.uuid4().hex[:4]}")
        disputed, conflict_id = make_conflict(live_server, f"无障碍{uuid.uuid4().hex[:4]}")
        context, page = tablet()
        ids = consultant_gate(consultant, page, context, language, pick, customer_id, disputed)
        context, page = tablet()
        escort_gate(escort, page, language, pick)

        ids["conflict"] = conflict_id
        make_rejection(live_server)
        documents = [
            v
            for k, v in live_server.pull_all("manager").items()
            if k.startswith("document/") and v["record_id"] == ids["delivery"]
        ]
        assert documents, "the sealed handover has no document on the server"

        context, page = desk()
        anonymous_gate(public, page, context, language, documents[0]["id"], tmp_path)
        context, page = desk()
        manager.watch(page)
        manager_gate(manager, page, context, language, ids)
        context, page = desk()
        admin.watch(page)
        admin_gate(admin, page, language)
    finally:
        for context in contexts:
            context.close()
    elapsed = time.monotonic() - started
    gates = [consultant, escort, public, manager, admin]
    checked = sum(len(g.done) for g in gates)
    print(f"\naccessibility gate ({language}): {checked} screen states in {elapsed:.0f} s")
    failures = []
    for g in gates:
        try:
            g.finish()
        except AssertionError as error:
            failures.append(str(error))
    problems = [p for w in watched for p in w]
    assert not problems, problems
    assert not failures, "\n\n".join(failures)
