"""Test drives (试乘试驾) on the tablet, in real Chromium, offline first: an escort picks a customer, a fleet car and
a route, checks the licence (GB 11643 check digit on the tablet, only a masked number kept), has the agreement
accepted and signed by customer and escort, logs the car out (odometer, fuel, damage already there) and back in,
records the customer's feedback, and both sign the log — all with no network, with a reload in the middle.
Back online the server seals both records and renders the PDF, which the tablet downloads and the test verifies.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.images import solid_png

from .conftest import SCREENSHOTS, sign_in_tablet, sync_now
from .test_handover import draw_signature as draw_strokes

pytestmark = pytest.mark.browser

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


def start_drive(page, *, plate: str | None = None, customer: int = 1) -> str:
    """Start a drive for the `customer`-th customer in the picker with an available car (or `plate`); returns its id."""
    open_test_drives(page)
    page.get_by_test_id("drive-customer").select_option(index=customer)
    car = (
        page.locator(f"[data-testid=fleet-car][data-plate='{plate}']")
        if plate
        else page.locator("[data-testid=fleet-car][data-status=available]").first
    )
    car.click()
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
DUMP_IDB = """async () => { const m = await import('/static/js/db.js'); const s = await m.getSession();
  const db = await m.openUserDb(s.store.code, s.user.id);
  const stores = ['outbox', 'acked', 'drafts', 'records'];
  return JSON.stringify(await Promise.all(stores.map((name) => db.getAll(name)))); }"""
REJECTIONS = """async () => { const m = await import('/static/js/db.js'); const s = await m.getSession();
  return (await m.readRejections(await m.openUserDb(s.store.code, s.user.id))).map((r) => r.error); }"""


def test_a_whole_drive_offline_is_sealed_and_its_pdf_verifies(
    tablet_page, tablet_context, live_server, screenshot, tmp_path
):
    """Offline from eligibility to the signed log, with a reload in the middle of the drive that loses nothing and
    comes back to the same step. The licence number is kept only masked (never in IndexedDB or the outbox). Back
    online: both records are sealed, the log's document becomes ready, the downloaded PDF's seal is intact (and
    fails after one flipped byte), a CJK font is embedded, and the masked licence — never the full one — is printed."""
    from server.documents.seal import check_seal

    page = tablet_page
    photo = tmp_path / "scratch.png"
    photo.write_bytes(solid_png(96, 64, (40, 40, 200)))
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    drive_id = start_drive(page)
    screenshot(page, "test-drive-eligibility")

    fill_licence(page)
    expect(page.get_by_test_id("licence-masked")).to_contain_text(MASKED)
    expect(page.get_by_test_id("input-birth_date")).to_have_value("1949-12-31")
    expect(page.get_by_test_id("photo-consent")).not_to_be_checked()  # a separate consent, never pre-ticked
    expect(page.get_by_test_id("licence-photo-input")).to_have_count(0)
    page.get_by_test_id("check-eligibility").click()
    expect(page).to_have_url(re.compile(r"/agreement$"))
    screenshot(page, "test-drive-agreement")
    sign_agreement(page)

    # Start: odometer from the fleet record, fuel, a photo of a scratch that was already there.
    odometer = int(page.get_by_test_id("input-start_odometer_km").input_value())
    fill_gauges(page, "start", "80")
    page.get_by_test_id("damage-before-note").fill("后保险杠划痕")
    page.get_by_test_id("damage-before-photo").set_input_files(str(photo))
    expect(page.get_by_test_id("damage-before-item")).to_have_count(1)
    screenshot(page, "test-drive-start")
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))
    expect(page.get_by_test_id("start-odometer")).to_contain_text(str(odometer))

    # Mid-drive, offline: type the return half-way, reload; the app comes back to the same step with the values.
    page.get_by_test_id("input-end_odometer_km").fill(str(odometer + 9))
    page.get_by_test_id("input-incidents").fill("无")
    page.reload()
    expect(page).to_have_url(re.compile(f"{drive_id}/return$"))
    expect(page.get_by_test_id("input-end_odometer_km")).to_have_value(str(odometer + 9))
    expect(page.get_by_test_id("input-incidents")).to_have_value("无")
    fill_gauges(page, "end", "72")
    screenshot(page, "test-drive-return")
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))

    # Feedback and the log's signatures.
    for code, score in (("exterior", 5), ("power", 4), ("handling", 4), ("nvh", 3)):
        page.locator(f"[data-testid=score-{code}] [data-score='{score}']").click()
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("error-overall")).to_be_visible()  # the overall score is required
    page.locator("[data-testid=score-overall] [data-score='4']").click()
    page.get_by_test_id("input-likes").fill("加速平顺，座椅舒适")
    page.get_by_test_id("input-concerns").fill("后排空间")
    page.locator("[data-intention=month]").click()
    draw_signature(page, "pad-escort")
    draw_signature(page, "pad-customer")
    screenshot(page, "test-drive-feedback")
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    content_hash = page.get_by_test_id("content-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash)
    expect(page.get_by_test_id("licence-masked-shown")).to_have_text(MASKED)

    page.reload()  # still offline: sealed, read-only
    expect(page.get_by_test_id("content-hash")).to_have_text(content_hash)
    expect(page.get_by_test_id("document-state")).to_have_attribute("data-state", "signed")
    page.goto(f"/tablet/#/test-drive/{drive_id}/return")
    expect(page.get_by_test_id("sealed")).to_be_visible()  # no way back into the form
    screenshot(page, "test-drive-sealed-offline")

    # PIPL: the full licence number is nowhere on the tablet (records, outbox, drafts).
    stored = page.evaluate(DUMP_IDB)
    assert LICENCE not in stored and LICENCE[:17] not in stored
    assert MASKED in stored

    # Online: the sign reaches the server, which seals both records and renders the PDF.
    tablet_context.set_offline(False)
    deadline = time.monotonic() + 40
    while True:
        run = sync_now(page)
        state = page.get_by_test_id("document-state").get_attribute("data-state")
        agreement = page.get_by_test_id("agreement-state").get_attribute("data-state")
        if {state, agreement} <= {"ready", "failed"} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert run["ok"], run
    assert state == agreement == "ready", page.get_by_test_id("sealed").inner_text()
    assert page.evaluate(REJECTIONS) == []
    server = live_server.pull_all("manager")
    drive = server[f"test_drive/{drive_id}"]
    assert drive["licence_masked"] == MASKED and drive["outcome"] == "agreed"
    assert LICENCE not in str(server)
    log = next(v for k, v in server.items() if k.startswith("test_drive_log/") and v["test_drive_id"] == drive_id)
    assert log["end_odometer_km"] == odometer + 9 and log["feedback"]["overall"] == 4
    document = next(v for k, v in server.items() if k.startswith("document/") and v["record_id"] == log["id"])
    assert document["contentHash"] == content_hash and document["entity"] == "test_drive_log"
    car = server[f"demo_car/{drive['demo_car_id']}"]
    assert car["status"] == "available" and car["odometer_km"] >= odometer + 9  # returned
    screenshot(page, "test-drive-sealed-ready")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    pdf_path = tmp_path / "test-drive.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    cert = str(live_server.log_path.parent / "signing" / "cert.pem")
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    with page.expect_download() as agreement_download:
        page.get_by_test_id("download-agreement").click()
    agreement_pdf = agreement_download.value.path().read_bytes()
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own asyncio loop
        sealed, broken, agreement_sealed = pool.map(
            lambda data: check_seal(data, cert), [pdf, bytes(tampered), agreement_pdf]
        )
    assert sealed.ok, sealed
    assert not broken.ok, broken
    assert agreement_sealed.ok and agreement_pdf != pdf, agreement_sealed
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|SC|Hei|Song|Noto", fonts), fonts
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    )
    assert content_hash in text
    assert MASKED in text and LICENCE not in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf_path, SCREENSHOTS / "test-drive.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf_path), str(SCREENSHOTS / "test-drive-pdf")], check=True)


def test_a_refusal_offline_is_recorded_with_its_reasons_and_synced(
    tablet_page, tablet_context, live_server, office_page, screenshot
):
    """A driver still in the probation period is refused, offline: each failing rule is shown at its field, the
    refusal is recorded with its reason codes and a masked number, the drive shows as refused after a reload, and
    once online the server holds the refusal and the manager's report counts it under its reason."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    drive_id = start_drive(page, customer=2)
    recent = time.strftime("%Y-%m-%d", time.localtime(time.time() - 60 * 86400))  # two months ago
    fill_licence(page, number="34052419800101001X", cls="C2", first_issued=recent)
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("refusal")).to_be_visible()
    expect(page.get_by_test_id("error-licence_first_issued")).to_contain_text("实习期")
    reasons = page.locator("[data-testid=refusal] [data-reason]")
    codes = [reasons.nth(n).get_attribute("data-reason") for n in range(reasons.count())]
    assert "probation" in codes, codes
    screenshot(page, "test-drive-refusal")
    page.get_by_test_id("record-refusal").click()
    expect(page.get_by_test_id("refused")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("refused")).to_be_visible()
    expect(page.get_by_test_id("licence-masked-shown")).to_have_text("340***********001X")
    open_test_drives(page)
    expect(page.locator("[data-testid=drive-row] [data-state=refused]")).to_have_count(1)

    tablet_context.set_offline(False)
    run = sync_now(page)
    assert run["ok"], run
    assert page.evaluate(REJECTIONS) == []
    drive = live_server.pull_all("manager")[f"test_drive/{drive_id}"]
    assert drive["outcome"] == "refused" and drive["refusal_reasons"] == codes
    assert drive["licence_masked"] == "340***********001X"

    # A change of this drive the server refuses is shown on the drive's own screen (and kept, in the sync panel).
    page.evaluate(
        """async (id) => { const m = await import('/static/js/db.js'); const s = await m.getSession();
        const db = await m.openUserDb(s.store.code, s.user.id);
        await m.enqueueMutation(db, 'put', { entity: 'test_drive', id, set: { driver_phone: '12345' },
          base: { driver_phone: 0 } }); }""",
        drive_id,
    )
    assert sync_now(page)["ok"]
    page.goto(f"/tablet/#/test-drive/{drive_id}")
    expect(page.get_by_test_id("drive-rejection")).to_be_visible()
    assert len(page.evaluate(REJECTIONS)) == 1

    # Reported: the manager's refusal report counts it under its reason.
    from .test_office import sign_in as office_sign_in

    office_sign_in(office_page, "manager")
    office_page.goto("/office/test-drives/reports")
    expect(office_page.locator("#refusals")).to_contain_text("实习期")
    screenshot(office_page, "test-drive-refusal-report")


