"""Test drives on the tablet, the fleet side: a car out with one escort cannot be taken by another (online: a
clear answer naming who has it; offline: a conflict both escorts see after syncing), phones and licence numbers
masked on every screen, and a licence photo kept only after its own consent and dropped from the tablet once sent.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.factories.images import solid_png

from .conftest import sign_in_tablet, sync_now
from .testdrive_steps import (
    MASKED,
    REJECTIONS,
    choose_customer,
    drive_to_start,
    fill_licence,
    open_test_drives,
    start_drive,
)

pytestmark = pytest.mark.browser


def test_a_car_out_with_one_escort_cannot_be_taken_by_another(tablet_page, new_tablet, fleet_car, screenshot):
    """Online: once 陈刚 has a car out, 黄磊's tablet shows it out with his name, and choosing it answers with
    that message instead of starting a drive."""
    first = tablet_page
    sign_in_tablet(first, "escort")
    plate = fleet_car
    drive_to_start(first, plate, customer=4)
    assert sync_now(first)["ok"]

    _context, second = new_tablet()
    sign_in_tablet(second, "escort2")
    open_test_drives(second)
    car = second.locator(f"[data-testid=fleet-car][data-plate='{plate}']")
    expect(car).to_have_attribute("data-status", "out")
    expect(car.get_by_test_id("car-holder")).to_contain_text("陈刚")
    choose_customer(second, 5)
    car.click()
    expect(second.get_by_test_id("start-error")).to_contain_text("陈刚")
    second.get_by_test_id("drive-start").click()  # the taken car was never chosen: no drive starts
    expect(second.get_by_test_id("start-error")).to_contain_text("请选择一辆可用的车")
    expect(second).to_have_url(re.compile(r"#/test-drive$"))
    screenshot(second, "test-drive-car-taken")


def test_the_same_car_taken_offline_by_two_escorts_is_a_conflict_both_see(
    tablet_page, tablet_context, new_tablet, live_server, fleet_car, screenshot
):
    """Offline, two escorts take the same available car. After both sync, the server keeps both drives and one
    conflict on the car; each tablet shows it on its drive screen, naming the other escort, and in its sync
    panel — nothing is rejected or lost."""
    first = tablet_page
    sign_in_tablet(first, "escort")
    second_context, second = new_tablet()
    sign_in_tablet(second, "escort2")
    plate = fleet_car
    tablet_context.set_offline(True)
    second_context.set_offline(True)
    first_id = drive_to_start(first, plate, customer=6)
    second_id = drive_to_start(second, plate, customer=7)

    tablet_context.set_offline(False)
    assert sync_now(first)["ok"]
    second_context.set_offline(False)
    assert sync_now(second)["ok"]
    assert sync_now(first)["ok"]
    for page, other in ((first, "黄磊"), (second, "陈刚")):
        expect(page.get_by_test_id("drive-conflict")).to_be_visible()  # redrawn after the sync, form untouched
        expect(page.get_by_test_id("drive-conflict")).to_contain_text(other)
        assert page.evaluate(REJECTIONS) == []
    screenshot(first, "test-drive-conflict-first")
    screenshot(second, "test-drive-conflict-second")
    for page in (first, second):  # and in the sync panel's "needs a person" list
        page.goto("/tablet/#/home")
        page.get_by_test_id("open-sync-panel").click()
        expect(page.get_by_test_id("conflict")).to_have_count(1)
    server = live_server.pull_all("manager")
    assert f"test_drive/{first_id}" in server and f"test_drive/{second_id}" in server
    conflicts = [v for k, v in server.items() if k.startswith("conflict/") and v["entity"] == "demo_car"]
    assert [(c["overwritten_value"], c["applied_value"]) for c in conflicts] == [(first_id, second_id)]


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"\d{17}[\dX]")


def assert_masked(page) -> None:
    """No full phone number and no full ID/licence number in the text on screen (typed input values aside)."""
    text = page.locator("body").inner_text()
    assert not PHONE.search(text), PHONE.search(text)
    assert not ID_NUMBER.search(text), ID_NUMBER.search(text)


def test_phones_and_licence_numbers_are_masked_on_every_test_drive_screen(
    tablet_page, tablet_context, fleet_car, screenshot
):
    """The customer picker's results show phones as 138****8000; the licence number typed for the check is shown back
    only masked, and the refused drive, the list and the sealed view never show either number in full."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    open_test_drives(page)
    options = page.get_by_test_id("drive-customer-option").all_inner_texts()
    assert any(re.search(r"1\d\d\*{4}\d{4}", o) for o in options), options
    assert_masked(page)
    start_drive(page, plate=fleet_car, customer=8)
    recent = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
    fill_licence(page, cls="C2", first_issued=recent)  # in the probation period: refused
    assert_masked(page)
    expect(page.get_by_test_id("licence-masked")).to_contain_text(MASKED)
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("refusal")).to_be_visible()
    assert_masked(page)
    page.get_by_test_id("record-refusal").click()
    expect(page.get_by_test_id("licence-masked-shown")).to_have_text(MASKED)
    assert_masked(page)
    screenshot(page, "test-drive-refused")
    open_test_drives(page)
    assert_masked(page)


