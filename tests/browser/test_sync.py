"""The tablet's sync engine against the real server, in real Chromium: two tablets editing the same customer
offline converge field by field and the overwritten value stays visible as a conflict; a rejected mutation is
shown with its reason without blocking the queue; the first sync pulls page by page with a progress bar; an
unknown cookie's `clear` keeps unsent changes; blobs upload; a revoked token keeps the outbox.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, sign_in_tablet, sync_now

pytestmark = pytest.mark.browser

SESSION = "async () => (await import('/static/js/core/db.js')).getSession()"


def with_db(page, body: str, arg=None):
    """Run `body` in the page with `db` (web/js/core/db.js, the module instance the app uses), `userDb` (this user's
    database) and `arg`; returns what `body` returns."""
    return page.evaluate(
        f"async (arg) => {{ const db = await import('/static/js/core/db.js'); "
        f"const session = await db.getSession(); "
        f"const userDb = await db.openUserDb(session.store.code, session.user.id); {body} }}",
        arg,
    )


def text(live_server, source: str, language: str = "zh_CN", **params) -> str:
    """What t(source, params) shows."""
    shown = live_server.catalogue(language).get(source) or source
    for name, value in params.items():
        shown = shown.replace(f"%({name})s", str(value))
    return shown


def server_record(live_server, key: str) -> dict | None:
    return live_server.pull_all("manager").get(key)


def create_customer(page, name: str, phone: str) -> str:
    """Create a customer through the tablet's form; returns its id."""
    page.goto("/tablet/#/customers/new")
    page.locator("#customer-name").fill(name)
    page.locator("#customer-phone").fill(phone)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("customer-name")).to_have_text(name)
    return page.url.rsplit("/", 1)[1]


def edit_customer(page, customer_id: str, *, phone=None, notes=None, grade=None) -> None:
    page.goto(f"/tablet/#/customers/{customer_id}/edit")
    if phone is not None:
        page.locator("#customer-phone").fill(phone)
    if notes is not None:
        page.locator("#customer-notes").fill(notes)
    if grade is not None:
        page.locator(f"#grade-picker [data-grade={grade}]").click()
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"#/customers/{customer_id}$"))


def test_two_tablets_converge_and_the_conflict_stays_visible(new_tablet, office_page, live_server, screenshot):
    """Two consultants' tablets edit customer X offline: A the phone and notes, B the phone (another value) and
    the grade. A syncs first, then B. Both converge on the server's values — phone = B's (the later arrival wins),
    notes = A's, grade = B's — and the phone A wrote is kept as an open conflict: shown in the needs-a-person
    panel of both tablets and on the customer's screen, pulled as a conflict/<id> record, and listed on the
    office conflicts page."""
    context_a, a = new_tablet()
    context_b, b = new_tablet()
    sign_in_tablet(a, "consultant")
    sign_in_tablet(b, "consultant2")
    name = f"冲突客户{uuid.uuid4().hex[:4]}"
    customer_id = create_customer(a, name, "13600000000")
    expect(a.locator("#badge")).to_have_attribute("data-pending", "0")
    sync_now(b)
    b.goto(f"/tablet/#/customers/{customer_id}")
    expect(b.get_by_test_id("customer-phone")).to_have_text("13600000000")

    context_a.set_offline(True)
    context_b.set_offline(True)
    edit_customer(a, customer_id, phone="13611111111", notes="A: 周六上午来试驾")
    edit_customer(b, customer_id, phone="13622222222", grade="A")
    expect(a.locator("#badge")).to_have_attribute("data-pending", "1")
    expect(b.locator("#badge")).to_have_attribute("data-pending", "2")  # the customer, and its grade change kept
    expect(b.get_by_test_id("customer-phone")).to_have_text("13622222222")  # optimistic, from the outbox

    context_a.set_offline(False)
    expect(a.locator("#badge")).to_have_attribute("data-pending", "0")
    assert server_record(live_server, f"customer/{customer_id}")["phone"] == "13611111111"
    context_b.set_offline(False)
    expect(b.locator("#badge")).to_have_attribute("data-pending", "0")
    sync_now(a)

    server = server_record(live_server, f"customer/{customer_id}")
    assert (server["phone"], server["notes"], server["grade"]) == ("13622222222", "A: 周六上午来试驾", "A")
    changes = [
        v
        for k, v in live_server.pull_all("manager").items()
        if k.startswith("grade_change/") and v["customer_id"] == customer_id
    ]
    assert [c["to_grade"] for c in changes] == ["A"]  # B's grade change arrived as a record of its own
    for page in (a, b):
        page.goto(f"/tablet/#/customers/{customer_id}")
        expect(page.get_by_test_id("customer-phone")).to_have_text("13622222222")
        expect(page.get_by_test_id("customer-notes")).to_have_text("A: 周六上午来试驾")
        expect(page.get_by_test_id("customer-grade-label")).to_have_text(
            text(live_server, "Order likely within 15 days")
        )
        conflict = page.get_by_test_id("customer-conflict")
        expect(conflict).to_have_count(1)
        expect(conflict).to_contain_text("13611111111")  # the overwritten value, in full on the customer's screen
        expect(conflict).to_contain_text("13622222222")
        expect(page.get_by_test_id("badge-problems")).to_have_text("⚠ 1")
    screenshot(b, "tablet-customer-conflict")

    b.locator("#badge button").click()
    item = b.get_by_test_id("conflict")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(name)
    expect(item).to_contain_text("136****1111")  # masked in the panel, as in every list
    expect(item).to_contain_text("李明")
    expect(item).to_contain_text("赵磊")
    screenshot(b, "tablet-sync-panel-conflict")

    conflicts = [
        v
        for k, v in live_server.pull_all("manager").items()
        if k.startswith("conflict/") and v["record_id"] == customer_id
    ]
    assert [(c["field"], c["overwritten_value"], c["applied_value"], c["state"]) for c in conflicts] == [
        ("phone", "13611111111", "13622222222", "open")
    ]
    pulled = with_db(b, "return (await db.readRecords(userDb, 'conflict/')).map((c) => c.record_id);")
    assert customer_id in pulled

    office_page.goto("/login")
    office_page.locator("#username").fill("manager")
    office_page.locator("#password").fill(DEMO_PASSWORD)
    office_page.locator("button.primary[type=submit]").click()
    office_page.wait_for_url(re.compile(r"/office"))
    office_page.goto("/office/conflicts")
    [conflict_id] = [c["id"] for c in conflicts]
    article = office_page.locator(f"#conflict-{conflict_id}")
    expect(article).to_contain_text(name)
    expect(article.locator("tr.overwritten")).to_contain_text("13611111111")
    expect(article.locator("tr.overwritten")).to_contain_text("李明")
    expect(article.locator("tr.applied")).to_contain_text("13622222222")
    expect(article.locator("tr.applied")).to_contain_text("赵磊")


