"""Blueprints by audience: auth (sign-in), office (htmx pages), tablet (PWA shell), api (bearer JSON)."""

from __future__ import annotations

from flask import Flask

from ..extensions import csrf
from ..sync.routes import bp as sync_bp
from . import navigation
from .api import bp as api_bp
from .auth import bp as auth_bp
from .documents import bp as documents_bp
from .office import bp as office_bp
from .presentations import bp as presentations_bp
from .reception import bp as reception_bp
from .review import bp as review_bp
from .sales import bp as sales_bp
from .tablet import bp as tablet_bp
from .test_drives import bp as test_drives_bp
from .walkaround_reports import bp as walkaround_bp


def register_blueprints(app: Flask) -> None:
    """Register every blueprint; each view carries its policy rule (server/policy.py)."""
    navigation.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(reception_bp)
    app.register_blueprint(sales_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(presentations_bp)
    app.register_blueprint(walkaround_bp)
    app.register_blueprint(test_drives_bp)
    app.register_blueprint(tablet_bp)
    csrf.exempt(api_bp)  # bearer tokens are not ambient credentials (SYNC_PROTOCOL.md)
    app.register_blueprint(api_bp)
    csrf.exempt(sync_bp)
    app.register_blueprint(sync_bp)
