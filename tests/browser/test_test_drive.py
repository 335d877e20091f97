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


def fuel_field(page, prefix: str):
    """The fuel or charge field the car asks for (fuel for petrol cars, charge for electric ones)."""
    fuel = page.get_by_test_id(f"input-{prefix}_fuel_pct")
    return fuel if fuel.count() else page.get_by_test_id(f"input-{prefix}_charge_pct")


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
    fuel_field(page, "start").fill("80")
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
    fuel_field(page, "end").fill("72")
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
        if state in ("ready", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert run["ok"], run
    assert state == "ready", page.get_by_test_id("sealed").inner_text()
    expect(page.get_by_test_id("agreement-state")).to_have_attribute("data-state", re.compile("pending|ready"))
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
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own asyncio loop
        sealed, broken = pool.map(lambda data: check_seal(data, cert), [pdf, bytes(tampered)])
    assert sealed.ok, sealed
    assert not broken.ok, broken
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
