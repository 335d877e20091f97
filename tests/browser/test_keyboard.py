"""The office with the keyboard alone: sign in, open the conflicts from the menu, skip past the menu and restore
one — Tab, typing and Enter only, never the mouse — and at every stop the focus is visible (an outline of at least
2 px)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, save_screenshot
from .live_data import make_conflict

pytestmark = pytest.mark.browser

#: In-page: what has the focus, and whether it shows it (an outline of 2 px or more, or the browser's own ring).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { element: 'body', visible: false };
  const style = getComputedStyle(el);
  const outline = style.outlineStyle === 'auto'
    || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
  const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\\s+/g, ' ');
  return { element: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text.slice(0, 30)}"`,
           visible: outline || (style.boxShadow || 'none') !== 'none' };
}"""


def tab_to(page, selector: str, stops: list[dict], limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus; every stop on the way goes to `stops`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus in {limit} Tabs: {[s['element'] for s in stops[-10:]]}")


def test_sign_in_and_restore_a_conflict_with_the_keyboard_alone(browser, live_server):
    """Sign-in → a conflict on /office/conflicts → restore it, by keyboard; the restored row then has the focus
    (so the person goes on from there), the server holds the restored value, and every focus stop was visible."""
    customer_id, conflict_id = make_conflict(live_server, f"键盘{uuid.uuid4().hex[:4]}")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        stops: list[dict] = []
        page.goto("/login")
        expect(page.locator("#username")).to_be_focused()  # autofocus: typing starts at once
        page.keyboard.type("manager")
        tab_to(page, "#password", stops)
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/office/$"))

        tab_to(page, "header a[href='/office/conflicts']", stops)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/office/conflicts$"))
        page.keyboard.press("Tab")  # the first stop of every page: past the menu
        expect(page.locator(".skip-link")).to_be_focused()
        expect(page.locator(".skip-link")).to_be_in_viewport()
        stops.append(page.evaluate(FOCUSED))
        save_screenshot(page, "office-keyboard-skip-link")
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        article = page.locator(f"#conflict-{conflict_id}")
        before = len(stops)
        tab_to(page, f"#conflict-{conflict_id} form[action$='/restore'] button", stops)
        # past the skip link: the section's tabs (conflicts, rejected changes), the state tabs, this conflict's buttons
        assert len(stops) - before <= 8, "the skip link should leave only the tabs and this conflict's buttons"
        page.keyboard.press("Enter")
        expect(article).to_have_class(re.compile(r"conflict-restored"))
        expect(article).to_be_focused()
        stops.append(page.evaluate(FOCUSED))
        save_screenshot(page, "office-keyboard-restored")

        assert live_server.pull_all("manager")[f"customer/{customer_id}"]["phone"] == "13900000002"
        hidden = [stop["element"] for stop in stops if not stop["visible"]]
        assert not hidden, f"focus not visible on: {hidden}"
        assert len(stops) >= 4
    finally:
        context.close()
