"""The tablet PWA: its shell, service worker, manifest and translations — all public and cacheable.

The shell holds no personal data: who is signed in lives in the tablet's IndexedDB (web/js/core/db.js), so the
same precached shell serves every user and opens with no network.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, send_from_directory

from ..config import WEB
from ..i18n import js_catalogue
from ..policy import public

bp = Blueprint("tablet", __name__)


@bp.get("/tablet/")
@public
def shell():
    """The app shell; screens are drawn by web/js from IndexedDB."""
    return render_template("tablet/shell.html")


@bp.get("/offline")
@public
def offline():
    """What the service worker shows for an office page opened without a network."""
    return render_template("tablet/offline.html")


@bp.get("/sw.js")
@public
def service_worker():
    """Served from the root so its scope covers the app; never cached by HTTP, so updates are seen."""
    response = send_from_directory(WEB, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """The install manifest (name, icons, start URL)."""
    return send_from_directory(WEB, "manifest.webmanifest", mimetype="application/manifest+json")


@bp.get("/i18n/<language>.json")
@public
def translations(language: str):
    """The tablet's strings in one language, built from the gettext catalogue."""
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    return jsonify(js_catalogue(language))
