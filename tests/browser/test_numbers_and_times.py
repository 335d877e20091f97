"""Numbers and times that end up in signed records, as a person on the tablet and in the office meets them: a
number field keeps what was typed and shows an error for text that is not a number (never 0); a drive cannot
start below the car's last reading; times are the device's, shown in the store's time zone; the drive PDF prints
the customer's masked phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_tablet, sync_now
from .test_handover import go_offline_and_start
from .test_office import sign_in as office_sign_in
from .test_tablet import text
from .testdrive_steps import available_plate, fill_gauges, fill_licence, sign_agreement, start_drive

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


def _km(text: str) -> int:
    """The kilometres in a cell: "7,786" or "7786 km" → 7786."""
    return int(re.sub(r"[^\d]", "", text))


def test_a_drive_cannot_start_below_the_cars_last_reading_and_the_office_shows_one_odometer(
    tablet_page, tablet_context, office_page, live_server, screenshot
):
    """Offline, a start below the car's last reading is refused at the field, naming the reading; the reading
    itself starts the drive. Back online after a 25 km drive, the vehicles page and the fleet page show the same
    odometer for that car (the vehicles page showed the reading the car had before any drive)."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    plate = available_plate(page)
    tablet_context.set_offline(True)
    start_drive(page, plate=plate)
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    sign_agreement(page)
    odometer = page.get_by_test_id("input-start_odometer_km")
    reading = int(odometer.input_value())  # the car's last reading, as this tablet holds it
    fill_gauges(page, "start", "70")
    odometer.fill(str(reading - 761))
    page.get_by_test_id("start-drive").click()
    below = text(live_server, "zh_CN", "The odometer cannot be below the car's last reading (%(km)s km).")
    expect(page.get_by_test_id("error-start_odometer_km")).to_have_text(below.replace("%(km)s", str(reading)))
    expect(page).to_have_url(re.compile(r"/start$"))
    screenshot(page, "numbers-drive-start-below-reading-zh")

    odometer.fill(str(reading))
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))
    page.get_by_test_id("input-end_odometer_km").fill(str(reading + 25))
    fill_gauges(page, "end", "60")
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]

    office_sign_in(office_page, "manager")
    office_page.goto("/office/fleet")
    fleet_km = _km(office_page.locator(f"#fleet tr:has(td:text-is('{plate}')) td").nth(4).inner_text())
    office_page.goto("/office/vehicles?fleet=1")
    vehicle_km = _km(office_page.locator(f"tr:has(td:text-is('{plate}')) td.num").inner_text())
    screenshot(office_page, "numbers-vehicles-fleet-odometer-zh")
    assert fleet_km == vehicle_km == reading + 25
