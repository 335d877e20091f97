"""Customer screens on the tablet, offline first: create offline and sync exactly once, field errors with the
server's rules, search by name and phone, and the tablet's rules equal to the schema the server publishes.

Expected texts come from the catalogues the server serves (falling back to the English source, as i18n.js
does), so these tests hold whether or not a string has been translated yet.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import READ_SESSION, sign_in_tablet, sync_now

pytestmark = pytest.mark.browser


# Read through db.js itself (the same module instance the app uses).
OUTBOX = """async () => {
  const db = await import('/static/js/core/db.js');
  const session = await db.getSession();
  const userDb = await db.openUserDb(session.store.code, session.user.id);
  return { outbox: await db.readOutbox(userDb), identity: await db.syncIdentity(userDb) };
}"""


def text(live_server, source: str, language: str = "zh_CN", **params) -> str:
    """What t(source, params) shows."""
    shown = live_server.catalogue(language).get(source) or source
    for name, value in params.items():
        shown = shown.replace(f"%({name})s", str(value))
    return shown


def customers_named(live_server, name: str) -> list[dict]:
    """The server's customers called `name`, pulled as a fresh tablet of the store."""
    return [v for k, v in live_server.pull_all("manager").items() if k.startswith("customer/") and v["name"] == name]


def fill_customer(page, name: str, phone: str, grade: str | None = None, source: str | None = None, notes=None):
    page.locator("#customer-name").fill(name)
    page.locator("#customer-phone").fill(phone)
    if grade:
        page.locator(f"#grade-picker [data-grade={grade}]").click()
    if source:
        page.locator("#customer-source").select_option(source)
    if notes is not None:
        page.locator("#customer-notes").fill(notes)


def test_consultant_creates_a_customer_offline_and_it_syncs_exactly_once(
    tablet_context, tablet_page, live_server, screenshot
):
    """Offline, a new customer is saved to IndexedDB at once: the list shows it (phone masked) with "1 pending",
    it survives an offline reload, the unsent change can be exported as a file, and back online the badge goes
    to 0 pending and the server holds exactly one such customer — resending the exported mutation is a duplicate."""
    page = tablet_page
    sign_in_tablet(page)
    session = page.evaluate(READ_SESSION)
    tablet_context.set_offline(True)
    expect(page.locator("#badge")).to_have_attribute("data-state", "offline")

    page.get_by_test_id("customers-entry").click()
    expect(page).to_have_url(re.compile(r"#/customers$"))
    page.get_by_test_id("new-customer").click()
    name = f"离线客户{uuid.uuid4().hex[:4]}"
    fill_customer(page, name, "139 0000-1111", grade="H", source="auto_show", notes="想看启程 L7，周末再来")
    screenshot(page, "tablet-customer-new")
    page.locator("form button[type=submit]").click()

    expect(page.get_by_test_id("customer-name")).to_have_text(name)
    expect(page.get_by_test_id("customer-phone")).to_have_text("13900001111")  # full number on its own screen
    expect(page.get_by_test_id("pending-tag")).to_have_text(text(live_server, "%(count)s pending", count=1))
    expect(page.locator("#badge")).to_have_attribute("data-pending", "1")
    screenshot(page, "tablet-customer-offline")

    page.locator(".screen-head .back").click()
    row = page.get_by_test_id("customer-row").filter(has_text=name)
    expect(row).to_contain_text("139****1111")
    expect(row).not_to_contain_text("13900001111")
    expect(row.get_by_test_id("pending-tag")).to_have_text(text(live_server, "%(count)s pending", count=1))
    screenshot(page, "tablet-customer-list-offline")

    page.reload()  # offline: the shell from the service worker, the customer from IndexedDB
    row = page.get_by_test_id("customer-row").filter(has_text=name)
    expect(row.get_by_test_id("pending-tag")).to_have_text(text(live_server, "%(count)s pending", count=1))
    expect(page.locator("#badge")).to_have_attribute("data-pending", "1")

    page.locator("#badge button").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-unsent").click()
    exported = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert exported["format"] == "showroom-unsent-changes"
    assert [m["args"]["set"]["name"] for m in exported["mutations"]] == [name]
    mutation = exported["mutations"][0]
    assert mutation["id"] == 1 and mutation["name"] == "put"
    assert mutation["args"]["set"]["phone"] == "13900001111"  # normalised like the server does
    assert set(mutation["args"]["base"].values()) == {0}
    page.keyboard.press("Escape")
    assert customers_named(live_server, name) == []

    tablet_context.set_offline(False)  # the `online` event starts a sync
    expect(page.locator("#badge")).to_have_attribute("data-pending", "0")
    expect(row.get_by_test_id("pending-tag")).to_have_count(0)
    [stored] = customers_named(live_server, name)
    assert stored["id"] == mutation["args"]["id"]
    assert (stored["phone"], stored["grade"], stored["source"]) == ("13900001111", "H", "auto_show")
    assert stored["owner_id"] == session["user"]["id"]
    assert stored["notes"] == "想看启程 L7，周末再来"

    # Exactly once: a second sync, and the very same mutation pushed again by hand, change nothing.
    sync_now(page)
    status, body = live_server.api(
        "POST",
        "/api/sync/v1/push",
        {"clientGroupID": exported["clientGroupID"], "schemaVersion": 1, "mutations": [mutation]},
        token=session["token"],
    )
    assert status == 200 and body["results"][0]["outcome"] == "duplicate"
    assert len(customers_named(live_server, name)) == 1
    assert page.evaluate(OUTBOX)["outbox"] == []


