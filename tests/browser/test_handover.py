"""The vehicle handover (交车) on the tablet, in real Chromium, offline first: a consultant inspects the car with
the customer, records defects with photos, accessories, documents, keys, odometer, explanations and what is
still owed, reviews exactly what will be signed, both sign on the glass, and the record is sealed — all with no
network. Back online, the sign reaches the server, which renders and seals the PDF; the tablet downloads it and
the test checks the PAdES seal, the embedded CJK font, the printed name and content hash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.factories.images import solid_png

from .conftest import SCREENSHOTS, sign_in_tablet, sync_now

pytestmark = pytest.mark.browser


def make_png(path: Path, width: int = 96, height: int = 64, rgb=(200, 40, 40)) -> Path:
    """A small solid-colour PNG file (a stand-in for a camera photo)."""
    path.write_bytes(solid_png(width, height, rgb))
    return path


def go_offline_and_start(page, context) -> str:
    """Sign in online (first sync brings template, vehicles, customers), go offline, start a handover for the
    first demo customer and the first in-stock car; returns the delivery id."""
    sign_in_tablet(page)
    context.set_offline(True)
    page.get_by_test_id("customers-entry").click()
    page.get_by_test_id("customer-row").first.click()
    page.get_by_test_id("start-handover").click()
    page.get_by_test_id("vehicle-choice").first.click()
    expect(page).to_have_url(re.compile(r"#/handover/[0-9a-f-]{36}/check/A$"))
    return page.url.split("#/handover/")[1].split("/")[0]


def answer(page, code: str, result: str) -> None:
    page.locator(f"[data-code={code}] [data-result={result}]").click()


def draw_signature(page, testid: str) -> None:
    """Sign with the mouse: a few strokes across the canvas."""
    box = page.get_by_test_id(testid).bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    for n in range(3):
        page.mouse.move(x + w * 0.1, y + h * (0.3 + n * 0.2))
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(x + w * (0.1 + step * 0.07), y + h * (0.3 + n * 0.2 + (0.1 if step % 2 else -0.1)), steps=2)
        page.mouse.up()


def test_a_whole_handover_offline_is_sealed_and_its_pdf_verifies(
    tablet_page, tablet_context, live_server, screenshot, tmp_path
):
    """Offline from the start of the handover to the seal: every item answered (two ✗ with a photo each), an
    accessory, keys, odometer, both explanations, a we-owe item; the review shows it; consent and both
    signatures; seal. A reload offline shows it sealed and read-only with its hash. Back online the sign is
    accepted, the document becomes ready, the tablet downloads the PDF, whose seal is intact (and fails after
    one flipped byte), with a CJK font embedded and the customer's name and the content hash printed on it."""
    from server.documents.seal import check_seal

    page = tablet_page
    photo = make_png(tmp_path / "defect.png")
    delivery_id = go_offline_and_start(page, tablet_context)
    customer = page.get_by_test_id("handover-customer").inner_text()

    # Group A, item by item, with one defect and its photo; the rest of each later group marked ✓ in one tap.
    answer(page, "A01", "ok")
    answer(page, "A02", "defect")
    expect(page.locator("[data-code=A02] [data-testid=photo-required]")).to_be_visible()
    page.get_by_test_id("photo-input-A02").set_input_files(str(photo))
    expect(page.locator("[data-code=A02] [data-testid=photo-thumb]")).to_have_count(1)
    expect(page.locator("[data-code=A02] [data-testid=photo-required]")).to_have_count(0)
    answer(page, "A03", "na")
    page.get_by_test_id("rest-ok").click()
    screenshot(page, "handover-checklist-A")
    groups = ["B", "C", "D", "E", "F", "G", "H"]
    for group in groups:
        page.get_by_test_id("next-step").click()
        expect(page.get_by_test_id("group-title")).to_contain_text(group)
        if group == "C":
            answer(page, "C01", "defect")
            page.get_by_test_id("note-C01").fill("左前门漆面划痕 3 cm")
            page.get_by_test_id("note-C01").blur()
            page.get_by_test_id("photo-input-C01").set_input_files(str(photo))
            expect(page.locator("[data-code=C01] [data-testid=photo-thumb]")).to_have_count(1)
        page.get_by_test_id("rest-ok").click()
    progress = page.get_by_test_id("overall-progress")
    expect(progress).to_have_text(re.compile(r"(\d+) / \1\b"))  # all checked, once the last group's ✓ are drawn
    done, total = re.findall(r"\d+", progress.inner_text())[:2]
    assert done == total and int(total) >= 70

    # Accessories, keys, odometer, explanations, we-owe (the documents were group A of the checklist).
    page.get_by_test_id("next-step").click()
    page.locator("#accessory-name").fill("行车记录仪")
    page.get_by_test_id("add-accessory").click()
    page.get_by_test_id("accessory-photo-input").set_input_files(str(photo))
    expect(page.get_by_test_id("accessory").get_by_test_id("photo-thumb")).to_have_count(1)
    page.get_by_test_id("keys-plus").click()
    expect(page.get_by_test_id("keys-count")).to_have_text("3")
    page.locator("#odometer").fill("12")
    page.locator("#odometer").blur()
    page.get_by_test_id("explained-maintenance").check()
    page.get_by_test_id("explained-operation").check()
    page.locator("#we-owe-text").fill("加油卡一张，下周寄出")
    expect(page.locator("#we-owe-item")).to_have_value("")  # names no checklist item
    page.locator("#we-owe-date").fill((datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=30)).isoformat())
    page.get_by_test_id("add-we-owe").click()
    expect(page.get_by_test_id("we-owe")).to_have_count(1)
    screenshot(page, "handover-details")

    # Review: exactly what will be signed, consent, signatures, seal.
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/review$"))
    expect(page.get_by_test_id("review-defect")).to_have_count(2)
    expect(page.get_by_test_id("review-keys")).to_have_text("3")
    expect(page.get_by_test_id("review-accessory")).to_contain_text("行车记录仪")
    expect(page.get_by_test_id("review-we-owe")).to_contain_text("加油卡")
    expect(page.get_by_test_id("consent-text")).to_contain_text("本人已与销售顾问")
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("seal-error")).to_be_visible()  # no consent, no signatures yet
    page.get_by_test_id("consent").check()
    draw_signature(page, "pad-customer")
    draw_signature(page, "pad-consultant")
    expect(page.get_by_test_id("signer-consultant")).to_have_value("李明")
    expect(page.get_by_test_id("review-problems")).to_be_hidden()
    screenshot(page, "handover-review")
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    content_hash = page.get_by_test_id("content-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash)

    # Reload while offline: still sealed, read-only, same hash.
    page.reload()
    expect(page.get_by_test_id("content-hash")).to_have_text(content_hash)
    expect(page.get_by_test_id("document-state")).to_have_attribute("data-state", "signed")
    page.goto(f"/tablet/#/handover/{delivery_id}/check/A")
    expect(page.get_by_test_id("sealed")).to_be_visible()  # no way back into the form
    expect(page.locator("[data-result]")).to_have_count(0)
    screenshot(page, "handover-sealed-offline")

    # Online: sync, the server accepts the sign and renders the sealed PDF.
    tablet_context.set_offline(False)
    deadline = time.monotonic() + 30
    while True:
        run = sync_now(page)
        state = page.get_by_test_id("document-state").get_attribute("data-state")
        if state in ("ready", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert run["ok"], run
    assert state == "ready", state
    rejections = page.evaluate(
        "async () => { const db = await import('/static/js/core/db.js'); const s = await db.getSession();"
        " return (await db.readRejections(await db.openUserDb(s.store.code, s.user.id))).length; }"
    )
    assert rejections == 0
    server = live_server.pull_all("manager")
    document = next(v for k, v in server.items() if k.startswith("document/") and v["record_id"] == delivery_id)
    assert document["contentHash"] == content_hash and not document["divergent"]
    screenshot(page, "handover-sealed-ready")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    pdf_path = tmp_path / "delivery.pdf"
    download_info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")

    cert = str(live_server.log_path.parent / "signing" / "cert.pem")  # the live server's SIGNING_CERT
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    # pyHanko runs its own asyncio loop: not in this thread, where Playwright's sync API keeps one running.
    with ThreadPoolExecutor(1) as pool:
        sealed, broken = pool.map(lambda data: check_seal(data, cert), [pdf, bytes(tampered)])
    assert sealed.ok, sealed
    assert not broken.ok, broken
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|SC|Hei|Song|Noto", fonts), fonts
    assert all(line.split()[-4] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts  # embedded
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert customer.split()[-1].replace("交车", "") in flat or any(ch in flat for ch in customer[-3:])
    assert content_hash in flat
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf_path, SCREENSHOTS / "handover.pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf_path), str(SCREENSHOTS / "handover-pdf")], check=True)


def test_a_defect_needs_a_photo_and_a_reload_offline_keeps_the_checklist(tablet_page, tablet_context, screenshot):
    """A ✗ without a photo shows a field error and blocks the way to the review; reloading the app offline in the
    middle of the checklist comes back to the same group with every answer, and the ✗ still waiting for its
    photo."""
    page = tablet_page
    delivery_id = go_offline_and_start(page, tablet_context)
    page.get_by_test_id("next-step").click()  # group B
    answer(page, "B01", "ok")
    answer(page, "B02", "na")
    answer(page, "B03", "defect")
    page.get_by_test_id("go-review").click()
    expect(page.get_by_test_id("checklist-error")).to_contain_text("B03")
    expect(page.locator("[data-code=B03] [data-testid=photo-required]")).to_be_visible()
    expect(page).to_have_url(re.compile(f"{delivery_id}/check/B$"))
    screenshot(page, "handover-defect-needs-photo")

    page.reload()
    expect(page.get_by_test_id("group-title")).to_contain_text("B")
    expect(page.locator("[data-code=B01] [data-result=ok]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-code=B02] [data-result=na]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-code=B03] [data-result=defect]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-code=B03] [data-testid=photo-required]")).to_be_visible()
    expect(page.get_by_test_id("group-tab-B")).to_contain_text("2/")


#: In-page: a seal's writes through db.js enqueueMutations (with the outbox's id counter lost first), then a batch
#: whose second mutation IndexedDB cannot store; returns what the user database holds afterwards.
SEAL_WRITES = """async () => {
  const db = await import('/static/js/core/db.js');
  const session = await db.getSession();
  const userDb = await db.openUserDb(session.store.code, session.user.id);
  const first = await db.enqueueMutation(userDb, 'put', { entity: 'delivery', id: 'd1', set: {}, base: {} });
  await userDb.delete('meta', 'nextMutationID');
  await db.updateDraft(userDb, 'delivery/d1', { step: 'review' });
  const png = (text) => new Blob([text], { type: 'image/png' });
  const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64));
  const put = { entity: 'delivery', id: 'd1', set: { notes: 'x' }, base: {} };
  const queued = await db.enqueueMutations(userDb, [['put', put], ['sign', { entity: 'delivery', id: 'd1' }]],
    { blobs: [{ sha256: a, type: 'image/png', blob: png('same') }, { sha256: a, type: 'image/png', blob: png('same') },
      { sha256: b, type: 'image/png', blob: png('other') }],
      draft: { key: 'delivery/d1', changes: (d) => ({ sealed: { after: d.step } }) } });
  let refused = null;
  try {
    await db.enqueueMutations(userDb, [['put', { entity: 'delivery', id: 'd2' }], ['sign', { unstorable: () => 0 }]],
      { blobs: [{ sha256: c, type: 'image/png', blob: png('lost') }], draft: { key: 'delivery/d2', changes: {} } });
  } catch (error) {
    refused = error.name;
  }
  const outbox = await userDb.getAll('outbox');
  return { first: first.id, queued: queued.map((m) => [m.id, m.name]),
    outbox: outbox.map((m) => [m.id, m.name, m.args.id]), next: await db.getMeta(userDb, 'nextMutationID'),
    blobs: (await Promise.all([a, b, c].map((sha) => userDb.get('blobs', sha)))).map((e) => e && [e.size, e.uploaded]),
    draft: await userDb.get('drafts', 'delivery/d1'), lost: (await userDb.get('drafts', 'delivery/d2')) || null,
    refused };
}"""


def test_a_seal_is_written_whole_in_one_transaction(tablet_page, tablet_context):
    """What a seal writes (the record's put, the sign, its images, the draft) goes in one transaction: the
    mutations get the next ids in order even when the id counter was lost, an image given twice is kept once, the
    draft's change sees the draft as it was; and when one of the values cannot be stored, none of it is kept."""
    page = tablet_page
    sign_in_tablet(page)
    tablet_context.set_offline(True)  # nothing of this reaches the server
    result = page.evaluate(SEAL_WRITES)
    first = result["first"]
    assert result["queued"] == [[first + 1, "put"], [first + 2, "sign"]]
    assert result["outbox"][-3:] == [[first, "put", "d1"], [first + 1, "put", "d1"], [first + 2, "sign", "d1"]]
    assert result["next"] == first + 3
    assert result["blobs"] == [[4, False], [5, False], None]
    assert result["draft"] == {"key": "delivery/d1", "step": "review", "sealed": {"after": "review"}}
    assert result["refused"] == "DataCloneError" and result["lost"] is None
