"""Every answer carries the security headers, no private page is kept by the browser, and no template needs
the CSP to be loosened.

The CSP allows scripts and styles from our own origin only, so an inline <script>, an on*= handler, a
style= attribute or an htmx hx-on attribute would simply not run — or tempt someone to add 'unsafe-inline'.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from server.extensions import db
from server.models import Store, User
from server.workflow.handover import default_templates
from tests.conftest import csrf_token, login
from tests.factories import (
    make_blob,
    make_colour,
    make_customer,
    make_document,
    make_series,
    make_store,
    make_trim,
    make_user,
    make_vehicle,
)
from tests.factories.images import solid_png

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "templates"
REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def directives(csp: str) -> dict[str, list[str]]:
    """The CSP as {directive: [sources]}."""
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_secure_headers(response) -> None:
    """The headers every response must have, whatever produced it."""
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no CSP on {response.request.path} ({response.status_code})"
    policy = directives(csp)
    assert policy.get("script-src") == ["'self'"], csp
    assert policy.get("default-src") == ["'self'"], csp
    assert policy.get("frame-ancestors") == ["'none'"], csp
    assert policy.get("object-src") == ["'none'"], csp
    for loosening in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "data:"):
        assert loosening not in " ".join(policy.get("script-src", []) + policy.get("style-src", [])), csp
    assert "unsafe" not in csp.lower(), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in REFERRER_POLICIES
    assert len(response.headers.getlist("Content-Security-Policy")) == 1


@pytest.fixture
def signed_in(app, client, monkeypatch):
    """A client signed in to the office as a manager, and a bearer token for the same person."""
    from argon2 import PasswordHasher

    # argon2id at its cheapest: these tests are about headers, not the hash's cost.
    monkeypatch.setattr("server.models.user._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with app.app_context():
        make_user(make_store(), "manager", username="zhangwei")
        db.session.remove()
    assert login(client, "zhangwei").status_code == 303
    token = client.post("/api/auth/token", json={"username": "zhangwei", "password": "correct-horse-9"})
    return client, token.get_json()["token"]


ANONYMOUS = [  # id, method, path, expected status
    ("login-page", "GET", "/login", 200),
    ("api-401-json", "GET", "/api/me", 401),
    ("api-400-json", "POST", "/api/auth/token", 400),
    ("404-page", "GET", "/no/such/page", 404),
    ("404-api", "GET", "/api/no/such/thing", 404),
    ("405-page", "GET", "/logout", 405),
    ("csrf-400-page", "POST", "/login", 400),
    ("redirect", "GET", "/office/", 302),
    ("static-js", "GET", "/static/vendor/htmx-2.0.11.min.js", 200),
    ("static-css", "GET", "/static/css/office.css", 200),
    ("service-worker", "GET", "/sw.js", 200),
    ("manifest", "GET", "/manifest.webmanifest", 200),
    ("tablet-shell", "GET", "/tablet/", 200),
]


@pytest.mark.parametrize(
    ("method", "path", "status"), [case[1:] for case in ANONYMOUS], ids=[case[0] for case in ANONYMOUS]
)
def test_anonymous_responses_carry_the_headers(client, method, path, status):
    """Pages, JSON errors, error pages, redirects, static files and the service worker all carry them."""
    with client.open(path, method=method) as response:  # closes served files
        assert response.status_code == status
        assert_secure_headers(response)


def test_json_error_bodies_are_json(client):
    """The API's 401 is JSON (so nosniff cannot turn it into something a browser renders as HTML)."""
    response = client.get("/api/me")
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"code", "message", "errors"}


@pytest.mark.parametrize("path", ["/office/", "/office/catalogue", "/office/vehicles", "/office/customers"])
def test_signed_in_office_pages_carry_the_headers(signed_in, path):
    """Office pages rendered for a signed-in person carry them."""
    client, _token = signed_in
    response = client.get(path)
    assert response.status_code == 200
    assert_secure_headers(response)


