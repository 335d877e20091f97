"""The handover checklist as a consultant meets it on the tablet, in real Chromium and offline: the documents handed
over are entered once (group A), the tabs name their groups, an item ticked ✓ that the we-owe list also names blocks
the seal until someone decides which is true, "mark the rest ✓" never overrides the we-owe list, and a due date in
the past is refused. Screens are kept in zh_CN and en, at 800×1280 and 1024×768."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .conftest import open_tablet_context, save_screenshot, sign_in_tablet, sync_now
from .test_handover import answer, draw_signature, go_offline_and_start

pytestmark = pytest.mark.browser

GROUPS = ["A", "B", "C", "D", "E", "F", "G", "H"]


def tablet_today():
    """Today where the tablet is (the test profiles run in Shanghai time, this machine may not)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def restore_chinese(live_server, username: str) -> None:
    """The account keeps a language choice: put the shared demo account back to Chinese for the other tests."""
    status, body = live_server.api(
        "PATCH", "/api/me", {"language": "zh_CN"}, token=live_server.sign_in(username)["token"]
    )
    assert status == 200, body


def choose_language(page, language: str) -> None:
    """Switch the tablet (and the account: the choice is stored on it) to `language` on the home screen."""
    page.locator(f"[data-language={language}]").first.click()
    expect(page.locator("html")).to_have_attribute("lang", {"zh_CN": "zh-CN", "en": "en"}[language])


def rest_ok_everywhere(page) -> None:
    """From group A: "mark the rest ✓" in each group, then on to the details step."""
    for group in GROUPS:
        expect(page.get_by_test_id("group-title")).to_contain_text(group)
        page.get_by_test_id("rest-ok").click()
        page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/details$"))


def add_we_owe(page, text: str, due: str | None, item: str | None = None) -> None:
    page.locator("#we-owe-text").fill(text)
    if item is not None:
        page.locator("#we-owe-item").select_option(item)
    if due:
        page.locator("#we-owe-date").fill(due)
    page.get_by_test_id("add-we-owe").click()


def test_a_ticked_item_also_owed_blocks_the_seal_until_resolved(tablet_page, tablet_context, live_server):
    """Floor mats ✓ (by "mark the rest ✓"), then "原厂脚垫下周到店后补交" added to the we-owe list, which suggests
    B07 itself: the entry says it contradicts the checklist, the review lists the contradiction first and refuses the
    seal. "Still owed: clear the ✓" resolves it; B07 shows as owed on the checklist and "mark the rest ✓" leaves it
    alone. Sealed offline, synced: the server accepts it, B07 without a mark and the entry naming it."""
    page = tablet_page
    delivery_id = go_offline_and_start(page, tablet_context)
    rest_ok_everywhere(page)
    page.locator("#odometer").fill("12")
    page.locator("#odometer").blur()
    page.get_by_test_id("explained-maintenance").check()
    page.get_by_test_id("explained-operation").check()
    page.locator("#we-owe-text").fill("原厂脚垫下周到店后补交")
    expect(page.locator("#we-owe-item")).to_have_value("B07")  # suggested from the text, visible, changeable
    page.locator("#we-owe-date").fill((tablet_today() + timedelta(days=7)).isoformat())
    page.get_by_test_id("add-we-owe").click()
    expect(page.get_by_test_id("we-owe")).to_have_attribute("data-item", "B07")
    expect(page.get_by_test_id("we-owe-contradiction")).to_contain_text("B07")
    save_screenshot(page, "handover-we-owe-contradiction")

    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(re.compile("/review$"))
    contradiction = page.get_by_test_id("contradiction")
    expect(contradiction).to_have_count(1)
    expect(contradiction).to_have_attribute("data-item", "B07")
    expect(contradiction).to_contain_text("原厂脚垫下周到店后补交")
    page.get_by_test_id("consent").check()
    for pad in ("pad-customer", "pad-consultant"):
        page.get_by_test_id(pad).scroll_into_view_if_needed()
        draw_signature(page, pad)
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("seal-error")).to_contain_text("B07")  # the only reason left
    expect(page.get_by_test_id("seal-error")).not_to_contain_text("签名")
    expect(page.get_by_test_id("sealed")).to_have_count(0)
    save_screenshot(page, "handover-review-contradiction")

    page.get_by_test_id("keep-owed").click()
    expect(page.get_by_test_id("contradictions")).to_have_count(0)
    expect(page.locator("[data-testid=snapshot] li[data-code=B07]")).to_have_class("result-owed")
    expect(page.get_by_test_id("review-problems")).to_be_hidden()

    # Back on the checklist: B07 is answered by the we-owe list, and "mark the rest ✓" does not tick it.
    page.goto(f"/tablet/#/handover/{delivery_id}/check/B")
    mats = page.locator("[data-code=B07]")
    expect(mats.get_by_test_id("owed-note")).to_contain_text("原厂脚垫")
    expect(mats.locator("[data-result=ok]")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("group-tab-B")).to_contain_text("10/10")
    page.get_by_test_id("rest-ok").click()
    expect(mats.locator("[data-result=ok]")).to_have_attribute("aria-pressed", "false")
    save_screenshot(page, "handover-checklist-owed")

    # Signatures were kept in the draft; seal, sync, and the server agrees.
    page.goto(f"/tablet/#/handover/{delivery_id}/review")
    expect(page.get_by_test_id("contradictions")).to_have_count(0)
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    tablet_context.set_offline(False)
    deadline = time.monotonic() + 30
    while page.get_by_test_id("document-state").get_attribute("data-state") == "signed":
        assert time.monotonic() < deadline, "the sign never reached the server"
        sync_now(page)
        time.sleep(0.5)
    server = live_server.pull_all("manager")[f"delivery/{delivery_id}"]
    assert "B07" not in server["items"] and server["we_owe"][0]["item_code"] == "B07", server["we_owe"]
    assert page.get_by_test_id("document-state").get_attribute("data-state") in ("pending", "ready")


