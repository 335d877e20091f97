"""Numbers and times that end up in signed records, as a person on the tablet and in the office meets them: a
number field keeps what was typed and shows an error for text that is not a number (never 0); a drive cannot
start below the car's last reading; times are the device's, shown in the store's time zone; the drive PDF prints
the customer's masked phone."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import sign_in_tablet, sync_now
from .test_handover import go_offline_and_start
from .test_office import sign_in as office_sign_in
from .test_tablet import text
from .testdrive_steps import available_demo_plate, fill_gauges, fill_licence, sign_agreement, start_drive

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the demo store's time zone (STORE_TIMEZONE) and the tablets'


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
    plate = available_demo_plate(page)
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


def _yesterday_at(hour: int, minute: int) -> datetime:
    """A time on the tablet's clock that cannot be mistaken for the server's (yesterday, store time)."""
    return (datetime.now(SHANGHAI) - timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_a_customer_made_offline_keeps_the_tablets_time_after_the_sync(
    tablet_page, tablet_context, live_server, screenshot
):
    """The tablet's clock says 14:20 (yesterday) when the customer is created offline; the sync happens now. The
    customer's file shows 14:20 before and after the sync (it showed the sync's time), and the server keeps the
    device's time beside its own receipt time."""
    page = tablet_page
    sign_in_tablet(page)
    made = _yesterday_at(14, 20)
    tablet_context.set_offline(True)
    page.clock.set_system_time(made)
    page.get_by_test_id("customers-entry").click()
    page.get_by_test_id("new-customer").click()
    name = f"时间客户{uuid.uuid4().hex[:4]}"
    page.locator("#customer-name").fill(name)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("customer-created")).to_contain_text("14:20")

    page.clock.set_system_time(datetime.now(SHANGHAI))
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]
    page.reload()
    expect(page.get_by_test_id("customer-name")).to_have_text(name)
    expect(page.get_by_test_id("customer-created")).to_contain_text("14:20")
    screenshot(page, "numbers-customer-created-after-sync-zh")
    pulled = [v for k, v in live_server.pull_all("manager").items() if k.startswith("customer/") and v["name"] == name]
    assert [v["device_created_at"][:16] for v in pulled] == [made.strftime("%Y-%m-%dT%H:%M")]
    assert datetime.fromisoformat(pulled[0]["created_at"]) > made + timedelta(hours=1)  # the server's receipt


def test_a_drive_keeps_the_tablets_times_and_the_office_shows_them_in_store_time(
    tablet_page, tablet_context, office_page, fleet_car, screenshot
):
    """On the tablet's clock: checked at 14:18, out at 14:28; the return screen stays open during the drive, and
    the car is back at 14:58 — the return time is the tap's, not the minute the screen was drawn (drives of 0
    minutes). The feedback step and the office's list of today's drives show 14:18, 14:28 and 14:58."""
    page = tablet_page
    sign_in_tablet(page, "escort2")
    plate = fleet_car
    out = _yesterday_at(14, 28)
    tablet_context.set_offline(True)
    page.clock.set_system_time(out - timedelta(minutes=10))
    start_drive(page, plate=plate)
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    sign_agreement(page)
    page.clock.set_system_time(out)
    fill_gauges(page, "start", "70")
    reading = int(page.get_by_test_id("input-start_odometer_km").input_value())
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))
    expect(page.get_by_test_id("started-at")).to_contain_text("14:28")

    page.clock.set_system_time(out + timedelta(minutes=30))  # the drive; the screen stayed as it was
    page.get_by_test_id("input-end_odometer_km").fill(str(reading + 12))
    fill_gauges(page, "end", "60")
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.get_by_test_id("log-started-at")).to_contain_text("14:28")
    expect(page.get_by_test_id("log-returned-at")).to_contain_text("14:58")
    screenshot(page, "numbers-drive-times-feedback-zh")
    page.clock.set_system_time(datetime.now(SHANGHAI))
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]

    office_sign_in(office_page, "manager")
    office_page.goto("/office/test-drives")
    row = office_page.locator("#drives tr").filter(has_text=plate).filter(has_text="14:58")
    day = out.strftime("%Y-%m-%d")
    expect(row).to_contain_text(f"{day} 14:18")
    expect(row).to_contain_text(f"{day} 14:28 → {day} 14:58 · 12 km")
    screenshot(office_page, "numbers-office-drive-times-zh")
