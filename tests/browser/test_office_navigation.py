"""The office top bar at 1280 px: one line for every role in both languages (English labels are longer), every
link opens a page the role may see, and a section's pages are tabs under it (server/routes/navigation.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_office import sign_in

pytestmark = pytest.mark.browser

ROLES = ("admin", "manager", "account", "backoffice", "reception", "consultant")

#: In-page: how many distinct rows the top bar's links sit on, and the bar's height.
NAV_ROWS = """() => {
  const links = [...document.querySelectorAll('.topbar a, .topbar button')];
  const rows = new Set(links.map((el) => Math.round(el.getBoundingClientRect().top + el.offsetHeight / 2)));
  return { rows: rows.size, height: Math.round(document.querySelector('.topbar').getBoundingClientRect().height) };
}"""


def _switch_to(page, language: str) -> None:
    button = page.locator("form.language-switch button")
    if page.locator("html").get_attribute("lang") != language:
        button.click()
        expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("role", ROLES)
def test_the_top_bar_is_one_line_at_1280_px_and_every_link_opens(office_page, screenshot, role):
    """Signed in as `role`, in Chinese then in English: the brand, the sections, the language switch, the name and
    sign-out sit on one row of a 60 px bar; each section link opens a page (no 403), marked as the current one."""
    page = office_page
    sign_in(page, role)
    try:
        for language in ("zh-CN", "en"):
            _switch_to(page, language)
            assert page.evaluate(NAV_ROWS) == {"rows": 1, "height": 60}, language
            links = page.locator(".mainnav a")
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            assert len(hrefs) >= 2
            for href in hrefs:
                if href.startswith("/tablet"):
                    continue
                response = page.goto(href)
                assert response.status == 200, href
                expect(page.locator(".mainnav a[aria-current=page]")).to_have_attribute("href", href)
                assert page.evaluate(NAV_ROWS)["rows"] == 1, href
            screenshot(page, f"office-nav-{role}-{language}")
    finally:
        _switch_to(page, "zh-CN")  # the demo accounts are shared by the other tests of this server


def test_a_section_shows_its_pages_as_tabs(office_page, screenshot):
    """The test-drive section: its five pages are tabs under the bar, the open one marked; a section with one
    page (deliveries) shows no tabs."""
    page = office_page
    sign_in(page, "manager")
    page.locator(".mainnav").get_by_role("link", name="试乘试驾", exact=True).click()
    tabs = page.get_by_role("navigation", name="试乘试驾")
    expect(tabs.get_by_role("link")).to_have_text(["今日与车队", "报表", "试驾车队", "路线", "资格规则"])
    tabs.get_by_role("link", name="路线").click()
    expect(tabs.locator("[aria-current=page]")).to_have_text("路线")
    expect(page.locator(".mainnav a[aria-current=page]")).to_have_text("试乘试驾")
    screenshot(page, "office-nav-section-tabs")
    page.locator(".mainnav").get_by_role("link", name="交车", exact=True).click()
    expect(page.locator(".section-tabs")).to_have_count(0)