def test_htmx_fragments_and_403_pages_carry_the_headers(signed_in):
    """htmx fragments (partial HTML) and a forbidden page carry them too."""
    client, _token = signed_in
    fragment = client.get("/office/customers", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert_secure_headers(fragment)
    forbidden = client.get("/office/users")
    assert forbidden.status_code == 403
    assert_secure_headers(forbidden)


def test_api_json_with_a_token_carries_the_headers(signed_in):
    """A successful API answer carries them as well."""
    client, token = signed_in
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert_secure_headers(response)


def test_sign_out_redirect_carries_the_headers(signed_in):
    """The 303 after signing out carries them."""
    client, _token = signed_in
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/office/")})
    assert response.status_code == 303
    assert_secure_headers(response)


# --- caching: no private page stays behind ------------------------------------------------------------

NO_STORE = "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/office/",
        "/office/customers",
        "/office/vehicles",
        "/office/catalogue",
        "/office/conflicts",
        "/office/rejections",
        "/office/deliveries",
        "/office/test-drives",
        "/office/walkarounds",
        "/office/no/such/page",
    ],
)
def test_signed_in_office_pages_are_not_stored(signed_in, path):
    """A signed-in page (names, phones) is never kept by the browser: not in its cache, not in the back/forward
    cache, so a shared office PC shows nothing of it after sign-out. A signed-in 404 too."""
    client, _token = signed_in
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response.headers["Cache-Control"] == NO_STORE


def test_htmx_fragments_and_forbidden_pages_are_not_stored(signed_in):
    """Fragments carry the same personal data as pages; a 403 page is no exception."""
    client, _token = signed_in
    fragment = client.get("/office/customers?grade=A", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.headers["Cache-Control"] == NO_STORE
    forbidden = client.get("/office/users")
    assert forbidden.status_code == 403 and forbidden.headers["Cache-Control"] == NO_STORE


def test_api_answers_are_not_stored(signed_in):
    """Every API answer: the profile, a pull, the schema, a 401 and a 404."""
    client, token = signed_in
    auth = {"Authorization": f"Bearer {token}"}
    pulled = client.post(
        "/api/sync/v1/pull",
        json={"clientGroupID": "0f0b8e4e-8d4c-4a3a-9a7e-3f1c2b9d1e01", "schemaVersion": 1, "cookie": None},
        headers=auth,
    )
    answers = [
        client.get("/api/me", headers=auth),
        pulled,
        client.get("/api/sync/v1/schema", headers=auth),
        client.get("/api/me"),
        client.get("/api/no/such/thing", headers=auth),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 401, 404]
    assert {a.headers["Cache-Control"] for a in answers} == {NO_STORE}


def test_a_blob_keeps_its_private_immutable_caching(signed_in):
    """A blob is addressed by its SHA-256 and readable only by its store: the browser may keep it (private, never
    a shared cache), as server/sync/routes.py says."""
    client, token = signed_in
    auth = {"Authorization": f"Bearer {token}"}
    picture = solid_png(4, 4)
    digest = hashlib.sha256(picture).hexdigest()
    uploaded = client.put(f"/api/sync/v1/blobs/{digest}", data=picture, headers=auth, content_type="image/png")
    assert uploaded.status_code == 201 and uploaded.headers["Cache-Control"] == NO_STORE
    with client.get(f"/api/sync/v1/blobs/{digest}", headers=auth) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_a_pdf_export_is_not_stored(app, signed_in):
    """A sealed document's PDF, downloaded from the office, is a personal document: no-store."""
    client, _token = signed_in
    with app.app_context():
        manager = db.session.scalar(db.select(User).where(User.username == "zhangwei"))
        store = db.session.get(Store, manager.store_id)
        default_templates(store)  # a delivery names its checklist template
        series = make_series(store)
        vehicle = make_vehicle(make_trim(series), make_colour(series))
        pdf = make_blob(store, b"%PDF-1.4\n%%EOF\n")
        document_id, _owed = make_document(make_customer(store), vehicle, manager, pdf)
        db.session.commit()
        db.session.remove()
    with client.get(f"/office/documents/{document_id}.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Cache-Control"] == NO_STORE


def test_sign_in_sign_out_and_error_pages_are_not_stored(signed_in):
    """The sign-in page (a remembered username, a CSRF token), the sign-out redirect and error pages."""
    client, _token = signed_in
    signed_out = client.post("/logout", data={"csrf_token": csrf_token(client, "/office/")})
    assert signed_out.status_code == 303 and signed_out.headers["Cache-Control"] == NO_STORE
    assert client.get("/login").headers["Cache-Control"] == NO_STORE
    assert client.get("/no/such/page").headers["Cache-Control"] == NO_STORE


def test_versioned_static_files_are_cached_long_and_the_others_revalidated(client):
    """A file named with its version never changes: public, a year, immutable. Others are revalidated, so a
    release is seen at once; the service worker is never cached by HTTP."""
    with client.get("/static/vendor/htmx-2.0.11.min.js") as versioned:
        assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/css/office.css") as css:
        assert "max-age=31536000" not in css.headers.get("Cache-Control", "")
        assert "no-store" not in css.headers.get("Cache-Control", "")
    with client.get("/sw.js") as worker:
        assert worker.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no/such/page", 404),
        ("GET", "/api/no/such/thing", 404),
        ("GET", "/logout", 405),
        ("POST", "/login", 400),
        ("GET", "/office/customers/no-such-customer", 302),
    ],
    ids=["404-page", "404-api", "405-page", "csrf-400-page", "redirect-to-sign-in"],
)
def test_error_pages_set_no_cookie_for_an_anonymous_client(client, method, path, status):
    """An error page (or the redirect to sign in) starts no session: no Set-Cookie, so a crawler or a mistyped
    URL leaves nothing in the browser and nothing to fixate."""
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.headers.getlist("Set-Cookie") == []
    assert response.headers["Cache-Control"] == NO_STORE


