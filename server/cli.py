"""Command line: `flask --app server seed-demo | create-store | create-user | revoke-tokens`.

Other tools and checks call these exact forms; keep their names and options.
"""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from .domain import ROLES
from .extensions import db
from .models import Store, User, utcnow


def create_store(code: str, name: str, brand: str = "", address: str = "", templates: bool = True) -> Store:
    """Create a store with the shipped checklist templates, test-drive rules and agreement (unless `templates` is
    false), or raise ValueError when the code is taken."""
    if db.session.scalar(select(Store).where(Store.code == code)):
        raise ValueError(f"store {code} exists")
    from .workflow.handover import default_templates

    store = Store(code=code, name=name, brand=brand, address=address)
    db.session.add(store)
    db.session.flush()
    if templates:
        default_templates(store)  # the shipped checklists (server/documents/checklists/*.json)
        from .workflow.test_drive import provision

        provision(store)  # test-drive rules and the shipped agreement (server/documents/agreements/*.json)
    return store


def create_user(
    username: str, password: str, role: str, store: Store, display_name: str = "", language: str = "zh_CN"
) -> User:
    """Create a staff account with an argon2 password hash, or raise ValueError."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role}; one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    if db.session.scalar(select(User).where(User.username == username)):
        raise ValueError(f"user {username} exists")
    user = User(
        username=username, display_name=display_name or username, role=role, store_id=store.id, language=language
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def init_app(app: Flask) -> None:
    """Register the commands on the app."""

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo dealership (store DEMO); running it twice changes nothing."""
        from .demo import DEMO_PASSWORD, seed_demo

        created, users = seed_demo()
        db.session.commit()
        click.echo(
            f"Demo store DEMO (示例4S店): {created} records created."
            if created
            else "Demo store DEMO (示例4S店) is already loaded; nothing changed."
        )
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            click.echo(f"  {user.username:<16} {user.role:<16} {user.display_name}")

    @app.cli.command("create-store")
    @click.argument("code")
    @click.argument("name")
    @click.option("--brand", default="")
    @click.option("--address", default="")
    def create_store_command(code: str, name: str, brand: str, address: str) -> None:
        """Create a store (dealership showroom) with CODE and NAME."""
        try:
            create_store(code, name, brand, address)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"store {code} created")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--password", required=True)
    @click.option("--role", required=True, type=click.Choice(list(ROLES)))
    @click.option("--store", "store_code", required=True)
    @click.option("--name", "display_name", default="")
    def create_user_command(username: str, password: str, role: str, store_code: str, display_name: str):
        """Create a user of the store with code STORE."""
        store = db.session.scalar(select(Store).where(Store.code == store_code))
        if store is None:
            raise click.ClickException(f"no store {store_code}")
        try:
            create_user(username, password, role, store, display_name)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"user {username} ({role}) created in {store_code}")

    @app.cli.command("revoke-tokens")
    @click.argument("username")
    def revoke_tokens_command(username: str) -> None:
        """Revoke every bearer token of USERNAME (a lost tablet, a leaver)."""
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username}")
        count = user.revoke_tokens()
        db.session.commit()
        click.echo(f"{count} token(s) of {username} revoked")

    @app.cli.command("reset-sync-epoch")
    @click.argument("code")
    def reset_sync_epoch_command(code: str) -> None:
        """After restoring store CODE from a backup: make every tablet pull its state afresh.

        A restored database can reuse store versions the tablets have already seen with other contents;
        a new epoch invalidates every pull cookie of the store, so tablets receive `clear` and the full state
        (their unsent changes are kept and replayed).
        """
        import uuid

        store = db.session.scalar(select(Store).where(Store.code == code))
        if store is None:
            raise click.ClickException(f"no store {code}")
        store.sync_epoch = str(uuid.uuid4())
        db.session.commit()
        click.echo(f"store {code}: tablets will pull afresh at their next sync")

    @app.cli.command("purge-tombstones")
    @click.option("--days", type=int, default=None, help="Horizon in days (default: TOMBSTONE_DAYS).")
    @click.option("--store", "store_code", default=None, help="Only this store (default: every store).")
    def purge_tombstones_command(days: int | None, store_code: str | None) -> None:
        """Delete tombstones older than the horizon; tablets whose cookie is older then pull afresh."""
        from datetime import timedelta

        from flask import current_app

        from .sync.purge import purge_tombstones

        horizon = utcnow() - timedelta(days=current_app.config["TOMBSTONE_DAYS"] if days is None else days)
        query = select(Store).order_by(Store.code)
        if store_code is not None:
            query = query.where(Store.code == store_code)
        stores = db.session.scalars(query).all()
        if store_code is not None and not stores:
            raise click.ClickException(f"no store {store_code}")
        for store in [(s.id, s.code) for s in stores]:
            count = purge_tombstones(store[0], horizon)
            click.echo(f"store {store[1]}: {count} tombstone(s) purged")

    @app.cli.command("make-dev-certificate")
    @click.option("--force", is_flag=True, help="Replace an existing key and certificate.")
    def make_dev_certificate_command(force: bool) -> None:
        """Make a self-signed key and certificate for sealing PDFs (development; set SIGNING_KEY/CERT in production)."""
        from pathlib import Path

        from .documents.certificate import make_dev_certificate

        key, cert = Path(app.config["SIGNING_KEY"]), Path(app.config["SIGNING_CERT"])
        if cert.exists() and not force:
            click.echo(f"{cert} exists; use --force to replace it")
            return
        make_dev_certificate(key, cert, "Showroom")
        click.echo(f"development signing certificate written to {cert}")

    @app.cli.command("load-template")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--store", "store_code", required=True)
    def load_template_command(path: str, store_code: str) -> None:
        """Add a checklist template (JSON, see server/documents/checklists/) to a store as a new version."""
        from pathlib import Path

        from marshmallow import ValidationError

        from .workflow.handover import load_template

        store = db.session.scalar(select(Store).where(Store.code == store_code))
        if store is None:
            raise click.ClickException(f"no store {store_code}")
        try:
            template = load_template(store, Path(path))
        except (ValidationError, ValueError) as exc:
            raise click.ClickException(f"not a valid template: {exc}") from exc
        db.session.commit()
        click.echo(f"template {template.key} v{template.template_version} in {store_code}")

    @app.cli.command("render-pending")
    def render_pending_command() -> None:
        """Render every document still waiting for its PDF (after a restart), in this process."""
        from . import jobs
        from .documents.pipeline import pending_documents

        ids = pending_documents()
        if app.config["JOBS_MODE"] == "redis":
            for document_id in ids:
                jobs.enqueue_render(document_id)
            click.echo(f"{len(ids)} pending document(s) queued for the workers")
            return
        from .documents.pipeline import render_document

        states = [render_document(document_id) for document_id in ids]
        click.echo(f"{len(ids)} pending document(s): {states.count('ready')} ready, {states.count('failed')} failed")

    @app.cli.command("purge-licence-photos")
    def purge_licence_photos_command() -> None:
        """Delete licence photos past each store's retention period (run daily, e.g. from cron)."""
        from .models import utcnow
        from .workflow.test_drive import purge_licence_photos

        count = purge_licence_photos(utcnow())
        db.session.commit()
        click.echo(f"{count} licence photo(s) deleted")