def test_bad_input_shows_field_errors_and_queues_nothing(tablet_page, live_server, screenshot):
    """An empty name, a phone that is not a mainland mobile and a too-long name are refused on the tablet with the
    server's own messages under each field; nothing is saved and nothing is queued."""
    page = tablet_page
    sign_in_tablet(page)
    page.goto("/tablet/#/customers/new")
    fill_customer(page, "   ", "12345")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#name-error")).to_have_text(text(live_server, "This field is required."))
    expect(page.locator("#phone-error")).to_have_text(
        text(live_server, "Enter an 11-digit mainland mobile number, e.g. 13800138000.")
    )
    expect(page.locator("#customer-name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#customer-name")).to_be_focused()
    expect(page.locator(".form-error")).to_have_text(text(live_server, "Please correct the fields marked in red."))
    screenshot(page, "tablet-customer-errors")

    fill_customer(page, "长" * 81, "+86 138 0013 8000")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#name-error")).to_have_text(text(live_server, "At most %(max)s characters.", max=80))
    expect(page.locator("#phone-error")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"#/customers/new$"))
    assert page.evaluate(OUTBOX)["outbox"] == []
    expect(page.locator("#badge")).to_have_attribute("data-pending", "0")


def test_search_by_name_and_by_phone(tablet_page, live_server, screenshot):
    """The list filters as one types: by part of a name, or by digits of the phone (spaces allowed), over the
    view in IndexedDB (no request); the list masks phones."""
    page = tablet_page
    sign_in_tablet(page)
    tag = uuid.uuid4().hex[:4]
    for name, phone in ((f"搜索{tag}甲", "13712345678"), (f"搜索{tag}乙", "15887654321")):
        page.goto("/tablet/#/customers/new")
        fill_customer(page, name, phone)
        page.locator("form button[type=submit]").click()
        expect(page.get_by_test_id("customer-name")).to_have_text(name)

    page.goto("/tablet/#/customers")
    rows = page.get_by_test_id("customer-row")
    search = page.locator("#customer-search")
    mark = live_server.quiet_mark()
    search.fill(f"搜索{tag}")
    expect(rows).to_have_count(2)
    search.fill(f"{tag}乙")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("158****4321")
    search.fill("137 1234 5678")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"搜索{tag}甲")
    search.fill("87654")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"搜索{tag}乙")
    expect(page.get_by_test_id("customer-count")).to_contain_text("1")
    screenshot(page, "tablet-customer-search")
    search.fill("没有这个人" + tag)
    expect(rows).to_have_count(0)
    expect(page.locator(".customer-list .empty")).to_have_text(text(live_server, "No customers match."))
    assert not [line for line in live_server.requests_since(mark) if "/api/" in line and "/sync/" not in line]

    search.fill(f"搜索{tag}甲")
    rows.first.click()
    expect(page.get_by_test_id("customer-phone")).to_have_text("13712345678")
    page.locator(".screen-head .back").click()
    expect(search).to_have_value(f"搜索{tag}甲")  # the search is kept when coming back


