"""Every answer carries the security headers, and no template needs the CSP to be loosened.

The CSP allows scripts and styles from our own origin only, so an inline <script>, an on*= handler, a
style= attribute or an htmx hx-on attribute would simply not run — or tempt someone to add 'unsafe-inline'.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.extensions import db
from tests.conftest import csrf_token, login
from tests.factories import make_store, make_user

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
        ('<script src="/static/js/office.js" type="module"></script>', False),
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
