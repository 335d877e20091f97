"""The back office in a real Chromium: sign-in in Chinese, inline catalogue editing with field errors,
the language switch remembered on the account, the admin's accounts page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    """Sign in through the office form, as a person would."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header.topbar")).to_be_visible()


def test_manager_signs_in_and_sees_the_home_in_chinese(office_page, screenshot):
    """The sign-in page and the manager's home are Chinese; the header shows the store, name and role."""
    office_page.goto("/login")
    expect(office_page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(office_page.get_by_text("后台登录")).to_be_visible()
    screenshot(office_page, "office-login")
    sign_in(office_page, "manager")
    expect(office_page.get_by_role("heading", name="张伟，您好")).to_be_visible()
    expect(office_page.locator(".topbar")).to_contain_text("示例4S店")
    expect(office_page.locator(".topbar")).to_contain_text("销售经理")
    expect(office_page.get_by_role("link", name="同步审核")).to_be_visible()
    expect(office_page.get_by_role("link", name="用户")).to_have_count(0)  # admin only
    screenshot(office_page, "office-home")


def test_wrong_password_is_refused_with_a_message(office_page):
    """A wrong password keeps the person on the sign-in page with a clear message."""
    office_page.goto("/login")
    office_page.locator("#username").fill("manager")
    office_page.locator("#password").fill("not-the-password")
    office_page.get_by_role("button", name="登录").click()
    expect(office_page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(office_page.locator("#username")).to_have_value("manager")


def test_manager_edits_a_price_inline_and_bad_input_gets_a_field_error(office_page, screenshot):
    """Editing a trim's MSRP: 'abc' shows a field error in the row and saves nothing; '131,900' is saved
    (without a page reload) and is still there after one."""
    sign_in(office_page, "manager")
    office_page.goto("/office/catalogue")
    row = office_page.locator("tr[id^=trim-]").first
    row_id = row.get_attribute("id")
    before = row.locator("td.num").inner_text()
    row.get_by_role("button", name="编辑").click()
    editing = office_page.locator("tr.editing")
    editing.locator("input[name=msrp_yuan]").fill("abc")
    editing.get_by_role("button", name="保存").click()
    expect(editing.locator(".field-error")).to_have_text("请输入整数。")
    expect(editing.locator("input[name=msrp_yuan]")).to_have_attribute("aria-invalid", "true")
    screenshot(office_page, "office-catalogue-field-error")
    office_page.reload()
    expect(office_page.locator(f"#{row_id} td.num")).to_have_text(before)  # nothing was stored

    office_page.locator(f"#{row_id}").get_by_role("button", name="编辑").click()
    office_page.locator("tr.editing input[name=msrp_yuan]").fill("131,900")
    office_page.locator("tr.editing").get_by_role("button", name="保存").click()
    expect(office_page.locator(f"#{row_id} td.num")).to_have_text("131,900")
    office_page.reload()
    expect(office_page.locator(f"#{row_id} td.num")).to_have_text("131,900")


def test_language_switch_is_remembered_on_the_account(office_page, browser, live_server):
    """An account manager switches to English; after signing out and in from another browser, still English."""
    sign_in(office_page, "account")
    office_page.get_by_role("button", name="English").click()
    expect(office_page.locator("html")).to_have_attribute("lang", "en")
    expect(office_page.get_by_role("link", name="Customers")).to_be_visible()

    other = browser.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        page = other.new_page()
        page.goto("/login")
        page.locator("#username").fill("account")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="Good day, 刘洋")).to_be_visible()
        page.get_by_role("button", name="中文").click()  # leave the demo account as it was
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    finally:
        other.close()