def test_a_licence_photo_is_kept_only_after_its_own_consent(tablet_page, tablet_context, fleet_car, tmp_path):
    """The camera for the licence appears only once the separate consent is ticked; unticking drops the photo;
    with consent the photo goes out as one `licence_photo` record with consent, accepted by the server, after
    which the tablet no longer keeps its copy."""
    page = tablet_page
    photo = tmp_path / "licence.png"
    photo.write_bytes(solid_png(120, 80, (20, 120, 60)))
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    start_drive(page, plate=fleet_car, customer=9)
    fill_licence(page)
    expect(page.get_by_test_id("licence-photo-input")).to_have_count(0)
    page.get_by_test_id("photo-consent").check()
    page.get_by_test_id("licence-photo-input").set_input_files(str(photo))
    expect(page.locator(".photo-area [data-testid=photo-thumb]")).to_have_count(1)
    page.get_by_test_id("photo-consent").uncheck()  # consent withdrawn: no camera, no photo
    expect(page.get_by_test_id("licence-photo-input")).to_have_count(0)
    expect(page.locator(".photo-area [data-testid=photo-thumb]")).to_have_count(0)
    page.get_by_test_id("photo-consent").check()
    expect(page.locator(".photo-area [data-testid=photo-thumb]")).to_have_count(0)
    page.get_by_test_id("licence-photo-input").set_input_files(str(photo))
    expect(page.locator(".photo-area [data-testid=photo-thumb]")).to_have_count(1)
    page.get_by_test_id("check-eligibility").click()
    expect(page).to_have_url(re.compile(r"/agreement$"))
    outbox = page.evaluate(
        "async () => { const m = await import('/static/js/core/db.js'); const s = await m.getSession();"
        " const db = await m.openUserDb(s.store.code, s.user.id);"
        " return (await db.getAll('outbox')).filter((x) => x.args.entity === 'licence_photo').map((x) => x.args.set); }"
    )
    assert len(outbox) == 1 and outbox[0]["consent"] is True and re.fullmatch(r"[0-9a-f]{64}", outbox[0]["photo"])
    sha = outbox[0]["photo"]
    has_blob = """async (sha) => { const m = await import('/static/js/core/db.js'); const s = await m.getSession();
      return Boolean(await m.getBlob(await m.openUserDb(s.store.code, s.user.id), sha)); }"""
    assert page.evaluate(has_blob, sha)  # kept on the tablet until the server has it
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]
    assert page.evaluate(REJECTIONS) == []
    # The server has it now (kept there for the store's retention period): the tablet drops its copy.
    deadline = time.monotonic() + 10
    while page.evaluate(has_blob, sha) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not page.evaluate(has_blob, sha)