def test_bad_dates_numbers_and_odometers_show_field_errors_and_store_nothing_wrong(
    tablet_page, tablet_context, screenshot
):
    """Garbage in the forms: a first-issued date in the future, a licence valid only before it was issued, a
    mistyped licence number, letters in the odometer, a return odometer below the start and a return before the
    start each show a message at their field; nothing moves on and no start or return is queued until they are
    fixed. A distance far from the route's is a warning, not an error."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    start_drive(page, customer=3)
    fill_licence(page, number="110105194912310021", valid_to="2020-01-01", first_issued="2099-05-01")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("error-licence_first_issued")).to_be_visible()
    expect(page.get_by_test_id("error-licence_valid_to")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/eligibility$"))
    fill_licence(page, number="110105194912310021")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("error-licence_number")).to_contain_text("无效")
    expect(page.get_by_test_id("error-licence_first_issued")).to_be_hidden()
    screenshot(page, "test-drive-bad-licence")
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    sign_agreement(page)

    page.get_by_test_id("input-start_odometer_km").fill("12a4")
    fill_gauges(page, "start", "150")
    page.get_by_test_id("start-drive").click()
    expect(page.get_by_test_id("error-start_odometer_km")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/start$"))
    outbox = page.evaluate(DUMP_IDB)
    assert "test_drive.start" not in outbox
    page.get_by_test_id("input-start_odometer_km").fill("1000")
    fill_gauges(page, "start", "60")
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))

    page.get_by_test_id("input-end_odometer_km").fill("999")
    fill_gauges(page, "end", "55")
    page.get_by_test_id("input-end_at").fill("2020-01-01T10:00")
    page.get_by_test_id("return-car").click()
    expect(page.get_by_test_id("error-end_odometer_km")).to_contain_text("1000")
    expect(page.get_by_test_id("error-end_at")).to_be_visible()
    screenshot(page, "test-drive-bad-return")
    assert "test_drive.return" not in page.evaluate(DUMP_IDB)
    page.get_by_test_id("input-end_odometer_km").fill("1090")
    expect(page.get_by_test_id("distance-warning")).to_be_visible()  # 90 km on a short route: a warning only
    now = datetime.now(ZoneInfo("Asia/Shanghai"))  # the tablet's time zone (tests/browser/conftest.py)
    page.get_by_test_id("input-end_at").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.get_by_test_id("distance-warning")).to_be_visible()


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


def available_plate(page, nth: int = 0) -> str:
    """The plate of the `nth` available car in the fleet list."""
    open_test_drives(page)
    return page.locator("[data-testid=fleet-car][data-status=available]").nth(nth).get_attribute("data-plate")


def test_a_car_out_with_one_escort_cannot_be_taken_by_another(tablet_page, new_tablet, screenshot):
    """Online: once 陈刚 has a car out, 黄磊's tablet shows it out with his name, and choosing it answers with
    that message instead of starting a drive."""
    first = tablet_page
    sign_in_tablet(first, "escort")
    plate = available_plate(first)
    drive_to_start(first, plate, customer=4)
    assert sync_now(first)["ok"]

    _context, second = new_tablet()
    sign_in_tablet(second, "escort2")
    open_test_drives(second)
    car = second.locator(f"[data-testid=fleet-car][data-plate='{plate}']")
    expect(car).to_have_attribute("data-status", "out")
    expect(car.get_by_test_id("car-holder")).to_contain_text("陈刚")
    second.get_by_test_id("drive-customer").select_option(index=5)
    car.click()
    expect(second.get_by_test_id("start-error")).to_contain_text("陈刚")
    second.get_by_test_id("drive-start").click()  # the taken car was never chosen: no drive starts
    expect(second.get_by_test_id("start-error")).to_contain_text("请选择一辆可用的车")
    expect(second).to_have_url(re.compile(r"#/test-drive$"))
    screenshot(second, "test-drive-car-taken")


def test_the_same_car_taken_offline_by_two_escorts_is_a_conflict_both_see(
    tablet_page, tablet_context, new_tablet, live_server, screenshot
):
    """Offline, two escorts take the same available car. After both sync, the server keeps both drives and one
    conflict on the car; each tablet shows it on its drive screen, naming the other escort, and in its sync
    panel — nothing is rejected or lost."""
    first = tablet_page
    sign_in_tablet(first, "escort")
    second_context, second = new_tablet()
    sign_in_tablet(second, "escort2")
    plate = available_plate(first)
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


def test_phones_and_licence_numbers_are_masked_on_every_test_drive_screen(tablet_page, tablet_context, screenshot):
    """The customer picker shows phones as 138****8000; the licence number typed for the check is shown back
    only masked, and the refused drive, the list and the sealed view never show either number in full."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    open_test_drives(page)
    options = page.get_by_test_id("drive-customer").locator("option").all_inner_texts()
    assert any(re.search(r"1\d\d\*{4}\d{4}", o) for o in options), options
    assert_masked(page)
    start_drive(page, customer=8)
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


def test_a_licence_photo_is_kept_only_after_its_own_consent(tablet_page, tablet_context, tmp_path):
    """The camera for the licence appears only once the separate consent is ticked; unticking drops the photo;
    with consent the photo goes out as one `licence_photo` record with consent, accepted by the server, after
    which the tablet no longer keeps its copy."""
    page = tablet_page
    photo = tmp_path / "licence.png"
    photo.write_bytes(solid_png(120, 80, (20, 120, 60)))
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    start_drive(page, customer=9)
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
        "async () => { const m = await import('/static/js/db.js'); const s = await m.getSession();"
        " const db = await m.openUserDb(s.store.code, s.user.id);"
        " return (await db.getAll('outbox')).filter((x) => x.args.entity === 'licence_photo').map((x) => x.args.set); }"
    )
    assert len(outbox) == 1 and outbox[0]["consent"] is True and re.fullmatch(r"[0-9a-f]{64}", outbox[0]["photo"])
    sha = outbox[0]["photo"]
    has_blob = """async (sha) => { const m = await import('/static/js/db.js'); const s = await m.getSession();
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