def test_a_rejected_mutation_is_shown_and_the_queue_goes_on(tablet_page, live_server, screenshot):
    """A mutation the server rejects (a phone that is no mainland mobile, queued through db.js's outbox API as a
    buggy screen would) leaves the outbox, shows in the panel with the server's reason and field error in the
    person's language, and does not block the change queued after it, which reaches the server."""
    page = tablet_page
    sign_in_tablet(page)
    bad_id, good_name = str(uuid.uuid4()), f"正常客户{uuid.uuid4().hex[:4]}"
    page.context.set_offline(True)
    with_db(
        page,
        "return db.enqueueMutation(userDb, 'put', {entity: 'customer', id: arg, "
        "set: {name: '坏号码客户', phone: '12345'}, base: {}});",
        bad_id,
    )
    good_id = create_customer(page, good_name, "13955556666")
    expect(page.locator("#badge")).to_have_attribute("data-pending", "2")
    ids = with_db(page, "return (await db.readOutbox(userDb)).map((m) => m.id);")
    assert ids == [ids[0], ids[0] + 1]  # one client, ids in sequence

    page.context.set_offline(False)
    expect(page.locator("#badge")).to_have_attribute("data-pending", "0")
    expect(page.get_by_test_id("badge-problems")).to_have_text("⚠ 1")
    records = live_server.pull_all("manager")
    assert records[f"customer/{good_id}"]["name"] == good_name
    assert f"customer/{bad_id}" not in records

    # What the server says of such a change to this user (in their language), asked as another client would.
    token = page.evaluate(SESSION)["token"]
    probe = {
        "clientID": str(uuid.uuid4()),
        "id": 1,
        "name": "put",
        "args": {"entity": "customer", "id": str(uuid.uuid4()), "set": {"name": "探针", "phone": "12345"}},
    }
    _status, answer = live_server.api(
        "POST", "/api/sync/v1/push", token=token, body={"clientGroupID": str(uuid.uuid4()), "mutations": [probe]}
    )
    error = answer["results"][0]["error"]

    page.locator("#badge button").click()
    rejection = page.get_by_test_id("rejection")
    expect(rejection).to_have_count(1)
    expect(rejection).to_contain_text(error["message"])
    expect(rejection).to_contain_text(error["errors"]["phone"][0])
    expect(rejection).to_contain_text("坏号码客户")
    screenshot(page, "tablet-sync-panel-rejection")
    page.keyboard.press("Escape")
    page.goto("/tablet/#/customers")
    expect(page.get_by_test_id("customer-row").filter(has_text="坏号码客户")).to_have_count(0)  # rebased away

    page.locator("#badge button").click()
    rejection.get_by_role("button").click()
    expect(rejection).to_have_count(0)
    expect(page.get_by_test_id("no-problems")).to_be_visible()
    expect(page.get_by_test_id("badge-problems")).to_have_count(0)


