"""The tablet PWA shell in a real Chromium: sign-in, the home, offline from the service worker's cache, language,
sign-out, a token revoked on the server, and user-controlled updates.

Expected texts are read from the catalogues the server serves (/i18n/<lang>.json), falling back to the English
source exactly as web/js/core/i18n.js does, so these tests check what a person sees whether or not a string has been
translated yet.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, READ_SESSION, ROOT

pytestmark = pytest.mark.browser

SW_READY = "() => navigator.serviceWorker.controller !== null"


ADD_TO_OUTBOX = """(name) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').put({clientID: 'test-client', id: 1, name: 'put',
                                  args: {entity: 'customer', id: 'x', set: {name: '王芳'}, base: {}}});
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def text(live_server, language: str, source: str) -> str:
    """What t(source) shows in `language`."""
    return live_server.catalogue(language).get(source) or source


def open_tablet(page) -> None:
    """Open the shell and wait until app.js has drawn its first screen (catalogue loaded, session read)."""
    page.goto("/tablet/")
    expect(page.locator("body.ready")).to_be_attached()


def sign_in(page, username: str = "consultant", password: str = DEMO_PASSWORD) -> None:
    open_tablet(page)
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#greeting")).to_be_visible()


def wait_until(condition, timeout: float = 10.0):
    """Poll `condition()` until it returns something truthy; the server side has no events to wait on."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_consultant_signs_in_and_sees_home(tablet_page, live_server, screenshot):
    """A consultant signs in on a fresh tablet and the home shows their name, role, store, and an online badge."""
    page = tablet_page
    sign_in(page)
    expect(page.locator("#greeting")).to_contain_text("李明")
    expect(page.get_by_test_id("role")).to_have_text(text(live_server, "zh_CN", "Sales consultant"))
    expect(page.get_by_test_id("store")).to_contain_text("示例4S店")
    expect(page.get_by_test_id("store")).to_contain_text("DEMO")
    expect(page.locator("#store")).to_have_text("示例4S店 · DEMO")
    expect(page.locator("#badge")).to_have_attribute("data-state", "online")
    expect(page.locator("#badge")).to_contain_text(text(live_server, "zh_CN", "Online"))
    expect(page.get_by_test_id("pending")).to_have_text("0")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.url.endswith("/tablet/#/home")
    screenshot(page, "tablet-home")


def test_home_opens_offline_from_the_service_worker_cache(tablet_context, tablet_page, live_server, screenshot):
    """After the first visit the shell is precached: offline, a reload draws the home from cache and IndexedDB
    (user, store, an amber offline badge) without a single request reaching the server."""
    page = tablet_page
    sign_in(page)
    expect(page.locator("#toast")).to_have_text(text(live_server, "zh_CN", "Ready to work offline"))
    page.wait_for_function(SW_READY)
    page.wait_for_load_state("networkidle")

    tablet_context.set_offline(True)
    mark = live_server.quiet_mark()  # what was already on its way is not what the offline reload asked for
    page.reload()
    expect(page.locator("#greeting")).to_contain_text("李明")
    expect(page.get_by_test_id("store")).to_contain_text("示例4S店")
    badge = page.locator("#badge")
    expect(badge).to_have_attribute("data-state", "offline")
    expect(badge).to_have_class("badge badge-offline")
    expect(badge).to_contain_text(text(live_server, "zh_CN", "Offline"))
    assert page.title() == text(live_server, "zh_CN", "Showroom")  # our shell, not Chromium's error page
    assert page.locator("#main-frame-error").count() == 0
    assert page.evaluate(SW_READY)
    time.sleep(0.3)  # let any stray request land in the server log before we look
    # Chromium's own update check of the service worker script is made by the browser process, which
    # Playwright's offline emulation does not cover; on a really offline tablet it just fails. Anything else —
    # the shell, its modules, translations, the API — must not have reached the server.
    assert [line for line in live_server.requests_since(mark) if line != "GET /sw.js HTTP/1.1"] == []
    screenshot(page, "tablet-offline")

    tablet_context.set_offline(False)
    expect(badge).to_have_attribute("data-state", "online")


def test_office_page_offline_falls_back_to_the_offline_page(tablet_context, tablet_page, live_server, screenshot):
    """An office URL opened without a network shows the precached bilingual /offline page with a way back."""
    page = tablet_page
    open_tablet(page)
    page.wait_for_function(SW_READY)
    tablet_context.set_offline(True)
    page.goto("/login")
    expect(page.locator("h1")).to_contain_text("离线")
    expect(page.locator("h1")).to_contain_text("Offline")
    screenshot(page, "offline-page")
    page.locator("a.button").click()
    expect(page.locator("#username")).to_be_visible()


def test_language_switch_sticks_offline_and_reaches_the_server(tablet_context, tablet_page, live_server, screenshot):
    """Switching to English redraws the tablet at once, survives an offline reload, and the server remembers it;
    a switch made offline is sent when the tablet is back online."""
    page = tablet_page
    sign_in(page, "consultant2")
    page.wait_for_function(SW_READY)
    sign_out = page.locator(".button.danger")
    expect(sign_out).to_have_text(text(live_server, "zh_CN", "Sign out"))

    page.locator("[data-language=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sign_out).to_have_text(text(live_server, "en", "Sign out"))
    expect(page.get_by_test_id("role")).to_have_text(text(live_server, "en", "Sales consultant"))
    expect(page.locator("[data-language=en]")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "tablet-home-en")
    assert wait_until(lambda: live_server.sign_in("consultant2")["user"]["language"] == "en")

    tablet_context.set_offline(True)
    page.reload()
    expect(page.locator("#badge")).to_have_attribute("data-state", "offline")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#badge .badge-state")).to_have_text(text(live_server, "en", "Offline"))
    expect(sign_out).to_have_text(text(live_server, "en", "Sign out"))

    page.locator("[data-language=zh_CN]").click()  # offline: remembered locally, sent later
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert live_server.sign_in("consultant2")["user"]["language"] == "en"
    tablet_context.set_offline(False)
    assert wait_until(lambda: live_server.sign_in("consultant2")["user"]["language"] == "zh_CN")


def test_sign_in_errors_are_shown(tablet_page, live_server, screenshot):
    """A wrong password says so; empty fields get the server's message under each field; nobody is signed in."""
    page = tablet_page
    open_tablet(page)
    page.locator("#username").fill("consultant")
    page.locator("#password").fill("not-the-password")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".form-error")).to_have_text(text(live_server, "zh_CN", "Wrong username or password."))

    _status, body = live_server.api("POST", "/api/auth/token", {})
    page.locator("#username").fill("")
    page.locator("#password").fill("")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#username-error")).to_have_text(body["errors"]["username"][0])
    expect(page.locator("#password-error")).to_have_text(body["errors"]["password"][0])
    expect(page.locator("#username")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-error")).to_be_hidden()
    screenshot(page, "tablet-sign-in-errors")
    assert page.evaluate(READ_SESSION) is None


def test_first_sign_in_offline_explains_it_needs_a_network(tablet_context, tablet_page, live_server):
    """Offline, the sign-in screen says that the first sign-in needs a network instead of failing silently."""
    page = tablet_page
    open_tablet(page)
    tablet_context.set_offline(True)
    page.locator("#username").fill("consultant")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".form-error")).to_have_text(
        text(live_server, "zh_CN", "You are offline. The first sign-in on this tablet needs a network connection.")
    )
    expect(page.locator("#badge")).to_have_attribute("data-state", "offline")


