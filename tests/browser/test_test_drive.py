"""Test drives (试乘试驾) on the tablet, in real Chromium, offline first: an escort picks a customer, a fleet car and
a route, checks the licence (GB 11643 check digit on the tablet, only a masked number kept), has the agreement
accepted and signed by customer and escort, logs the car out (odometer, fuel, damage already there) and back in,
records the customer's feedback, and both sign the log — all with no network, with a reload in the middle.
Back online the server seals both records and renders the PDF, which the tablet downloads and the test verifies.
The fleet (two escorts, one car), masking and the licence photo are in test_test_drive_fleet.py.
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

from tests.factories.images import solid_png

from .conftest import SCREENSHOTS, sign_in_tablet, sync_now
from .testdrive_steps import (
    DUMP_IDB,
    LICENCE,
    MASKED,
    REJECTIONS,
    draw_signature,
    fill_gauges,
    fill_licence,
    open_test_drives,
    sign_agreement,
    start_drive,
)

pytestmark = pytest.mark.browser


def test_a_whole_drive_offline_is_sealed_and_its_pdf_verifies(
    tablet_page, tablet_context, live_server, fleet_car, screenshot, tmp_path
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
    drive_id = start_drive(page, plate=fleet_car)
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
    # Each keystroke is written to the draft at once; reload only once that write has landed (as a person would,
    # milliseconds later), so the reload proves the screen comes back from IndexedDB.
    deadline = time.monotonic() + 5
    while '"incidents":"无"' not in page.evaluate(DUMP_IDB) and time.monotonic() < deadline:
        time.sleep(0.1)
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
    tablet_page, tablet_context, live_server, office_page, fleet_car, screenshot
):
    """A driver still in the probation period is refused, offline: each failing rule is shown at its field, the
    refusal is recorded with its reason codes and a masked number, the drive shows as refused after a reload, and
    once online the server holds the refusal and the manager's report counts it under its reason."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    drive_id = start_drive(page, plate=fleet_car, customer=2)
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
        """async (id) => { const m = await import('/static/js/core/db.js'); const s = await m.getSession();
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
    tablet_page, tablet_context, fleet_car, screenshot
):
    """Garbage in the forms: a first-issued date in the future, a licence valid only before it was issued, a
    mistyped licence number, letters in the odometer, a return odometer below the start and a return before the
    start each show a message at their field; nothing moves on and no start or return is queued until they are
    fixed. A distance far from the route's is a warning, not an error. The log cannot be sealed without the
    escort's signature, and is accepted with it alone (the customer's is optional)."""
    page = tablet_page
    sign_in_tablet(page, "escort")
    tablet_context.set_offline(True)
    start_drive(page, plate=fleet_car, customer=3)
    fill_licence(page, number="110105194912310021", valid_to="2020-01-01", first_issued="2099-05-01")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("error-licence_first_issued")).to_be_visible()
    expect(page.get_by_test_id("error-licence_valid_to")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/eligibility$"))
    fill_licence(page, number="110105194912310021")
    page.get_by_test_id("check-eligibility").click()
    expect(page.get_by_test_id("error-licence_number")).to_contain_text("无效")
    expect(page.get_by_test_id("input-birth_date")).to_have_value("")  # no birth date read from a wrong number
    expect(page.get_by_test_id("error-licence_first_issued")).to_be_hidden()
    screenshot(page, "test-drive-bad-licence")
    fill_licence(page)
    page.get_by_test_id("check-eligibility").click()
    sign_agreement(page)

    reading = int(page.get_by_test_id("input-start_odometer_km").input_value())  # the car's last reading
    page.get_by_test_id("input-start_odometer_km").fill("12a4")
    fill_gauges(page, "start", "150")
    page.get_by_test_id("start-drive").click()
    expect(page.get_by_test_id("error-start_odometer_km")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/start$"))
    outbox = page.evaluate(DUMP_IDB)
    assert "test_drive.start" not in outbox
    page.get_by_test_id("input-start_odometer_km").fill(str(reading))
    fill_gauges(page, "start", "60")
    page.get_by_test_id("start-drive").click()
    expect(page).to_have_url(re.compile(r"/return$"))

    page.get_by_test_id("input-end_odometer_km").fill(str(reading - 1))
    fill_gauges(page, "end", "55")
    page.get_by_test_id("input-end_at").fill("2020-01-01T10:00")
    page.get_by_test_id("return-car").click()
    expect(page.get_by_test_id("error-end_odometer_km")).to_contain_text(str(reading))
    expect(page.get_by_test_id("error-end_at")).to_be_visible()
    screenshot(page, "test-drive-bad-return")
    assert "test_drive.return" not in page.evaluate(DUMP_IDB)
    page.get_by_test_id("input-end_odometer_km").fill(str(reading + 90))
    expect(page.get_by_test_id("distance-warning")).to_be_visible()  # 90 km on a short route: a warning only
    now = datetime.now(ZoneInfo("Asia/Shanghai"))  # the tablet's time zone (tests/browser/conftest.py)
    page.get_by_test_id("input-end_at").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("return-car").click()
    expect(page).to_have_url(re.compile(r"/feedback$"))
    expect(page.get_by_test_id("distance-warning")).to_be_visible()

    # The log needs the escort's signature; the customer's is optional (they may have left). Sealed with the
    # escort's alone, it is accepted by the server.
    page.locator("[data-testid=score-overall] [data-score='3']").click()
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("log-error")).to_be_visible()  # the escort has not signed
    draw_signature(page, "pad-escort")
    page.get_by_test_id("sign-log").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    tablet_context.set_offline(False)
    assert sync_now(page)["ok"]
    assert page.evaluate(REJECTIONS) == []
    expect(page.get_by_test_id("document-state")).not_to_have_attribute("data-state", "signed")