def test_a_due_date_in_the_past_is_refused(tablet_page, tablet_context):
    """Yesterday: a field error at the date, nothing added; today: added. The documents are not asked a second
    time on this step (they are checklist group A)."""
    page = tablet_page
    go_offline_and_start(page, tablet_context)
    page.get_by_test_id("next-step").click()
    for _group in GROUPS[1:]:
        page.get_by_test_id("next-step").click()
    expect(page.locator("#odometer")).to_be_visible()
    expect(page.locator("[data-testid^=doc-]")).to_have_count(0)
    yesterday = (tablet_today() - timedelta(days=1)).isoformat()
    add_we_owe(page, "贴膜", yesterday)
    expect(page.get_by_test_id("we-owe-date-error")).to_be_visible()
    expect(page.locator("#we-owe-date")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("we-owe")).to_have_count(0)
    expect(page.locator("#we-owe-text")).to_have_value("贴膜")  # nothing typed is lost
    save_screenshot(page, "handover-we-owe-past-date")
    page.locator("#we-owe-date").fill(tablet_today().isoformat())
    page.get_by_test_id("add-we-owe").click()
    expect(page.get_by_test_id("we-owe")).to_have_count(1)
    expect(page.get_by_test_id("we-owe-date-error")).to_be_hidden()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("viewport", [(800, 1280), (1024, 768)], ids=["portrait", "landscape"])
def test_the_group_tabs_name_their_groups(browser, live_server, language, viewport):
    """Each tab shows its letter, its name and its count, in the person's language, every tab a comfortable tap
    target, none cut off, at a portrait and a landscape tablet width."""
    width, height = viewport
    context = open_tablet_context(browser, live_server, {"width": width, "height": height})
    try:
        page = context.new_page()
        sign_in_tablet(page)
        choose_language(page, language)
        page.get_by_test_id("customers-entry").click()
        page.get_by_test_id("customer-row").nth(1).click()
        page.get_by_test_id("start-handover").click()
        page.get_by_test_id("vehicle-choice").nth(1).click()
        expect(page).to_have_url(re.compile(r"/check/A$"))
        names = {
            "zh_CN": {"A": "证件资料", "B": "钥匙及随车物品", "H": "交车讲解与确认"},
            "en": {"A": "Documents and certificates", "B": "Keys and loose items", "H": "Handover explanation"},
        }
        for code, name in names[language].items():
            expect(page.get_by_test_id(f"group-tab-{code}")).to_contain_text(name)
        answer(page, "A01", "ok")
        expect(page.get_by_test_id("group-tab-A")).to_contain_text("1/14")
        for code in GROUPS:
            tab = page.get_by_test_id(f"group-tab-{code}")
            box = tab.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (code, box)
            overflow = tab.evaluate("el => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight")
            assert not overflow, code
        save_screenshot(page, f"handover-tabs-{language}-{width}x{height}")
    finally:
        context.close()
        restore_chinese(live_server, "consultant")


def test_a_handover_started_before_the_change_keeps_its_documents_list_and_seals(
    tablet_page, tablet_context, live_server
):
    """A delivery drafted by a tablet of the old version (a `documents` list beside the checklist) and opened on
    this one: the review still shows that list, the seal signs it as it is, and the server takes the seal
    without a divergence."""
    from .test_handover_office import old_shape_draft

    delivery_id = old_shape_draft(live_server, ["invoice", "certificate", "warranty"])
    page = tablet_page
    sign_in_tablet(page)
    page.goto(f"/tablet/#/handover/{delivery_id}/review")
    expect(page.get_by_test_id("review-documents")).to_contain_text("机动车销售统一发票")
    expect(page.get_by_test_id("review-documents").locator("li")).to_have_count(3)
    page.get_by_test_id("consent").check()
    for pad in ("pad-customer", "pad-consultant"):
        page.get_by_test_id(pad).scroll_into_view_if_needed()
        draw_signature(page, pad)
    page.get_by_test_id("seal").click()
    expect(page.get_by_test_id("sealed")).to_be_visible()
    deadline = time.monotonic() + 30
    while page.get_by_test_id("document-state").get_attribute("data-state") == "signed":
        assert time.monotonic() < deadline, "the sign never reached the server"
        sync_now(page)
        time.sleep(0.5)
    pulled = live_server.pull_all("manager")
    document = next(v for k, v in pulled.items() if k.startswith("document/") and v["record_id"] == delivery_id)
    assert not document["divergent"] and pulled[f"delivery/{delivery_id}"]["documents"] == [
        "invoice",
        "certificate",
        "warranty",
    ]