# --- templates: nothing inline ------------------------------------------------------------------------

TAG = re.compile(r"<[a-zA-Z][^<>]*>")
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)


def template_problems(text: str) -> list[str]:
    """Inline script, handlers, styles and eval-needing htmx attributes in one template's source."""
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)  # Jinja comments may talk about such things
    problems = []
    for match in SCRIPT.finditer(text):
        attributes, body = match.groups()
        if body.strip():
            problems.append(f"inline <script> body: {body.strip()[:60]!r}")
        elif not re.search(r"\bsrc\s*=", attributes):
            problems.append("<script> without src")
    if re.search(r"<style\b", text, re.I):
        problems.append("<style> element")
    for tag in TAG.findall(text):
        for name in re.findall(r"(?<![\w:-])(on[a-z]+)\s*=", tag, re.I):
            problems.append(f"event handler attribute {name}= in {tag[:60]!r}")
        if re.search(r"(?<![\w:-])style\s*=", tag, re.I):
            problems.append(f"style= attribute in {tag[:60]!r}")
        if re.search(r"(?<![\w-])(data-)?hx-on\b", tag, re.I):
            problems.append(f"hx-on attribute (needs eval) in {tag[:60]!r}")
        if re.search(r"=\s*[\"']?\s*javascript:", tag, re.I):
            problems.append(f"javascript: URL in {tag[:60]!r}")
    return problems


@pytest.mark.parametrize(
    ("snippet", "bad"),
    [
        ('<script src="/static/js/office/office.js" type="module"></script>', False),
        ('<button class="icon" hx-get="/x" aria-label="{{ _(\'Button\') }}">on=</button>', False),
        ('<meta name="htmx-config" content=\'{"selfRequestsOnly": true}\'>', False),
        ('<rect width="36" height="20" fill="{{ record.hex }}"/>', False),
        ("<script>alert(1)</script>", True),
        ("<script>\n  window.x = 1;\n</script>", True),
        ("<script></script>", True),
        ('<button onclick="go()">x</button>', True),
        ('<body ONLOAD="go()">', True),
        ('<input {% if x %}onchange="go()"{% endif %}>', True),
        ('<div style="color: red">x</div>', True),
        ("<style>p { color: red }</style>", True),
        ('<button hx-on:click="go()">x</button>', True),
        ('<a href="javascript:go()">x</a>', True),
    ],
)
def test_the_template_scanner_itself(snippet, bad):
    """The scanner below flags each kind of inline code and passes ordinary markup."""
    assert bool(template_problems(snippet)) is bad, template_problems(snippet)


def test_templates_exist_to_scan():
    """The scan below is not vacuous: the office and tablet templates are there."""
    names = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")}
    assert {"base.html", "auth/login.html", "office/catalogue.html", "tablet/shell.html"} <= names


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_inline_script_handlers_or_styles(template):
    """No inline <script> body, no on*= handler, no style= attribute, no hx-on, no javascript: URL."""
    assert template_problems((TEMPLATES / template).read_text(encoding="utf-8")) == []
