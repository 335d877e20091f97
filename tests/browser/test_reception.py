"""Reception and the attribution rule, end to end (issue 13): the receptionist logs a walk-in at the desk and the
new file is the receiving consultant's; that consultant's tablet, offline, shows the visit and why the customer is
theirs, and logs a phone-in of its own; a return after more than a week with no call, received by another
consultant, moves the customer, with the reason shown in the office's customer file."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_tablet, sync_now
from .test_office import sign_in as office_sign_in

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")


def log_walk_in(page, phone: str, name: str, consultant: str | None, arrived: datetime | None = None) -> str:
    """The desk's form: mobile, name, who received them — `consultant` by name, or (None) any other consultant than
    李明 — and, from a paper log, when they came. Returns the receiving consultant's name."""
    page.goto("/office/reception")
    page.locator("#visitor_phone").fill(phone)
    page.locator("#visitor_name").fill(name)
    if consultant is None:
        names = page.locator("#consultant_id option").all_inner_texts()
        consultant = next(n for n in names if n not in ("—", "李明"))
    page.locator("#consultant_id").select_option(label=consultant)
    if arrived is not None:
        page.locator("#arrived_at").fill(arrived.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="登记来访").click()
    expect(page.locator(".flash")).to_contain_text("来访已登记")
    return consultant


def test_reception_logs_a_walk_in_and_the_consultant_picks_it_up_offline(
    office_page, tablet_page, tablet_context, screenshot
):
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    name = f"来店{uuid.uuid4().hex[:4]}"
    office_sign_in(office_page, "reception")
    log_walk_in(office_page, phone, name, "李明")
    row = office_page.get_by_test_id("visit-row").first
    expect(row).to_contain_text("在展厅")  # still in the showroom
    expect(row.get_by_test_id("visit-consultant")).to_contain_text("李明")
    screenshot(office_page, "reception-today")

    page = tablet_page
    sign_in_tablet(page, "consultant")
    tablet_context.set_offline(True)
    page.goto("/tablet/#/customers")
    page.locator("#customer-search").fill(name)
    page.get_by_test_id("customer-row").first.click()
    expect(page.get_by_test_id("customer-name")).to_have_text(name)
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("[data-kind=visit]")).to_contain_text("自然进店")
    expect(timeline.locator("[data-kind=ownership_change]")).to_contain_text("现在是您的客户")
    expect(timeline.locator("[data-kind=ownership_change]")).to_contain_text("首次接待")
    # offline, the consultant logs the customer's phone-in: theirs, by the rule, provisionally
    page.get_by_test_id("log-call_in").click()
    expect(page.get_by_test_id("visit-answer")).to_contain_text("您的客户")
    expect(timeline.locator("[data-kind=visit]")).to_have_count(2)
    screenshot(page, "customer-visit-logged-offline")
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]
    expect(page.get_by_test_id("pending-tag")).to_have_count(0)


def test_a_return_after_more_than_a_week_moves_the_customer_with_the_reason_shown(office_page, screenshot):
    phone = f"138{uuid.uuid4().int % 10**8:08d}"
    name = f"回访{uuid.uuid4().hex[:4]}"
    office_sign_in(office_page, "reception")
    ten_days_ago = datetime.now(SHANGHAI) - timedelta(days=10)
    log_walk_in(office_page, phone, name, "李明", arrived=ten_days_ago)  # from the paper log
    other = log_walk_in(office_page, phone, "", None)  # found by the mobile: the same file
    masked = f"{phone[:3]}****{phone[-4:]}"
    office_page.get_by_test_id("visit-row").filter(has_text=masked).locator("a").click()
    expect(office_page).to_have_url(re.compile(r"/office/customers/"))
    changes = office_page.get_by_test_id("ownership-change")
    expect(changes).to_have_count(2)
    expect(changes.first).to_contain_text(f"李明 → {other}")
    expect(office_page.get_by_test_id("ownership-reason").first).to_contain_text("超过一周")
    screenshot(office_page, "customer-file-owner-moved")
