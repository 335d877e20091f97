"""Who may call what: one policy layer decides role and store for every route.

Each view declares its rule with a decorator — `@public`, `@office(*roles)` or `@api(*roles)` — and a
`before_request` hook enforces it. A view with no rule is refused (403) rather than served: the
parametrised test in tests/api/test_policy.py walks every route and fails when one has no rule.
Store isolation: views read and write through `g.store_id` and `store_get`, which answers 404 for
anything of another store, so a user of store A cannot even learn that a record of store B exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .errors import ApiError, wants_json
from .extensions import db
from .models import ApiToken


@dataclass(frozen=True)
class Rule:
    """`audience` is public, session (office cookie) or token (bearer); `roles` empty means any role."""

    audience: str
    roles: frozenset[str] = frozenset()

    def allows(self, role: str) -> bool:
        return not self.roles or role in self.roles


#: Endpoints that are not our own view functions (Flask's static files).
BUILTIN_RULES = {"static": Rule("public")}


def _mark(rule: Rule) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.policy = rule  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Anyone, signed in or not (login page, shell, service worker, translations)."""
    return _mark(Rule("public"))(view)


def office(*roles: str) -> Callable:
    """A signed-in office session with one of `roles` (none given: any role)."""
    return _mark(Rule("session", frozenset(roles)))


def api(*roles: str) -> Callable:
    """A valid bearer token whose user has one of `roles` (none given: any role)."""
    return _mark(Rule("token", frozenset(roles)))


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """The rule of `endpoint`, or None when the view declared none."""
    if endpoint in BUILTIN_RULES:
        return BUILTIN_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "policy", None)


def store_get(model: type, record_id) -> object:
    """The record of the current store with this id, or 404 — also when it exists in another store."""
    record = db.session.get(model, record_id)
    if record is None or record.store_id != g.store_id:
        abort(404)
    return record


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _return_to() -> str:
    """Where to come back after signing in: the page itself, or — for a form sent after the session ended — the
    page the form was on (the browser keeps what was typed there, web/js/office/office.js)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("office.home")


def _enforce_session(rule: Rule):
    if not current_user.is_authenticated:
        if wants_json() or request.headers.get("HX-Request"):
            abort(401)
        return redirect(url_for("auth.login", next=_return_to()))
    if not rule.allows(current_user.role):
        abort(403)
    g.user, g.store_id = current_user._get_current_object(), current_user.store_id
    return None


def _enforce_token(rule: Rule) -> None:
    clear = _bearer_token()
    token = ApiToken.find_valid(clear) if clear else None
    if token is None:
        raise ApiError(
            401,
            _("Your sign-in has expired or is not valid. Please sign in again."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not rule.allows(token.user.role):
        raise ApiError(403, _("You do not have permission to do this."))
    g.token, g.user, g.store_id = token, token.user, token.store_id


def init_app(app: Flask) -> None:
    """Install the hook that enforces every route's rule before its view runs."""

    @app.before_request
    def enforce():
        if request.endpoint is None:  # no route matched: let Flask answer 404/405
            return None
        rule = rule_for(app, request.endpoint)
        if rule is None:
            app.logger.error("route %s has no policy rule; refused", request.endpoint)
            abort(403)
        if rule.audience == "session":
            return _enforce_session(rule)
        if rule.audience == "token":
            _enforce_token(rule)
        return None
