"""Showroom: the sales floor of a car dealership, offline-first.

`create_app` is the whole wiring of the server, in order: configuration, extensions, request hooks,
entities, blueprints, command line. Everything else lives in the module that owns it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask


def create_app(config: type | None = None) -> Flask:
    """Build a Showroom app; `config` is a `Config` subclass (tests pass their own)."""
    # Imported here, not at the top: `import server.<module>` (the render child, the worker, tools) must not load
    # every blueprint and rule; create_app is the one place that needs them all.
    from . import boundary, database, errors, i18n, jobs, models, policy, security, sync
    from .config import WEB, Config
    from .demo.commands import COMMANDS as DEMO_COMMANDS
    from .documents.commands import COMMANDS as DOCUMENT_COMMANDS
    from .extensions import csrf, db, login_manager, migrate
    from .routes import register_blueprints
    from .sync.commands import COMMANDS as SYNC_COMMANDS
    from .workflow.commands import COMMANDS as WORKFLOW_COMMANDS

    # 1. Configuration: environment first, a test subclass on top.
    app = Flask(__name__, static_folder=str(WEB), static_url_path="/static", instance_relative_config=True)
    app.config.from_object(config or Config)
    if proxies := app.config["PROXY_COUNT"]:  # trust X-Forwarded-* only from proxies we were told of
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.json = boundary.StrictJSONProvider(app)  # no NaN/Infinity in request bodies (see boundary.py)
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

    # 4. The synced entities (server/workflow/entities.py) into the record registry; blueprints by audience.
    sync.install()
    register_blueprints(app)

    # 5. Command line: each package's own commands (seed-demo, create-store, create-user, revoke-tokens…).
    for command in (
        *WORKFLOW_COMMANDS,
        *SYNC_COMMANDS,
        *DOCUMENT_COMMANDS,
        jobs.render_pending_command,
        *DEMO_COMMANDS,
    ):
        app.cli.add_command(command)
    return app
