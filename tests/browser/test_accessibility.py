"""The accessibility gate: axe-core on every screen of the tablet and of the office, in Chinese and in English, in the
states that matter (an empty and a full list, a form showing its field errors, the sync dialog, the signature pads,
offline); 0 critical and 0 serious violations, and on the tablet every tap target at least 44 × 44 CSS px. Moderate
and minor findings are printed and kept in test-artifacts/accessibility/<gate>.txt.

The lists below are checked against the tablet's router (`ROUTES` in web/js/app.js) and the office's GET routes
(Flask's url_map): a new screen that is not in the gate fails `test_the_gate_lists_every_*`.

One browser profile per role and language walks through its screens the way a person does (signing in, starting a
handover, a test drive, a walk-around), so the office then has a sealed delivery, a drive and a walk-around to show.
"""

from __future__ import annotations

import time
import uuid

import pytest

from .a11y_office import admin_gate, anonymous_gate, manager_gate
from .a11y_tablet import consultant_gate, escort_gate
from .accessibility import Gate, rule_pattern, tablet_screens
from .conftest import _watch_for_script_problems, open_tablet_context
from .live_data import make_conflict, make_customer, make_fleet_car, make_rejection

pytestmark = pytest.mark.browser

#: The tablet as a consultant uses it: screen (as named by `tablet_screens()`) → the states it is checked in.
CONSULTANT = {
    "#/sign-in": ("form", "field errors"),
    "#/home": ("online", "offline", "sync dialog"),
    "#/customers": ("full list", "empty list (no match)"),
    "#/customers/<id>": ("record with its grade", "conflicting changes"),
    "#/customers/new": ("empty form", "field errors"),
    "#/customers/<id>/edit": ("form",),
    "#/customers/<id>/needs": ("form", "field errors"),
    "#/walkaround": ("list",),
    "#/walkaround/start/<id>": ("model, trim and topics",),
    "#/walkaround/<id>/<n>": ("position", "objection noted"),
    "#/walkaround/<id>": ("resumed at its position",),
    "#/walkaround/<id>/summary": ("summary",),
    "#/handover": ("list",),
    "#/handover/start/<id>": ("vehicle choice",),
    "#/handover/<id>/check/<group>": ("checklist", "defect waiting for its photo"),
    "#/handover/<id>": ("resumed at its step", "sealed"),
    "#/handover/<id>/details": ("items and documents", "we-owe entry contradicting the checklist"),
    "#/handover/<id>/review": ("contradictions", "signature pads", "errors before sealing"),
}

#: The tablet as a test-drive escort uses it.
ESCORT = {
    "#/home": ("escort's home",),
    "#/test-drive": ("fleet and drives", "walk-in with field errors"),
    "#/test-drive/<id>/eligibility": ("form", "field errors"),
    "#/test-drive/<id>/agreement": ("signature pads", "not accepted"),
    "#/test-drive/<id>/start": ("form",),
    "#/test-drive/<id>/return": ("form",),
    "#/test-drive/<id>/feedback": ("form", "field errors"),
    "#/test-drive/<id>": ("sealed",),
}

#: The office and the public pages: GET rule → states.
OFFICE = {
    "/login": ("form", "wrong password"),
    "/verify": ("upload form", "not a PDF"),
    "/verify/<document_id>": ("a sealed delivery",),
    "/offline": ("offline fallback",),
    "/office/": ("manager's home",),
    "/office/customers": ("full list", "filtered by grade"),
    "/office/customers/<customer_id>": ("file with needs and walk-around", "not found (404 page)"),
    "/office/vehicles": ("list",),
    "/office/reception": ("today with the desk's form", "field errors"),
    "/office/visits": ("visit log",),
    "/office/lost-deals": ("lost-deal queue",),
    "/office/catalogue": ("list", "offline message"),
    "/office/catalogue/<kind>/<record_id>/edit": ("editing a row", "field errors"),
    "/office/catalogue/<kind>/<record_id>": ("row after cancel",),
    "/office/deliveries": ("with a sealed delivery",),
    "/office/deliveries/<delivery_id>": ("a sealed delivery and what is owed",),
    "/office/conflicts": ("open conflicts",),
    "/office/rejections": ("rejected changes",),
    "/office/test-drives": ("today's board",),
    "/office/test-drives/reports": ("figures", "empty period", "field errors"),
    "/office/fleet": ("list", "field errors"),
    "/office/fleet/<car_id>": ("editing a car",),
    "/office/drive-routes": ("list", "field errors"),
    "/office/drive-rules": ("form", "field errors"),
    "/office/walkarounds": ("sessions",),
    "/office/walkarounds/<walkaround_id>": ("session and score",),
    "/office/presentations": ("series",),
    "/office/presentations/<series_id>": ("editor",),
    "/office/users": ("list", "field errors"),
    "/office/users/<int:user_id>/edit": ("editing an account",),
    "/office/users/<int:user_id>": ("row after cancel",),
}

#: GET routes that are no screen of their own (each must still exist: a renamed route fails the test).
NOT_SCREENS = {
    "/": "redirects to the office home or the sign-in page",
    "/tablet/": "the tablet's shell: every screen it draws is in CONSULTANT and ESCORT",
    "/sw.js": "the service worker",
    "/manifest.webmanifest": "the web app manifest (JSON)",
    "/i18n/<language>.json": "the tablet's translations (JSON)",
    "/static/<path:filename>": "static files",
    "/api/me": "JSON API",
    "/api/sync/v1/blobs/<sha256>": "JSON API (a blob)",
    "/api/sync/v1/schema": "JSON API",
    "/office/documents/<document_id>.pdf": "a PDF download",
    "/office/pictures/<sha256>": "a picture of the walk-around content",
    "/office/documents/<document_id>/state": "the document-state partial the deliveries page includes (checked there)",
}

