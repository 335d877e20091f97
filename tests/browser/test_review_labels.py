"""Office and sync review, as a manager and a consultant see it (issue 12, items 11, 12 and 14).

- The conflicts page shows the value both sides had seen (it showed "—" for a value no logged write had given, such
  as the demo's), and its open count follows a settlement without a reload.
- The tablet's sync panel and the office name each field by its own entity's label, in the person's language: a
  delivery's `vin` is the VIN, a trim's `name` the trim's name (it said 姓名, a person's name), never a code.
- The office home lists records still waiting for photos a tablet named before uploading them.
"""

from __future__ import annotations

import hashlib
import re
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from tests.documents.conftest import png

from .conftest import ROOT, sign_in_tablet
from .live_data import push, put
from .test_office import sign_in
from .test_sync import with_db

pytestmark = pytest.mark.browser

#: Field codes a person must never read as a label.
CODES = re.compile(r"\b(customer_id|customer_name|vehicle_id|template_id|vin|items)\b")


def zh(live_server, english: str) -> str:
    """What the tablet's Chinese interface shows for an English source (the source itself until it is translated)."""
    return live_server.catalogue("zh_CN").get(english) or english


def office_zh(english: str) -> str:
    """What the office's Chinese pages show for an English source (the server's compiled catalogue)."""
    from babel.support import Translations

    return Translations.load(str(ROOT / "server" / "translations"), ["zh_CN"]).gettext(english)


def open_count(page) -> int:
    badge = page.locator("#conflict-tabs a[data-state=open] .count")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_conflicts_page_shows_what_both_had_seen_and_its_count_follows(office_page, live_server, screenshot):
    """Two consultants change the lead source of a demo customer (seeded, so no logged write ever gave it) without
    seeing each other's change: the conflict's "both had seen" row shows the seeded source by its name; keeping the
    applied value lowers the open count and raises the kept one at once."""
    customers = {k: v for k, v in live_server.pull_all("consultant").items() if k.startswith("customer/")}
    walk_ins = [v for v in customers.values() if v["source"] == "walk_in" and not v["notes"]]
    demo = min(walk_ins, key=lambda v: v["fieldVersions"]["source"])
    seen = demo["fieldVersions"]["source"]
    first, second = live_server.sign_in("consultant"), live_server.sign_in("consultant2")
    [applied] = push(live_server, first["token"], put("customer", demo["id"], {"source": "online"}, {"source": seen}))
    assert applied["outcome"] == "applied", applied
    [result] = push(live_server, second["token"], put("customer", demo["id"], {"source": "event"}, {"source": seen}))
    assert result["outcome"] == "conflict", result
    [conflict] = result["conflictIDs"]

    sign_in(office_page, "manager")
    office_page.goto("/office/conflicts")
    row = office_page.locator(f"#conflict-{conflict}")
    expect(row.locator("tr.base td.value")).to_have_text(office_zh("Walk-in"))
    expect(row.locator("tr.overwritten td.value")).to_have_text(office_zh("Online lead (DCC)"))
    expect(row.locator("tr.applied td.value")).to_have_text(office_zh("Showroom event"))
    expect(row.locator("h2")).to_contain_text(office_zh("Source"))
    screenshot(office_page, "contract-zh-office-conflict-base")
    before = open_count(office_page)
    kept = office_page.locator("#conflict-tabs a[data-state=kept] .count")
    kept_before = int(kept.inner_text()) if kept.count() else 0
    row.get_by_role("button", name="保留已生效的值").click()
    expect(row.locator(".tag")).to_have_text("已保留")
    expect(kept).to_have_text(str(kept_before + 1))
    assert open_count(office_page) == before - 1
    expect(office_page.locator("#conflict-tabs a[data-state=open]")).to_have_attribute("aria-current", "page")
    screenshot(office_page, "contract-zh-office-conflict-settled")


def _bad_delivery(name: str) -> dict:
    return {
        "customer_id": str(uuid.uuid4()),
        "customer_name": name,
        "vehicle_id": str(uuid.uuid4()),
        "vin": "not-a-vin",
        "template_id": str(uuid.uuid4()),
    }