def test_sign_out_revokes_the_token_and_returns_to_sign_in(tablet_page, live_server):
    """Sign-out (online) revokes the token on the server, forgets the session, and shows the sign-in screen."""
    page = tablet_page
    sign_in(page)
    token = page.evaluate(READ_SESSION)["token"]
    assert live_server.api("GET", "/api/me", token=token)[0] == 200

    page.locator(".button.danger").click()
    expect(page.locator("#username")).to_have_value("consultant")
    expect(page.locator("#password")).to_be_focused()
    assert page.url.endswith("/tablet/#/sign-in")
    assert page.evaluate(READ_SESSION) is None
    assert live_server.api("GET", "/api/me", token=token)[0] == 401


def test_sign_out_is_refused_while_changes_are_pending(tablet_page, live_server):
    """With a mutation waiting in the outbox, sign-out refuses and says why; the session stays."""
    page = tablet_page
    sign_in(page)
    session = page.evaluate(READ_SESSION)
    page.evaluate(ADD_TO_OUTBOX, f"showroom-{session['store']['code']}-{session['user']['id']}")

    page.locator(".button.danger").click()
    expect(page.locator(".card .form-error")).to_have_text(
        text(
            live_server,
            "zh_CN",
            "Changes are waiting to be sent. Connect to the network and let them sync before signing out.",
        )
    )
    expect(page.get_by_test_id("pending")).to_have_text("1")
    expect(page.locator("#greeting")).to_be_visible()
    assert page.evaluate(READ_SESSION)["token"] == session["token"]


