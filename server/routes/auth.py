"""Office sign-in and sign-out, the language switch, and the login throttle shared with the API.

The throttle (OWASP "device cookies") cannot be turned against the showroom, where every tablet and office PC
shares one NAT address. Failures are counted in the database (so it holds across processes) within
LOGIN_WINDOW_MINUTES: at most LOGIN_MAX_FAILURES per (username, address) pair, and LOGIN_ADDRESS_CEILING per
address over all usernames. Every successful sign-in, on the office form or the tablet's token endpoint, sets a
long-lived signed device cookie naming the device and the usernames that signed in on it; an attempt carrying
it for its username is judged only by the failures made with that device, so someone guessing `admin` from
elsewhere, or from the same NAT address, does not lock the admin's own PC or tablet out. The address is
`request.remote_addr`, rewritten from X-Forwarded-For only when PROXY_COUNT says proxies stand in front.

Office sessions live on the server too (`OfficeSession`): sign-out revokes the session's row, so a copied
cookie replayed afterwards is signed out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..extensions import db
from ..models import LoginAttempt, OfficeSession, User, utcnow
from ..policy import office, public

bp = Blueprint("auth", __name__)

DEVICE_COOKIE = "showroom_device"
_DEVICE_SALT = "showroom.login.device"
_DEVICE_USERNAMES = 8  # a shared reception PC or tablet stays known for this many people, most recent first


@dataclass(frozen=True)
class Device:
    """A browser or tablet where someone signed in before: its random id and the usernames it is known for."""

    id: str
    usernames: tuple[str, ...] = ()

    @classmethod
    def new(cls) -> Device:
        """A device seen for the first time, known for nobody yet."""
        return cls(secrets.token_hex(16))

    def knows(self, username: str) -> bool:
        """True when `username` signed in on this device before."""
        return username in self.usernames


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def read_device() -> Device | None:
    """The request's device cookie, when it is ours (signed with SECRET_KEY) and younger than LOGIN_DEVICE_DAYS."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=current_app.config["LOGIN_DEVICE_DAYS"] * 86400)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("u"), list):
        return None
    return Device(data["d"][:32], tuple(u for u in data["u"] if isinstance(u, str)))


def remember_device(response: Response, device: Device, username: str) -> None:
    """After a successful sign-in: (re)set the device cookie, now known for `username` too, for LOGIN_DEVICE_DAYS."""
    usernames = [username, *(u for u in device.usernames if u != username)][:_DEVICE_USERNAMES]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"d": device.id, "u": usernames}),
        max_age=current_app.config["LOGIN_DEVICE_DAYS"] * 86400,
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def client_address() -> str:
    """The address attempts are counted by: the connecting peer, or the client ProxyFix found (PROXY_COUNT)."""
    return (request.remote_addr or "")[:64]


def throttled(username: str, device: Device | None = None) -> bool:
    """True when this attempt must wait. A device known for `username` is judged by its own failures only;
    anyone else by the failures of the (username, address) pair and by the address's ceiling over all usernames."""
    config = current_app.config
    failed = (
        LoginAttempt.success.is_(False),
        LoginAttempt.at >= utcnow() - timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
    )
    if device is not None and device.knows(username):
        mine = db.session.scalar(
            select(func.count()).where(*failed, LoginAttempt.device_id == device.id, LoginAttempt.username == username)
        )
        return mine >= config["LOGIN_MAX_FAILURES"]
    pair, address = db.session.execute(
        select(func.count().filter(LoginAttempt.username == username), func.count()).where(
            *failed, LoginAttempt.remote_addr == client_address()
        )
    ).one()
    return pair >= config["LOGIN_MAX_FAILURES"] or address >= config["LOGIN_ADDRESS_CEILING"]


def authenticate(username: str, password: str, device: Device | None = None) -> tuple[User | None, Device | None]:
    """Check a username and password, logging the attempt with its device; the caller checks `throttled` first.

    Returns the user (None when refused) and the device to remember: the one presented, or a new one for a
    browser or tablet signing in for the first time.
    """
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and user.check_password(password)
    if ok and device is None:
        device = Device.new()
    db.session.add(
        LoginAttempt(
            username=username[:64], remote_addr=client_address(), device_id=device.id if device else None, success=ok
        )
    )
    db.session.commit()
    return (user, device) if ok else (None, device)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("office.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The office sign-in form; failures are counted and throttled, a success opens a server-side session."""
    if current_user.is_authenticated:
        return redirect(url_for("office.home"))
    if session.pop("idle_signed_out", False) and request.method == "GET":
        flash(_("You were signed out after a while without activity. Sign in again to go on."), "info")
    errors: dict[str, str] = {}
    username = request.form.get("username", "").strip().lower()
    status = 200
    if request.method == "POST":
        password = request.form.get("password", "")
        if not username:
            errors["username"] = _("Enter your username.")
        if not password:
            errors["password"] = _("Enter your password.")
        device = read_device()
        if not errors and throttled(username, device):
            errors["form"] = _(
                "Too many failed sign-ins. Wait %(minutes)s minutes and try again.",
                minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            )
            status = 429
        elif not errors:
            user, device = authenticate(username, request.form.get("password", ""), device)
            if user is None:
                errors["form"] = _("Wrong username or password.")
                status = 401
            else:
                session.clear()
                session[OfficeSession.SESSION_KEY] = OfficeSession.open(user)
                db.session.commit()
                login_user(user)
                response = redirect(_safe_next(request.args.get("next")), code=303)
                remember_device(response, device, user.username)
                return response
        status = status if status != 200 else 422
    return render_template("auth/login.html", errors=errors, username=username), status


@bp.route("/logout", methods=["POST"])
@office()
def logout():
    """Sign out of the office, ending the session on the server too (a copy of the cookie is signed out with it);
    the language choice and the device cookie stay for the next person at this browser."""
    language = session.get("language") or current_user.language
    live = OfficeSession.find_live(session.get(OfficeSession.SESSION_KEY), current_user.id)
    if live is not None:
        live.revoke()
        db.session.commit()
    g.pop("user", None)  # the next messages are for nobody in particular
    logout_user()
    session.clear()
    if language:
        session["language"] = language
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered on the user's account when signed in."""
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        flash(_("Unknown language."), "error")
    else:
        session["language"] = language
        if current_user.is_authenticated:
            current_user.language = language
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")), code=303)