def test_first_sync_pulls_page_by_page_with_progress(tablet_page, live_server, screenshot):
    """A first sync (cookie null) pulls until hasMore is false, one IndexedDB transaction per page with its cookie,
    and shows a progress bar with the count received; at the end the tablet holds exactly the server's records."""
    page = tablet_page
    sign_in_tablet(page)
    page.evaluate(
        """async () => {
          const status = await import('/static/js/core/status.js');
          window.__progress = [];
          status.onStatus((s) => { if (s.progress) window.__progress.push(s.progress); });
        }"""
    )
    held = []

    def hold_third_page(route):
        if len(held) == 2:
            held.append(route)  # answered below, after the screenshot
        else:
            held.append(None)
            route.continue_()

    page.context.route("**/api/sync/v1/pull", hold_third_page)
    mark = live_server.quiet_mark()
    page.evaluate("() => { window.__run = window.showroomSync.now({restart: true, pageSize: 10}); }")
    expect(page.get_by_test_id("progress-text")).to_have_text(
        text(live_server, "Downloading records: %(count)s received, more to come", count=20)
    )
    expect(page.locator("#sync-progress [role=progressbar]")).to_be_visible()
    screenshot(page, "tablet-first-sync-progress")
    held[2].continue_()
    run = page.evaluate("() => window.__run")
    page.context.unroute("**/api/sync/v1/pull")
    pulls = [line for line in live_server.requests_since(mark) if line.startswith("POST /api/sync/v1/pull")]
    expected = {k for k in live_server.pull_all("consultant") if not k.startswith("rejection/")}
    assert run["ok"] and run["first"]
    assert run["pages"] == len(pulls) >= len(expected) // 10
    assert run["received"] >= len(expected)
    progress = page.evaluate("() => window.__progress")
    received = [p["received"] for p in progress]
    assert received == sorted(received) and received[-1] == run["received"]
    assert [p["hasMore"] for p in progress][-1] is False
    assert progress[0]["hasMore"] is True
    held = set(with_db(page, "return (await userDb.getAllKeys('records'));"))
    assert {k for k in held if not k.startswith("rejection/")} == expected
    expect(page.locator("#sync-progress")).to_be_hidden()


def test_a_reset_keeps_unsent_changes_on_top(tablet_context, tablet_page, live_server):
    """An unknown cookie makes the server send `clear` and the full state: the server's truth is replaced, the
    outbox is kept, and the pending change still shows on top of the new state."""
    page = tablet_page
    sign_in_tablet(page)
    # A change that stays in the outbox through the sync (its client id is not a UUID, so it is never sent).
    with_db(
        page,
        "await userDb.put('outbox', {clientID: 'stuck', id: 1, name: 'put', args: {entity: 'customer', id: arg, "
        "set: {name: '待发送客户', grade: 'H'}, base: {}}}); await db.setMeta(userDb, 'cookie', 'not-a-cookie');",
        str(uuid.uuid4()),
    )
    run = page.evaluate("() => window.showroomSync.now()")
    assert run["ok"] and run["received"] > 30
    page.goto("/tablet/#/customers")
    row = page.get_by_test_id("customer-row").filter(has_text="待发送客户")
    expect(row.get_by_test_id("pending-tag")).to_have_text(text(live_server, "%(count)s pending", count=1))
    assert with_db(page, "return userDb.count('outbox');") == 1
    assert page.get_by_test_id("customer-row").count() >= 31


def test_blobs_upload_before_the_push(tablet_page, live_server):
    """A blob kept in IndexedDB (content-addressed by SHA-256) is uploaded with its Content-Type on the next sync
    and marked uploaded; the server then holds exactly those bytes for this store."""
    page = tablet_page
    sign_in_tablet(page)
    sha = with_db(
        page,
        """const bytes = new TextEncoder().encode('%PDF-1.4 test ' + arg);
           const digest = await crypto.subtle.digest('SHA-256', bytes);
           const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
           await db.saveBlob(userDb, {sha256, type: 'application/pdf', blob: new Blob([bytes])});
           return sha256;""",
        uuid.uuid4().hex,
    )
    token = page.evaluate(SESSION)["token"]
    assert live_server.api("HEAD", f"/api/sync/v1/blobs/{sha}", token=token)[0] == 404
    mark = live_server.quiet_mark()
    assert sync_now(page)["ok"]
    lines = live_server.requests_since(mark)
    assert lines.index(f"PUT /api/sync/v1/blobs/{sha} HTTP/1.1") < lines.index("POST /api/sync/v1/pull HTTP/1.1")
    assert live_server.api("HEAD", f"/api/sync/v1/blobs/{sha}", token=token)[0] == 200
    assert with_db(page, "return (await db.getBlob(userDb, arg)).uploaded;", sha) is True


