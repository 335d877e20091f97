"""Browser-test harness: a real Showroom server in a subprocess, driven by Debian's Chromium through Playwright.

Fixtures (no pytest-playwright; `playwright install` cannot run here):

- `live_server` (session, so one per test process under xdist): the server on 127.0.0.1 at a port it bound itself,
  with its own temporary database (SQLite, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL)
  and storage, migrated and seeded with the demo dealership. `.url`, `.api(...)`, `.log_mark()` /
  `.requests_since(mark)` (requests the server saw), `.override_service_worker(text)` / `.restore_service_worker()`.
- `browser` (session): headless /usr/bin/chromium.
- `office_context` / `office_page` (function): 1280×800 desktop, zh-CN, `base_url` = the live server.
- `tablet_context` / `tablet_page` (function): 800×1280 touch tablet, zh-CN, service workers allowed.
  Both pages fail their test at teardown on an uncaught script error or a Content-Security-Policy violation.
- `screenshot` (fixture) / `save_screenshot(page, name)`: PNG to test-artifacts/screenshots/<name>.png.
- `new_tablet()` (function fixture): one more tablet profile and page, as a second tablet; closed after the test.
- Sync helpers: `live_server.pull_all(username)` (the server's truth as a fresh tablet of that user pulls it),
  `sign_in_tablet(page, username)`, `wait_synced(page)`, `sync_now(page)`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # Chromium's own UI language, as on the store's machines (with CHROMIUM_ENV below)
]
#: Headless Chromium takes the format of date and time inputs from the environment's language, and needs the
#: chromium-l10n package for it: without either, they read 11/09/2026 and 02:05 PM instead of 2026/11/09 and 14:05.
CHROMIUM_ENV = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh"}
CHROMIUM_LOCALE = Path("/usr/lib/chromium/locales/zh-CN.pak")
DEMO_PASSWORD = "showroom-demo"

#: In-page script: the signed-in session as web/js/core/db.js stored it in IndexedDB.
READ_SESSION = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('showroom');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('session').objectStore('session').get('current');
    get.onsuccess = () => { db.close(); resolve(get.result || null); };
    get.onerror = () => reject(get.error);
  };
})"""
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Runs in the server subprocess. /sw.js can be swapped for a file the test writes, so a test can publish a "new
# release" of the service worker without touching web/sw.js in the working tree. The server binds port 0 itself
# and writes the port it got to argv[1]: a port chosen by the test process and bound seconds later (after the
# migrations and the seed) could be taken in between by another test process or by any outgoing connection.
SERVE = """
import os, sys
from pathlib import Path
from flask import Response
from werkzeug.serving import make_server
from server import create_app

app = create_app()
override = Path(os.environ["SHOWROOM_TEST_SW_OVERRIDE"])
real_service_worker = app.view_functions["tablet.service_worker"]

def service_worker():
    if override.exists():
        return Response(override.read_bytes(), mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
    return real_service_worker()

service_worker.policy = real_service_worker.policy
app.view_functions["tablet.service_worker"] = service_worker
server = make_server("127.0.0.1", 0, app, threaded=True)
port_file = Path(sys.argv[1])
port_file.with_suffix(".tmp").write_text(str(server.port))
port_file.with_suffix(".tmp").replace(port_file)  # whole or absent: the test process never reads half a number
server.serve_forever()
"""


