"""Office sign-in and sign-out, the language switch, and the login throttle shared with the API."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import LoginAttempt, User, utcnow
from ..policy import office, public

bp = Blueprint("auth", __name__)


def throttled(username: str, remote_addr: str) -> bool:
    """True when this username or address failed too often within the window (multi-process safe)."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    failures = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.success.is_(False),
            LoginAttempt.at >= since,
            or_(LoginAttempt.username == username, LoginAttempt.remote_addr == remote_addr),
        )
    )
    return failures >= current_app.config["LOGIN_MAX_FAILURES"]


def authenticate(username: str, password: str) -> User | None:
    """Check a username and password, logging the attempt; the caller checks `throttled` first."""
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and user.check_password(password)
    db.session.add(LoginAttempt(username=username[:64], remote_addr=(request.remote_addr or "")[:64], success=ok))
    db.session.commit()
    return user if ok else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("office.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The office sign-in form; failures are counted and throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("office.home"))
    errors: dict[str, str] = {}
    username = request.form.get("username", "").strip().lower()
    status = 200
    if request.method == "POST":
        password = request.form.get("password", "")
        if not username:
            errors["username"] = _("Enter your username.")
        if not password:
            errors["password"] = _("Enter your password.")
        if not errors and throttled(username, request.remote_addr or ""):
            errors["form"] = _(
                "Too many failed sign-ins. Wait %(minutes)s minutes and try again.",
                minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            )
            status = 429
        elif not errors:
            user = authenticate(username, request.form.get("password", ""))
            if user is None:
                errors["form"] = _("Wrong username or password.")
                status = 401
            else:
                session.clear()
                login_user(user)
                return redirect(_safe_next(request.args.get("next")), code=303)
        status = status if status != 200 else 422
    return render_template("auth/login.html", errors=errors, username=username), status


@bp.route("/logout", methods=["POST"])
@office()
def logout():
    """Sign out of the office; the language choice stays for the next person at this browser."""
    language = session.get("language") or current_user.language
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