LOCALES = {"zh_CN": "zh-CN", "en": "en-US"}  # the browser's own language
USERS = ("consultant", "escort", "manager", "admin")


def test_the_gate_lists_every_tablet_screen():
    """Every screen of the tablet's router, each optional step its own screen, is in CONSULTANT or ESCORT, and
    nothing listed there is gone from the router."""
    listed = set(CONSULTANT) | set(ESCORT)
    routed = set(tablet_screens())
    assert len(routed) >= 25, routed  # the parser still reads app.js
    assert routed - listed == set(), "tablet screens missing from the accessibility gate"
    assert listed - routed == set(), "screens in the gate that the router no longer has"


def test_the_gate_lists_every_office_page(app):
    """Every GET route of the server is an office/public screen in OFFICE or named in NOT_SCREENS, with why."""
    rules = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert rules - set(OFFICE) - set(NOT_SCREENS) == set(), "GET routes missing from the accessibility gate"
    assert (set(OFFICE) | set(NOT_SCREENS)) - rules == set(), "routes in the gate that the server no longer has"


def test_rule_patterns_match_paths():
    """The office check compares paths with URL rules; a converter matches one path segment."""
    assert rule_pattern("/office/users/<int:user_id>/edit").fullmatch("/office/users/12/edit")
    assert not rule_pattern("/office/customers/<customer_id>").fullmatch("/office/customers/a/b")


@pytest.fixture
def restore_languages(live_server):
    """The gate switches demo accounts to English on the shared server: put them back to Chinese afterwards, so
    the other browser tests see the demo as it was seeded."""
    yield
    for username in USERS:
        token = live_server.sign_in(username)["token"]
        status, body = live_server.api("PATCH", "/api/me", {"language": "zh_CN"}, token=token)
        assert status == 200, body


# --- the gate (the walks are in a11y_tablet.py and a11y_office.py) --------------------------------------------


def _gates(language: str) -> tuple[Gate, ...]:
    """The gate of each profile: the consultant's and the escort's tablet, the public, manager's and admin's office."""
    consultant = Gate(f"tablet-consultant-{language}", "tablet", language, CONSULTANT)
    escort = Gate(f"tablet-escort-{language}", "tablet", language, ESCORT)
    public = Gate(
        f"office-public-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if not k.startswith("/office/")},
    )
    manager = Gate(
        f"office-manager-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if k.startswith("/office/") and not k.startswith("/office/users")},
    )
    admin = Gate(
        f"office-admin-{language}",
        "office",
        language,
        {k: v for k, v in OFFICE.items() if k.startswith("/office/users")},
    )
    return consultant, escort, public, manager, admin


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_screen_passes_axe_in_every_state(browser, live_server, restore_languages, language, tmp_path):
    """Every tablet and office screen of the lists above, in each of its states, in `language`: no critical or
    serious axe violation, tablet tap targets ≥ 44 × 44 px, no script error or CSP violation (axe included)."""
    started = time.monotonic()
    pick = 0 if language == "zh_CN" else 1  # each run its own customer and stock vehicle (the car: its own, made below)
    locale = LOCALES[language]
    consultant, escort, public, manager, admin = _gates(language)
    contexts = []
    watched: list[list[str]] = []  # script errors and CSP violations, per page

    def tablet():
        context = open_tablet_context(browser, live_server)
        context.set_extra_http_headers({"Accept-Language": locale})
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")  # tablet.css then drops its transitions: no colour mid-fade
        watched.append(_watch_for_script_problems(page))
        return context, page

    def desk():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 800},
            locale=locale,
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watched.append(_watch_for_script_problems(page))
        return context, page

    try:
        customer_id = make_customer(live_server, f"无障碍客户{uuid.uuid4().hex[:4]}")
        disputed, conflict_id = make_conflict(live_server, f"无障碍{uuid.uuid4().hex[:4]}")
        plate = make_fleet_car(browser, live_server)
        context, page = tablet()
        ids = consultant_gate(consultant, page, context, language, pick, customer_id, disputed)
        context, page = tablet()
        escort_gate(escort, page, language, pick, plate)

        ids["conflict"] = conflict_id
        make_rejection(live_server)
        documents = [
            v
            for k, v in live_server.pull_all("manager").items()
            if k.startswith("document/") and v["record_id"] == ids["delivery"]
        ]
        assert documents, "the sealed handover has no document on the server"

        context, page = desk()
        anonymous_gate(public, page, context, language, documents[0]["id"], tmp_path)
        context, page = desk()
        manager.watch(page)
        manager_gate(manager, page, context, language, ids)
        context, page = desk()
        admin.watch(page)
        admin_gate(admin, page, language)
    finally:
        for context in contexts:
            context.close()
    elapsed = time.monotonic() - started
    gates = [consultant, escort, public, manager, admin]
    checked = sum(len(g.done) for g in gates)
    print(f"\naccessibility gate ({language}): {checked} screen states in {elapsed:.0f} s")
    failures = []
    for g in gates:
        try:
            g.finish()
        except AssertionError as error:
            failures.append(str(error))
    problems = [p for w in watched for p in w]
    assert not problems, problems
    assert not failures, "\n\n".join(failures)