@dataclass
class LiveServer:
    """A running server: its base URL and a few ways for tests to look behind the browser's back."""

    url: str
    log_path: Path
    sw_override: Path
    process: subprocess.Popen = field(repr=False)
    _catalogues: dict = field(default_factory=dict, repr=False)

    def api(
        self, method: str, path: str, body: dict | None = None, token: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict | None]:
        """Call the JSON API directly; returns (status, decoded body or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 (our server)
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (our own server)
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            with error:
                raw, status = error.read(), error.code
        return status, (json.loads(raw) if raw else None)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> dict:
        """Issue a token through the API, as a tablet would; returns the response body."""
        status, body = self.api(
            "POST", "/api/auth/token", {"username": username, "password": password, "device_label": "pytest"}
        )
        assert status == 200, body
        return body

    def catalogue(self, language: str) -> dict[str, str]:
        """The tablet's translations as the server serves them (`{English source: translation}`), fetched once."""
        if language not in self._catalogues:
            status, body = self.api("GET", f"/i18n/{language}.json")
            assert status == 200
            self._catalogues[language] = body
        return self._catalogues[language]

    def pull_all(self, username: str) -> dict[str, dict]:
        """Everything the server holds for `username`'s store, pulled as a brand-new tablet would (key → value)."""
        token = self.sign_in(username)["token"]
        body = {"clientGroupID": str(uuid.uuid4()), "schemaVersion": 1, "cookie": None, "limit": 1000}
        seen: dict[str, dict] = {}
        while True:
            status, page = self.api("POST", "/api/sync/v1/pull", body, token=token)
            assert status == 200, page
            for op in page["patch"]:
                if op["op"] == "put":
                    seen[op["key"]] = op["value"]
                elif op["op"] == "del":
                    seen.pop(op["key"], None)
            if not page["hasMore"]:
                return seen
            body["cookie"] = page["cookie"]

    def log_mark(self) -> int:
        """A position in the server's request log; pass it to `requests_since`."""
        return len(self._request_lines())

    def quiet_mark(self, quiet: float = 0.5, limit: float = 10.0) -> int:
        """A log position taken once the server has logged nothing new for `quiet` seconds: requests started
        before it (a worker's background fetch, logged late on a busy machine) cannot land after it."""
        deadline, mark = time.monotonic() + limit, self.log_mark()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.log_mark()
            if now == mark:
                return mark
            mark = now
        return mark

    def requests_since(self, mark: int) -> list[str]:
        """The request lines ('GET /tablet/ HTTP/1.1') the server logged after `mark`."""
        return self._request_lines()[mark:]

    def _request_lines(self) -> list[str]:
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        lines = [ANSI.sub("", line) for line in lines]  # werkzeug colours some request lines (201, 304, 4xx)
        return [line.split('"')[1] for line in lines if line.count('"') >= 2 and " HTTP/" in line]

    def override_service_worker(self, text: str) -> None:
        """Serve `text` as /sw.js from now on (a new release, as the browser will see it)."""
        self.sw_override.write_text(text, encoding="utf-8")

    def restore_service_worker(self) -> None:
        """Serve the real web/sw.js again."""
        self.sw_override.unlink(missing_ok=True)


