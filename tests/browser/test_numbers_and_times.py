"""Numbers and times that end up in signed records, as a person on the tablet and in the office meets them: a
number field keeps what was typed and shows an error for text that is not a number (never 0); a drive cannot
start below the car's last reading; times are the device's, shown in the store's time zone; the drive PDF prints
the customer's masked phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_handover import go_offline_and_start
from .test_tablet import text

pytestmark = pytest.mark.browser


def test_garbage_in_the_delivery_odometer_is_an_error_at_the_field_never_0(
    tablet_page, tablet_context, live_server, screenshot
):
    """ "abc" in the handover's odometer (offline) stays in the field with an error under it; the record keeps its
    last good reading (not 0); "Review and sign" is refused, and so is the seal if the person goes to the review
    by the step links; a reload keeps the text and the error. A real reading clears it and reaches the review."""
    page = tablet_page
    delivery_id = go_offline_and_start(page, tablet_context)
    page.evaluate(f"location.hash = '#/handover/{delivery_id}/details'")
    odometer = page.locator("#odometer")
    before = odometer.input_value()
    odometer.fill("abc")
    odometer.blur()
    error = page.get_by_test_id("error-odometer_km")
    expect(error).to_have_text("请输入整数。")
    expect(odometer).to_have_value("abc")
    expect(odometer).to_have_attribute("aria-invalid", "true")
    screenshot(page, "numbers-handover-odometer-error-zh")
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/details$"))
    expect(odometer).to_be_focused()

    page.reload()
    expect(page.locator("#odometer")).to_have_value("abc")
    expect(page.get_by_test_id("error-odometer_km")).to_have_text("请输入整数。")

    # The review by the step link: the record still holds the last good reading, and the seal is refused.
    page.evaluate(f"location.hash = '#/handover/{delivery_id}/review'")
    expect(page.get_by_test_id("review-odometer")).to_contain_text(before)
    not_a_number = 'The odometer "%(text)s" is not a number: correct it under Items and documents.'
    expect(page.get_by_test_id("review-problems")).to_contain_text(
        text(live_server, "zh_CN", not_a_number).replace("%(text)s", "abc")
    )

    # In English too (switched offline: the choice stays on this tablet, as the context closes offline).
    page.evaluate("location.hash = '#/home'")
    page.locator("[data-language=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.evaluate(f"location.hash = '#/handover/{delivery_id}/details'")
    expect(page.get_by_test_id("error-odometer_km")).to_have_text("Enter a whole number.")
    screenshot(page, "numbers-handover-odometer-error-en")

    page.locator("#odometer").fill("7761")
    page.locator("#odometer").blur()
    expect(page.get_by_test_id("error-odometer_km")).to_be_hidden()
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/review$"))
    expect(page.get_by_test_id("review-odometer")).to_contain_text("7761")
    expect(page.get_by_test_id("review-problems")).not_to_contain_text("abc")
