"""An office session that ends in the middle of a form (idle time, sign-out elsewhere) loses nothing typed.

The session ends on the server (the hardening issue); the browser (web/js/office/office.js) keeps what was typed in the
form being sent, and after signing in again the person is back on that page with the values in the form.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_office import sign_in


def _end_session_elsewhere(office_page) -> None:
    """Sign out in another tab of the same browser, then put the old (now revoked) cookie back: the page left
    behind still holds its CSRF token, but its session is over on the server, as after the idle time."""
    context = office_page.context
    cookies = context.cookies()
    other = context.new_page()
    other.goto("/office/")
    other.get_by_role("button", name="退出").click()
    expect(other.locator("#login-form")).to_be_visible()
    other.close()
    context.add_cookies(cookies)


def test_an_inline_edit_sent_after_the_session_ended_is_typed_back_after_sign_in(office_page, screenshot):
    """The admin renames an account inline; meanwhile the session ended. Saving leads to sign-in, which leads
    back to the users page; opening the row again shows the typed name, said so, and saving it works."""
    sign_in(office_page, "admin")
    office_page.goto("/office/users")
    row = office_page.locator("tr", has_text="consultant2")
    row.get_by_role("button", name="编辑").click()
    name = office_page.locator("tr.editing input[name=display_name]")
    name.fill("赵磊（二组）")
    _end_session_elsewhere(office_page)

    office_page.locator("tr.editing").get_by_role("button", name="保存").click()
    expect(office_page.locator("#login-form")).to_be_visible()
    assert "next=%2Foffice%2Fusers" in office_page.url or "next=/office/users" in office_page.url
    office_page.locator("#username").fill("admin")
    office_page.locator("#password").fill(DEMO_PASSWORD)
    office_page.locator("#login-form").get_by_role("button", name="登录").click()
    expect(office_page.locator("h1")).to_have_text("员工账号")

    office_page.locator("tr", has_text="consultant2").get_by_role("button", name="编辑").click()
    expect(office_page.locator("tr.editing input[name=display_name]")).to_have_value("赵磊（二组）")
    expect(office_page.locator(".flash-info")).to_contain_text("已填回表单")
    screenshot(office_page, "office-form-kept-after-sign-in")
    office_page.locator("tr.editing").get_by_role("button", name="保存").click()
    expect(office_page.locator("tr", has_text="consultant2")).to_contain_text("赵磊（二组）")


def test_a_form_answered_normally_is_not_typed_back_later(office_page):
    """Values are kept only across a sign-in: after a normal save, a later sign-in restores nothing."""
    sign_in(office_page, "admin")
    office_page.goto("/office/users")
    office_page.locator("#idle-minutes").fill("45")
    office_page.locator("#office-idle").get_by_role("button", name="保存").click()
    expect(office_page.locator(".flash-success")).to_be_visible()
    # office.js (a deferred module) clears the kept values once the answer page runs it; it must not wait for a
    # sign-in that never comes
    office_page.wait_for_function("() => sessionStorage.getItem('showroom.kept-form') === null", timeout=5000)
    expect(office_page.locator("#idle-minutes")).to_have_value("45")