def test_token_revoked_on_the_server_asks_to_sign_in_again(tablet_page, live_server):
    """When the server no longer accepts the token, the home says so and keeps the local data on screen."""
    page = tablet_page
    sign_in(page)
    token = page.evaluate(READ_SESSION)["token"]
    assert live_server.api("DELETE", "/api/auth/token", token=token)[0] == 204

    page.reload()
    alert = page.locator(".card.alert")
    expect(alert).to_contain_text(text(live_server, "zh_CN", "Signed out on the server — sign in again"))
    expect(page.locator("#greeting")).to_contain_text("李明")
    expect(page.locator("#badge")).to_have_class("badge badge-alert")
    alert.locator("button").click()
    expect(page.locator("#username")).to_have_value("consultant")


def test_office_role_is_sent_to_the_office_pages(tablet_page, live_server, screenshot):
    """A manager signing in on the tablet is told their work is in the office, with a link there."""
    page = tablet_page
    sign_in(page, "manager")
    notice = page.locator(".card.notice")
    expect(notice).to_contain_text(text(live_server, "zh_CN", "Your work is in the office pages"))
    expect(notice.locator("a")).to_have_attribute("href", "/")
    screenshot(page, "tablet-office-role")


def test_update_waits_for_the_person(tablet_page, live_server, screenshot):
    """A new sw.js installs and waits: the page shows "Update available" and does not reload by itself; only
    "Reload" activates it, reloads once, and the old version's cache is gone."""
    page = tablet_page
    open_tablet(page)
    page.wait_for_function(SW_READY)
    source = (ROOT / "web" / "sw.js").read_text(encoding="utf-8")
    version = source.split("const VERSION = '")[1].split("'")[0]
    new_version = f"{version}-update-test"
    try:
        live_server.override_service_worker(
            source.replace(f"const VERSION = '{version}';", f"const VERSION = '{new_version}';")
        )
        page.reload()
        banner = page.locator("#banner")
        expect(banner).to_contain_text(text(live_server, "zh_CN", "Update available"), timeout=15_000)

        screenshot(page, "tablet-update-available")
        page.evaluate("window.__sameDocument = true")
        time.sleep(1)
        assert page.evaluate("window.__sameDocument === true"), "the page reloaded without being asked"
        assert f"showroom-static-{version}" in page.evaluate("caches.keys()")

        with page.expect_navigation():
            banner.get_by_role("button", name=text(live_server, "zh_CN", "Reload")).click()
        expect(page.locator("#username")).to_be_visible()
        assert page.evaluate("window.__sameDocument") is None
        expect(banner).to_be_hidden()
        caches = page.evaluate("caches.keys()")
        assert f"showroom-static-{new_version}" in caches
        assert f"showroom-static-{version}" not in caches
    finally:
        live_server.restore_service_worker()