def _psycopg_url(sqlalchemy_url: str) -> str:
    """psycopg wants postgresql://; SQLAlchemy's URL names the driver (postgresql+psycopg://)."""
    parts = urlsplit(sqlalchemy_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _run(args: list[str], env: dict, log) -> None:
    subprocess.run(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=120)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A migrated, seeded Showroom server in a subprocess on a free port; killed at the end of the session.

    Login throttling is raised to 50 failures: every browser test signs in from 127.0.0.1, and a few wrong
    passwords in one test must not lock the demo users out of the next ones.
    """
    base = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "SHOWROOM_INSTANCE": str(base),
        "STORAGE_DIR": str(base / "storage"),
        "SECRET_KEY": secrets.token_hex(16),
        "LOGIN_MAX_FAILURES": "50",
        "PYTHONUNBUFFERED": "1",
        "SHOWROOM_TEST_SW_OVERRIDE": str(base / "sw-override.js"),
    }
    env.pop("FLASK_APP", None)

    outer_url = os.environ.get("DATABASE_URL", "")
    pg_admin_url = pg_name = None
    if outer_url.startswith("postgresql"):
        import psycopg

        pg_admin_url, pg_name = _psycopg_url(outer_url), f"showroom_live_{secrets.token_hex(4)}"
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = _with_database(outer_url, pg_name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{base / 'showroom.db'}"

    log_path = base / "server.log"
    port_file = base / "server.port"
    process = None
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            flask = [sys.executable, "-m", "flask", "--app", "server"]
            _run([*flask, "db", "upgrade"], env, log)
            _run([*flask, "seed-demo"], env, log)
            process = subprocess.Popen(
                [sys.executable, "-c", SERVE, str(port_file)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited:\n{log_path.read_text()}")
                if not port_file.exists():
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server did not bind a port:\n{log_path.read_text()}")
                    time.sleep(0.1)
                    continue
                url = f"http://127.0.0.1:{port_file.read_text()}"
                try:
                    with urllib.request.urlopen(url + "/login", timeout=2):  # noqa: S310 (our own server)
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server did not answer:\n{log_path.read_text()}") from None
                    time.sleep(0.1)
            yield LiveServer(url=url, log_path=log_path, sw_override=base / "sw-override.js", process=process)
        finally:
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if pg_name:
                import psycopg

                with psycopg.connect(pg_admin_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


@pytest.fixture(scope="package")
def browser():
    """Headless Debian Chromium (never Playwright's own download), shared by the browser tests.

    Package scope: Playwright keeps an event loop running in this thread while it lives, which would break
    asyncio.run() in the tests that follow."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() or not CHROMIUM_LOCALE.exists():
        pytest.fail(f"{CHROMIUM} or its zh-CN locale is missing: run scripts/system-deps.sh")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, **CHROMIUM_ENV}, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def office_context(browser, live_server):
    """A desktop browser profile for the office pages (1280×800, Chinese); closed after the test."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def open_tablet_context(browser, live_server, viewport: dict | None = None):
    """A new tablet browser profile: touch, Chinese, Shanghai time, service workers on; 800×1280 portrait unless
    `viewport` says otherwise. The caller closes it."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport or {"width": 800, "height": 1280},
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        service_workers="allow",
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def tablet_context(browser, live_server):
    """A fresh tablet profile (800×1280 portrait, touch, Chinese, service workers on); closed after the test."""
    context = open_tablet_context(browser, live_server)
    yield context
    context.close()


def _watch_for_script_problems(page) -> list[str]:
    """Collect uncaught exceptions and CSP violations: either means a screen is broken for real users."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    return problems


@pytest.fixture
def office_page(office_context):
    """A page in `office_context`; fails the test on an uncaught script error or a CSP violation."""
    page = office_context.new_page()
    problems = _watch_for_script_problems(page)
    yield page
    assert not problems, problems


@pytest.fixture
def tablet_page(tablet_context):
    """A page in `tablet_context`; fails the test on an uncaught script error or a CSP violation."""
    page = tablet_context.new_page()
    problems = _watch_for_script_problems(page)
    yield page
    assert not problems, problems


@pytest.fixture
def fleet_car(browser, live_server) -> str:
    """The plate of a car of this test's own, added to the fleet in the office before the test's tablets sign in:
    a test that takes a car out never depends on which earlier tests left the demo's cars out."""
    from .live_data import make_fleet_car

    return make_fleet_car(browser, live_server)


@pytest.fixture
def new_tablet(browser, live_server):
    """`new_tablet()` → (context, page): another tablet profile like `tablet_context`, watched for script problems
    like `tablet_page`; all closed (and checked) after the test."""
    made = []

    def make():
        context = open_tablet_context(browser, live_server)
        page = context.new_page()
        made.append((context, _watch_for_script_problems(page)))
        return context, page

    yield make
    for context, _problems in made:
        context.close()
    for _context, problems in made:
        assert not problems, problems


SYNC_DONE = "() => Boolean(window.showroomSync && window.showroomSync.lastRun() && window.showroomSync.lastRun().ok)"


def sign_in_tablet(page, username: str = "consultant", password: str = DEMO_PASSWORD) -> None:
    """Open the tablet, sign in, and wait until the service worker controls the page and the first sync is done."""
    page.goto("/tablet/")
    page.locator("body.ready").wait_for(state="attached")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()
    page.locator("#greeting").wait_for()
    wait_controlled(page)
    wait_synced(page)


SW_STATE = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  if (!r) return 'no registration';
  const s = (w) => (w ? w.state : '-');
  return `installing ${s(r.installing)}, waiting ${s(r.waiting)}, active ${s(r.active)}`;
}"""


def wait_controlled(page) -> None:
    """Wait until the service worker controls the page; if it does not, say where its registration stands."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    except PlaywrightTimeout:
        raise AssertionError(f"no service worker controls the page: {page.evaluate(SW_STATE)}") from None


def wait_synced(page) -> None:
    """Wait until a sync cycle has completed successfully in this page."""
    page.wait_for_function(SYNC_DONE)


def sync_now(page) -> dict:
    """Run a sync cycle in the page (after any running one) and return its summary."""
    return page.evaluate("() => window.showroomSync.now()")


def save_screenshot(page, name: str) -> Path:
    """Write a PNG of `page` to test-artifacts/screenshots/<name>.png (gitignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: see `save_screenshot`."""
    return save_screenshot


def pytest_collection_modifyitems(items):
    """Every test under tests/browser drives Chromium: mark it `browser` even if its module forgot to."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
