"""After signing out of a shared office PC, the browser keeps none of the pages it showed. Every page, fragment
and JSON answer the real server sent the signed-in browser said `Cache-Control: no-store` (so neither the HTTP
cache nor the back/forward cache may keep it), and Back after signing out lands on the sign-in page.

Playwright starts Chromium with its back/forward cache turned off, so the navigation half alone could not catch a
missing header here: the header check over every answer is what does (tests/api/test_security_headers.py checks
the policy route by route)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD
from .live_data import make_customer

pytestmark = pytest.mark.browser

PRIVATE_TYPES = ("text/html", "application/json", "application/pdf")


def test_nothing_the_signed_in_office_showed_may_be_kept(browser, live_server):
    """A receptionist opens the customers (page and an htmx filter), signs out; every private answer was no-store,
    and Back and Forward show the sign-in page, never the list."""
    make_customer(live_server, "后退测试客户")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(10_000)
    answers: list[tuple[str, str]] = []
    try:
        page = context.new_page()
        page.on(
            "response",
            lambda r: (
                answers.append((r.url, r.headers.get("cache-control", "")))
                if r.headers.get("content-type", "").startswith(PRIVATE_TYPES) and "/static/" not in r.url
                else None
            ),
        )
        page.goto("/login")
        page.locator("#username").fill("reception")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("button.primary[type=submit]").click()
        expect(page.locator("header.topbar")).to_be_visible()
        page.goto("/office/customers")
        expect(page.locator("#customer-rows")).to_contain_text("后")  # masked in lists: 后*****
        page.locator("#grade").select_option("A")  # an htmx fragment
        expect(page).to_have_url(re.compile(r"grade=A"))

        page.locator("form[action='/logout'] button").click()
        expect(page).to_have_url(re.compile(r"/login"))
        page.go_back()
        expect(page).to_have_url(re.compile(r"/login"))
        expect(page.locator("#customer-rows")).to_have_count(0)
        page.go_forward()
        expect(page.locator("#customer-rows")).to_have_count(0)
    finally:
        context.close()
    assert len(answers) >= 4, answers
    kept = [(url, header) for url, header in answers if header != "no-store"]
    assert not kept, kept