def test_tablet_rules_equal_the_published_schema(tablet_page, live_server):
    """The tablet validates customers with exactly the JSON Schema the server publishes at /api/sync/v1/schema
    (lengths, mobile pattern, grade and source codes), so the two can never disagree."""
    page = tablet_page
    sign_in_tablet(page)
    token = page.evaluate(READ_SESSION)["token"]
    status, published = live_server.api("GET", "/api/sync/v1/schema", token=token)
    assert status == 200
    tablet = page.evaluate("async () => (await import('/static/js/customers/rules.js')).CUSTOMER_SCHEMA")
    assert tablet == published["entities"]["customer"]["jsonSchema"]
    verdicts = page.evaluate(
        """async () => {
          const rules = await import('/static/js/customers/rules.js');
          const check = (values) => Object.keys(rules.validateCustomer(rules.cleanCustomer(values)));
          return [check({name: '张三', phone: '+86 139-0000-1111', grade: 'H', source: 'referral'}),
                  check({name: '张三', phone: '10000000000'}), check({name: '张三', grade: 'F'}),
                  check({name: '张三', source: 'tv'}), check({name: '张三', notes: 'x'.repeat(2001)}),
                  check({name: ' '}), check({phone: ''})];
        }"""
    )
    assert verdicts == [[], ["phone"], ["grade"], ["source"], ["notes"], ["name"], ["name"]]


#: In-page: the visible buttons, links and fields whose box meets the toast's box.
UNDER_THE_TOAST = """() => {
  const toast = document.getElementById('toast').getBoundingClientRect();
  const meets = (r) => r.width > 0 && r.height > 0 && r.left < toast.right && r.right > toast.left
    && r.top < toast.bottom && r.bottom > toast.top;
  return [...document.querySelectorAll('button, a[href], input, select, textarea, [role=button]')]
    .filter((el) => el.id !== 'toast' && !el.closest('#toast') && meets(el.getBoundingClientRect()))
    .map((el) => el.outerHTML.slice(0, 80));
}"""


@pytest.mark.parametrize("viewport", [{"width": 800, "height": 1280}, {"width": 1280, "height": 800}])
def test_the_saved_toast_covers_no_button(tablet_page, live_server, screenshot, viewport):
    """ "Saved on this tablet" shows after a save, in portrait and landscape, and no button, link or field lies
    under it (it used to float over the primary button at the bottom of the screen)."""
    page = tablet_page
    page.set_viewport_size(viewport)
    sign_in_tablet(page)
    page.get_by_test_id("customers-entry").click()
    page.get_by_test_id("new-customer").click()
    fill_customer(page, f"吐司客户{uuid.uuid4().hex[:4]}", "139 0000-2222", grade="A")
    page.locator("form button[type=submit]").click()
    toast = page.locator("#toast")
    expect(toast).to_have_text(text(live_server, "Saved on this tablet"))
    expect(toast).to_be_visible()
    assert page.evaluate(UNDER_THE_TOAST) == []
    screenshot(page, f"tablet-toast-{viewport['width']}")