def test_the_sync_panel_names_each_field_by_its_entitys_label(tablet_page, live_server, screenshot):
    """A delivery the server refuses (unknown customer, vehicle and checklist, a VIN that is not one): the panel
    names the record and every field in Chinese, and shows no field code."""
    page = tablet_page
    sign_in_tablet(page)
    with_db(
        page,
        "return db.enqueueMutation(userDb, 'put', {entity: 'delivery', id: arg.id, set: arg.set, base: {}});",
        {"id": str(uuid.uuid4()), "set": _bad_delivery("标签客户")},
    )
    page.evaluate("() => window.showroomSync.now()")
    expect(page.get_by_test_id("badge-problems")).to_be_visible()
    page.locator("#badge button").click()
    rejection = page.get_by_test_id("rejection")
    expect(rejection).to_have_count(1)
    for english in ("Customer", "Vehicle", "VIN", "Checklist"):
        expect(rejection.locator(".problem-fields strong", has_text=zh(live_server, english)).first).to_be_visible()
    expect(rejection).to_contain_text(f"{zh(live_server, 'Delivery inspection')} · 标签客户")
    expect(rejection).to_contain_text(zh(live_server, "Customer name"))
    assert not CODES.search(rejection.inner_text()), rejection.inner_text()
    screenshot(page, "contract-zh-tablet-sync-panel-labels")


def test_error_labels_in_the_office_are_the_fields_own(office_page, live_server, screenshot):
    """Adding a trim and a colour without a name: each error names the trim's or the colour's name, not a person's
    (姓名). The rejected changes page names a refused delivery's fields by the delivery's labels."""
    consultant = live_server.sign_in("consultant")
    [refused] = push(live_server, consultant["token"], put("delivery", str(uuid.uuid4()), _bad_delivery("拒收客户")))
    assert refused["outcome"] == "rejected", refused

    sign_in(office_page, "manager")
    office_page.goto("/office/catalogue")
    series = office_page.locator("section.series").first
    trim_form = series.locator("form.add-row").first
    trim_form.locator("input[name=msrp_yuan]").fill("99900")
    trim_form.get_by_role("button").click()
    error = office_page.locator("section.series").first.locator("form.add-row").first.locator(".field-error")
    expect(error).to_contain_text(office_zh("Trim name"))
    expect(error).not_to_contain_text("姓名")
    screenshot(office_page, "contract-zh-office-trim-error")
    colour_form = office_page.locator("section.series").first.locator("form.add-row").nth(1)
    colour_form.get_by_role("button").click()
    error = office_page.locator("section.series").first.locator("form.add-row").nth(1).locator(".field-error")
    expect(error).to_contain_text(office_zh("Colour name"))
    expect(error).not_to_contain_text("姓名")

    office_page.goto("/office/rejections")
    card = office_page.locator("article.rejection", has_text="拒收客户").first
    labels = card.locator(".field-errors strong")
    expect(labels.first).to_be_visible()
    shown = set(labels.all_inner_texts())
    assert {office_zh(e) for e in ("Customer", "Vehicle", "VIN", "Checklist")} <= shown, shown
    assert not any(CODES.fullmatch(label) for label in shown), shown
    screenshot(office_page, "contract-zh-office-rejections")


def test_the_office_home_lists_records_waiting_for_photos(office_page, live_server, screenshot):
    """A delivery naming a defect photo the tablet has not uploaded yet is on the manager's home with the number of
    photos missing; once the photo arrives it is gone from the list."""
    state = live_server.pull_all("consultant")
    template = next(v for k, v in state.items() if k.startswith("checklist_template/"))
    vehicle = next(v for k, v in state.items() if k.startswith("vehicle/") and not v["is_test_drive"])
    customer = next(v for k, v in state.items() if k.startswith("customer/"))
    code = template["groups"][0]["items"][0]["code"]
    photo = png(f"defect {uuid.uuid4()}")
    sha = hashlib.sha256(photo).hexdigest()
    consultant = live_server.sign_in("consultant")
    values = {
        "customer_id": customer["id"],
        "customer_name": "照片客户",
        "vehicle_id": vehicle["id"],
        "vin": vehicle["vin"],
        "template_id": template["id"],
        "items": {code: {"result": "defect", "note": "划痕", "photos": [sha]}},
    }
    [result] = push(live_server, consultant["token"], put("delivery", str(uuid.uuid4()), values))
    assert result["outcome"] == "applied", result

    sign_in(office_page, "manager")
    card = office_page.get_by_test_id("awaiting-photos")
    expect(card).to_contain_text("照*")
    expect(card.locator("li", has_text="照*")).to_contain_text("1")
    screenshot(office_page, "contract-zh-office-home-awaiting-photos")
    assert _upload(live_server, consultant["token"], sha, photo) == 201
    office_page.reload()
    expect(card.locator("li", has_text="照*")).to_have_count(0)


def _upload(live_server, token: str, sha: str, data: bytes) -> int:
    """PUT a blob as a tablet does; returns the status."""
    request = urllib.request.Request(f"{live_server.url}/api/sync/v1/blobs/{sha}", data=data, method="PUT")  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "image/png")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own server)
        return response.status
