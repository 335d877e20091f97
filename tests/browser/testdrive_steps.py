"""Steps of the test-drive flow on the tablet, shared by the test-drive browser tests (not a test module)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .live_data import TEST_CAR_PREFIX
from .test_handover import draw_signature as draw_strokes

LICENCE = "11010519491231002X"  # domain.md §8.3 test vector: valid, born 1949-12-31
MASKED = "110***********002X"


def draw_signature(page, testid: str) -> None:
    """Sign on pad `testid` with the mouse, after scrolling it into view (the pads sit below the fold)."""
    page.get_by_test_id(testid).scroll_into_view_if_needed()
    draw_strokes(page, testid)


def open_test_drives(page) -> None:
    """From the home screen to the test-drive list."""
    page.goto("/tablet/#/home")
    page.get_by_test_id("test-drive-entry").click()
    expect(page.get_by_test_id("drive-start")).to_be_visible()


#: In-page: the `n`-th customer of the tablet's list (newest first), as {id, name}.
NTH_CUSTOMER = """async (n) => { const s = await (await import('/static/js/core/db.js')).getSession();
  const c = (await (await import('/static/js/customers/store.js')).listCustomers(s))[n - 1];
  return { id: c.id, name: c.name }; }"""


def choose_customer(page, customer: int) -> dict:
    """Pick the `customer`-th customer of the tablet's list (newest first) in the new-drive card, by searching its
    name and tapping it; returns {id, name}."""
    wanted = page.evaluate(NTH_CUSTOMER, customer)
    page.get_by_test_id("drive-customer-search").fill(wanted["name"])
    page.locator(f"[data-testid=drive-customer-option][data-id='{wanted['id']}']").click()
    expect(page.get_by_test_id("drive-customer-chosen")).to_contain_text(wanted["name"])
    return wanted


def start_drive(page, *, plate: str, customer: int = 1, keep_form: bool = False) -> str:
    """Start a drive for the `customer`-th customer of the tablet's list with car `plate` (the test's own, from the
    `fleet_car` fixture, or a demo car); returns its id. `keep_form`: on the test-drive list already, with choices
    made there (the kind) kept."""
    if not keep_form:
        open_test_drives(page)
    choose_customer(page, customer)
    page.locator(f"[data-testid=fleet-car][data-plate='{plate}']").click()
    page.get_by_test_id("drive-start").click()
    expect(page).to_have_url(re.compile(r"#/test-drive/[0-9a-f-]{36}/eligibility$"))
    return page.url.split("#/test-drive/")[1].split("/")[0]


def fill_licence(
    page, *, number: str = LICENCE, cls: str = "C1", valid_to: str = "2031-06-30", first_issued: str = "2005-03-01"
) -> None:
    """Type a licence into the eligibility form (mainland: the birth date comes from the number)."""
    page.get_by_test_id("input-licence_number").fill(number)
    page.get_by_test_id("input-licence_class").select_option(cls)
    page.get_by_test_id("input-licence_valid_to").fill(valid_to)
    page.get_by_test_id("input-licence_first_issued").fill(first_issued)


def sign_agreement(page) -> None:
    """Accept the agreement, both sign, seal; lands on the start step."""
    expect(page.get_by_test_id("agreement-text")).to_be_visible()
    page.get_by_test_id("agreement-accepted").check()
    draw_signature(page, "pad-customer")
    draw_signature(page, "pad-escort")
    page.get_by_test_id("sign-agreement").click()
    expect(page).to_have_url(re.compile(r"/start$"))


def fill_gauges(page, prefix: str, value: str) -> None:
    """Fill the fuel and/or charge fields the car asks for (petrol: fuel, electric: charge, plug-in: both)."""
    page.get_by_test_id(f"input-{prefix}_odometer_km").wait_for()  # the step is drawn after its URL changes
    for gauge in ("fuel", "charge"):
        field = page.get_by_test_id(f"input-{prefix}_{gauge}_pct")
        if field.count():
            field.fill(value)


#: In-page: everything this user's database holds that could carry a licence number (outbox, acked, drafts,
#: records), as one JSON text; and how many rejections are stored.
DUMP_IDB = """async () => { const m = await import('/static/js/core/db.js'); const s = await m.getSession();
  const db = await m.openUserDb(s.store.code, s.user.id);
  const stores = ['outbox', 'acked', 'drafts', 'records'];
  return JSON.stringify(await Promise.all(stores.map((name) => db.getAll(name)))); }"""
REJECTIONS = """async () => { const m = await import('/static/js/core/db.js'); const s = await m.getSession();
  return (await m.readRejections(await m.openUserDb(s.store.code, s.user.id))).map((r) => r.error); }"""


def drive_to_start(page, plate: str, customer: int) -> str:
    """Start a drive with car `plate`, pass eligibility and the agreement, start it; returns the drive id."""
    drive_id = start_drive(page, plate=plate, customer=customer)
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    sign_agreement(page)
    fill_gauges(page, "start", "70")
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))
    return drive_id


def available_demo_plate(page) -> str:
    """The plate of an available car of the demo's fleet (one with a stock vehicle behind it, which the cars the
    tests add in the office do not have)."""
    open_test_drives(page)
    car = page.locator(f"[data-testid=fleet-car][data-status=available]:not([data-plate^='{TEST_CAR_PREFIX}'])")
    return car.first.get_attribute("data-plate")
