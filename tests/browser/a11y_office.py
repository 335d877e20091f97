"""The accessibility gate's walks in the office (tests/browser/test_accessibility.py): the public pages, the
manager's and the admin's, each state checked by `gate.check` (axe)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from .accessibility import HTML_LANG, Gate
from .conftest import DEMO_PASSWORD, save_screenshot


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
    _home_and_customers(gate, page, language, ids)
    _reception(gate, page)
    _catalogue(gate, page, context, language)
    _review(gate, page, language, ids)
    _test_drives(gate, page)
    _walkarounds(gate, page, ids)


def _home_and_customers(gate: Gate, page, language: str, ids: dict) -> None:
    """Home, customers (full, filtered, a file, a 404), vehicles."""
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


def _reception(gate: Gate, page) -> None:
    """Reception (today and the desk's form, with its field errors), the visit log, the lost-deal queue."""
    page.goto("/office/reception")
    gate.check(page, "/office/reception", "today with the desk's form")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#visit-form .field-error").first).to_be_visible()
    gate.check(page, "/office/reception", "field errors")
    page.goto("/office/visits")
    gate.check(page, "/office/visits", "visit log")
    page.goto("/office/lost-deals")
    gate.check(page, "/office/lost-deals", "lost-deal queue")


def _catalogue(gate: Gate, page, context, language: str) -> None:
    """The catalogue: offline message, inline edit with field errors, cancel."""
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


def _review(gate: Gate, page, language: str, ids: dict) -> None:
    """Deliveries, open conflicts, rejected changes."""
    page.goto("/office/deliveries")
    gate.check(page, "/office/deliveries", "with a sealed delivery")
    signed = page.locator("table.data tr", has=page.locator(".tag-reserved"))
    signed.locator("a[href^='/office/deliveries/']").first.click()
    expect(page.locator("#we-owe")).to_be_visible()
    gate.check(page, "/office/deliveries/<delivery_id>", "a sealed delivery and what is owed")
    page.goto("/office/conflicts")
    expect(page.locator(f"#conflict-{ids['conflict']}")).to_be_visible()
    gate.check(page, "/office/conflicts", "open conflicts")
    save_screenshot(page, f"a11y-{language}-office-conflicts")
    page.goto("/office/rejections")
    gate.check(page, "/office/rejections", "rejected changes")


def _test_drives(gate: Gate, page) -> None:
    """The board, the reports (figures, empty, errors), fleet, routes and rules with their errors."""
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


def _walkarounds(gate: Gate, page, ids: dict) -> None:
    """Walk-around sessions, one with its score, the content editor."""
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