def test_revoked_token_keeps_the_outbox_and_asks_to_sign_in_again(tablet_context, tablet_page, live_server):
    """A 401 on push stops the sync, says "sign in again", and keeps every unsent change (sign-out stays refused)."""
    page = tablet_page
    sign_in_tablet(page)
    tablet_context.set_offline(True)
    create_customer(page, f"未发送{uuid.uuid4().hex[:4]}", "")
    token = page.evaluate(SESSION)["token"]
    assert live_server.api("DELETE", "/api/auth/token", token=token)[0] == 204
    tablet_context.set_offline(False)
    expect(page.locator("#badge")).to_have_class("badge badge-alert")
    expect(page.locator("#badge")).to_contain_text(text(live_server, "Sign in again"))
    expect(page.locator("#badge")).to_have_attribute("data-pending", "1")
    assert with_db(page, "return userDb.count('outbox');") == 1
    time.sleep(0.2)
    assert page.evaluate(SESSION)["revoked"] is True


def test_a_busy_server_is_retried_with_backoff_and_nothing_is_lost(tablet_context, tablet_page, live_server):
    """While the server answers pushes with 503 (Retry-After), the change stays in the outbox and the panel says
    the server is busy; the loop retries on its own and the change arrives once the server is back."""
    page = tablet_page
    sign_in_tablet(page)
    refused = []

    def busy(route):
        refused.append(route.request.url)
        route.fulfill(
            status=503,
            headers={"Retry-After": "1"},
            content_type="application/json",
            body='{"code": "unavailable", "message": "busy", "errors": {}}',
        )

    tablet_context.route("**/api/sync/v1/push", busy)
    name = f"重试客户{uuid.uuid4().hex[:4]}"
    customer_id = create_customer(page, name, "13877778888")
    page.locator("#badge button").click()
    expect(page.get_by_test_id("sync-error")).to_have_text(
        text(live_server, "The server is busy. Your changes are safe on this tablet; retrying shortly.")
    )
    expect(page.get_by_test_id("panel-pending")).to_have_text("1")
    assert refused
    tablet_context.unroute("**/api/sync/v1/push")
    expect(page.get_by_test_id("panel-pending")).to_have_text("0", timeout=15_000)  # the retry timer, no event
    expect(page.get_by_test_id("sync-error")).to_have_count(0)
    assert server_record(live_server, f"customer/{customer_id}")["name"] == name


def test_an_outbox_from_the_previous_database_version_survives_the_upgrade(tablet_page, live_server):
    """A tablet that still has a version-1 database with an unsent mutation upgrades additively (new stores, nothing
    dropped) when the new app opens it, and the old mutation is sent like any other."""
    page = tablet_page
    me = live_server.sign_in("consultant")
    name = f"升级前客户{uuid.uuid4().hex[:4]}"
    mutation = {
        "clientID": str(uuid.uuid4()),
        "id": 1,
        "name": "put",
        "args": {"entity": "customer", "id": str(uuid.uuid4()), "set": {"name": name}, "base": {}},
        "deviceTime": "2026-11-28T09:00:00.000+08:00",
    }
    page.goto("/tablet/")
    page.locator("body.ready").wait_for(state="attached")
    page.evaluate(
        """([name, mutation]) => new Promise((resolve, reject) => {
          const open = indexedDB.open(name, 1);
          open.onupgradeneeded = () => {
            const db = open.result;  // exactly version 1 of db.js
            db.createObjectStore('records', { keyPath: 'key' });
            db.createObjectStore('outbox', { keyPath: ['clientID', 'id'] });
            db.createObjectStore('blobs', { keyPath: 'sha256' });
            db.createObjectStore('meta', { keyPath: 'key' });
            open.transaction.objectStore('outbox').put(mutation);
          };
          open.onsuccess = () => { open.result.close(); resolve(); };
          open.onerror = () => reject(open.error);
        })""",
        [f"showroom-{me['store']['code']}-{me['user']['id']}", mutation],
    )
    sign_in_tablet(page)
    expect(page.locator("#badge")).to_have_attribute("data-pending", "0")
    stores = with_db(page, "return [userDb.version, [...userDb.objectStoreNames]];")
    assert stores == [3, ["acked", "blobs", "drafts", "meta", "outbox", "records", "rejections"]]
    assert server_record(live_server, f"customer/{mutation['args']['id']}")["name"] == name
