"""Showroom: the sales floor of a car dealership, offline-first.

`create_app` is the whole wiring of the server, in order: configuration, extensions, request hooks,
blueprints, command line. Everything else lives in the module that owns it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(config: type | None = None) -> Flask:
    """Build a Showroom app; `config` is a `Config` subclass (tests pass their own)."""
    from . import boundary, cli, database, errors, i18n, jobs, models, policy, security
    from .config import Config
    from .extensions import csrf, db, login_manager, migrate
    from .routes import register_blueprints

    # 1. Configuration: environment first, a test subclass on top.
    app = Flask(__name__, static_folder=str(WEB), static_url_path="/static", instance_relative_config=True)
    app.config.from_object(config or Config)
    if proxies := app.config["PROXY_COUNT"]:  # trust X-Forwarded-* only from proxies we were told of
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.json = errors.StrictJSONProvider(app)  # no NaN/Infinity in request bodies (see errors.py)
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)  # also makes instance/ for SQLite

    # 2. Extensions.
    db.init_app(app)
    database.init_app(app)  # SQLite: WAL, busy timeout, explicit BEGIN (see server/database.py)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    models.init_app(app, login_manager)
    i18n.init_app(app)
    jobs.init_app(app)  # PDF rendering off the request path

    # 3. Request hooks: who may call what (policy), security headers, one error shape.
    boundary.init_app(app)  # JSON bodies: size limit before anything reads them (see boundary.py)
    policy.init_app(app)
    security.init_app(app)
    errors.init_app(app)  # one error shape: JSON {code, message, errors} for the API, pages for people

    # 4. Blueprints by audience: auth, office, tablet, api.
    register_blueprints(app)

    # 5. Command line: seed-demo, create-store, create-user, revoke-tokens.
    cli.init_app(app)
    return app
