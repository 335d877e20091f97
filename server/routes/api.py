"""The tablet's JSON API: bearer tokens (SYNC_PROTOCOL.md, Identities and authentication) and the profile.

The sync endpoints themselves live under /api/sync/v1 in server/sync/.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from flask_babel import gettext as _

from .. import boundary
from ..errors import ApiError
from ..extensions import db
from ..models import ApiToken, as_utc, utcnow
from ..policy import api, public
from .auth import authenticate, read_device, remember_device, throttled

bp = Blueprint("api", __name__, url_prefix="/api")


def _session_payload(token: ApiToken, clear: str | None = None) -> dict:
    payload = {
        "user": token.user.to_public(),
        # the store's time zone: the tablet shows every time of a record in it (the customer file's timeline)
        "store": {**token.user.store.to_public(), "time_zone": current_app.config["STORE_TIMEZONE"]},
        "expires_at": as_utc(token.expires_at).isoformat(),  # SQLite hands it back naive
    }
    if clear is not None:
        payload["token"] = clear
    return payload


@bp.post("/auth/token")
@public
def issue_token():
    """Exchange a username and password for a bearer token bound to the user's store.

    Throttled like the office form (server/routes/auth.py); a success sets the device cookie, which the tablet's
    same-origin fetch sends back, so a known tablet is not locked out by someone else's failures.
    """
    body = boundary.json_object()  # no lone surrogate, NUL or huge number reaches the login log
    errors = {}
    for field in ("username", "password"):
        if not isinstance(body.get(field), str) or not body[field].strip():
            errors[field] = [_("This field is required.")]
    label = body.get("device_label", "")
    if not isinstance(label, str):
        errors["device_label"] = [_("Must be text.")]
    if errors:
        raise ApiError(400, _("Some fields are missing or invalid."), errors)
    username = body["username"].strip().lower()
    device = read_device()
    if throttled(username, device):
        raise ApiError(
            429,
            _(
                "Too many failed sign-ins. Wait %(minutes)s minutes and try again.",
                minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            ),
            headers={"Retry-After": str(current_app.config["LOGIN_WINDOW_MINUTES"] * 60)},
        )
    user, device = authenticate(username, body["password"], device)
    if user is None:
        raise ApiError(401, _("Wrong username or password."))
    token, clear = ApiToken.issue(user, label, current_app.config["TOKEN_DAYS"])
    db.session.commit()
    response = jsonify(_session_payload(token, clear))
    remember_device(response, device, user.username)
    return response, 200


@bp.delete("/auth/token")
@api()
def revoke_token():
    """Revoke the token this call is made with (sign-out on the tablet)."""
    g.token.revoked_at = utcnow()
    db.session.commit()
    return "", 204


@bp.get("/me")
@api()
def me():
    """The signed-in user and store, refreshed by the tablet whenever it is online."""
    return jsonify(_session_payload(g.token))


@bp.patch("/me")
@api()
def update_me():
    """Remember the user's language; the only profile field a user changes themselves."""
    body = boundary.json_object()
    language = body.get("language")
    if language not in current_app.config["LANGUAGES"]:
        raise ApiError(
            422, _("Some fields are missing or invalid."), {"language": [_("Choose one of the listed values.")]}
        )
    g.user.language = language
    db.session.commit()
    return jsonify(_session_payload(g.token))