def test_admin_creates_an_account_and_bad_input_is_shown_per_field(office_page, screenshot):
    """The admin's new-account form: a bad username and a short password each get their own message and nothing
    is created; correct input creates an account that appears in the list."""
    sign_in(office_page, "admin")
    office_page.get_by_role("link", name="用户").click()
    office_page.locator("#new-username").fill("Bad Name")
    office_page.locator("#new-display_name").fill("新同事")
    office_page.locator("#new-password").fill("short")
    office_page.get_by_role("button", name="创建账号").click()
    expect(office_page.locator("#new-user .field-error")).to_have_count(2)
    expect(office_page.locator("#new-user")).to_contain_text("3–64 位小写字母")
    expect(office_page.locator("#new-user")).to_contain_text("长度须在 8 到 128 个字符之间")
    screenshot(office_page, "office-users-errors")
    office_page.locator("#new-username").fill("newcomer")
    office_page.locator("#new-password").fill("a-good-password")
    office_page.locator("#new-role").select_option("escort")
    office_page.get_by_role("button", name="创建账号").click()
    expect(office_page.get_by_text("已创建账号 newcomer。")).to_be_visible()
    expect(office_page.locator("table.data")).to_contain_text("newcomer")


def test_review_pages_and_the_public_verification_page(office_page, browser, live_server, screenshot, tmp_path):
    """A manager opens deliveries from the menu, then the sync review section, whose tabs are conflicts and
    rejected changes; anyone (no sign-in) can open /verify, and a file that is not a PDF gets a clear message
    instead of a verdict."""
    sign_in(office_page, "manager")
    office_page.locator(".mainnav").get_by_role("link", name="交车", exact=True).click()
    expect(office_page.get_by_role("heading", level=1)).to_have_text("交车")
    office_page.locator(".mainnav").get_by_role("link", name="同步审核", exact=True).click()
    expect(office_page.get_by_role("heading", level=1)).to_have_text("冲突")
    tabs = office_page.get_by_role("navigation", name="同步审核")
    expect(tabs.locator("[aria-current=page]")).to_have_text("冲突")
    tabs.get_by_role("link", name="被拒修改", exact=True).click()
    expect(office_page.get_by_role("heading", level=1)).to_have_text("被拒修改")
    expect(tabs.locator("[aria-current=page]")).to_have_text("被拒修改")
    screenshot(office_page, "office-rejections")

    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    try:
        page = anonymous.new_page()
        page.goto("/verify")
        expect(page.get_by_role("heading", name="核验文件")).to_be_visible()
        not_pdf = tmp_path / "note.pdf"
        not_pdf.write_text("this is not a PDF")
        page.locator("#pdf").set_input_files(str(not_pdf))
        page.get_by_role("button", name="核验", exact=True).click()
        expect(page.get_by_role("alert")).to_have_text("这不是 PDF 文件。")
        screenshot(page, "verify-not-a-pdf")
    finally:
        anonymous.close()


def _date_time_fields(page) -> list[str]:
    """The editable parts of the page's date and time inputs, in the order the browser shows them (Chromium's
    accessibility tree: 年, 月, 日 for a Chinese date; Month, Day, Year and AM/PM for an American one)."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    return [
        node["name"]["value"].split()[0] for node in tree["nodes"] if node.get("role", {}).get("value") == "spinbutton"
    ]


def test_date_inputs_read_year_month_day_as_a_chinese_browser_shows_them(office_page, screenshot):
    """The store's browsers are Chinese, and so is the test browser: the report's period reads 年/月/日 (it read
    11/09/2026, month first, before the browser had its zh-CN locale), and the time of a drive would read 24 h."""
    sign_in(office_page, "manager")
    office_page.goto("/office/test-drives/reports?first=2026-11-09&last=2026-12-08")
    expect(office_page.locator("#first")).to_have_value("2026-11-09")
    assert _date_time_fields(office_page) == ["年", "月", "日", "年", "月", "日"]
    screenshot(office_page, "office-report-dates")
    office_page.set_content('<html lang="zh-CN"><input type="time" value="14:05" aria-label="时间"></html>')
    assert _date_time_fields(office_page) == ["小时", "分钟"]  # no AM/PM
