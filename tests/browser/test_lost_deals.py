"""A lost deal asked for offline, decided in the office (issue 13): the consultant asks on the tablet with no
signal (a competitor's win needs its brand: a field error first); back online the request reaches the queue; the
manager approves it, and the consultant's tablet shows the decision and the customer graded L."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_tablet, sync_now
from .live_data import make_customer
from .test_office import sign_in as office_sign_in

pytestmark = pytest.mark.browser


def test_a_lost_deal_asked_offline_is_approved_in_the_office_and_the_tablet_shows_it(
    live_server, tablet_page, tablet_context, office_page, screenshot
):
    customer_id = make_customer(live_server, "战败申请客户")
    page = tablet_page
    sign_in_tablet(page, "consultant")
    tablet_context.set_offline(True)
    page.goto(f"/tablet/#/customers/{customer_id}")
    page.get_by_test_id("lost-open").click()
    page.get_by_test_id("lost-reason").select_option("other_brand.price")
    page.get_by_test_id("lost-submit").click()
    expect(page.locator("#lost-competitor_brand-error")).to_contain_text("品牌")  # a competitor won: which brand?
    page.get_by_test_id("lost-competitor_brand").fill("比亚迪")
    page.get_by_test_id("lost-price_gap_yuan").fill("８０００")  # full-width digits, as an input method types them
    page.get_by_test_id("lost-submit").click()
    expect(page.get_by_test_id("lost-request")).to_have_attribute("data-state", "pending")
    expect(page.locator("#badge")).to_contain_text("1")  # waiting to be sent, counted in the header
    screenshot(page, "lost-deal-asked-offline")
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]

    office_sign_in(office_page, "manager")
    office_page.goto("/office/lost-deals")
    row = office_page.get_by_test_id("lost-request").filter(has_text="比亚迪")
    expect(row).to_contain_text("性价比低")
    row.locator("input[name=decision_note]").fill("同意，已核实")
    row.get_by_role("button", name="同意").click()
    expect(office_page.get_by_test_id("decided-request").first).to_contain_text("已同意")
    screenshot(office_page, "lost-deal-queue-decided")

    assert sync_now(page)["ok"]
    page.goto(f"/tablet/#/customers/{customer_id}")
    expect(page.get_by_test_id("lost-request")).to_have_attribute("data-state", "approved")
    expect(page.get_by_test_id("lost-card")).to_contain_text("同意，已核实")
    expect(page.get_by_test_id("customer-grade-label")).to_contain_text("战败")
