"""Commands of the business layer: `flask --app server create-store | create-user | revoke-tokens | load-template |
purge-licence-photos`. Other tools and checks call these exact forms; keep their names and options."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from ..extensions import db
from ..models import utcnow
from ..vocabularies.roles import ROLES
from .accounts import create_store, create_user, store_by_code, user_by_name
from .handover import load_template
from .test_drive import purge_licence_photos


def _store(code: str):
    store = store_by_code(code)
    if store is None:
        raise click.ClickException(f"no store {code}")
    return store


@click.command("create-store")
@click.argument("code")
@click.argument("name")
@click.option("--brand", default="")
@click.option("--address", default="")
@with_appcontext
def create_store_command(code: str, name: str, brand: str, address: str) -> None:
    """Create a store (dealership showroom) with CODE and NAME."""
    try:
        create_store(code, name, brand, address)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"store {code} created")


@click.command("create-user")
@click.argument("username")
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--store", "store_code", required=True)
@click.option("--name", "display_name", default="")
@with_appcontext
def create_user_command(username: str, password: str, role: str, store_code: str, display_name: str):
    """Create a user of the store with code STORE."""
    store = _store(store_code)
    try:
        create_user(username, password, role, store, display_name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"user {username} ({role}) created in {store_code}")


@click.command("revoke-tokens")
@click.argument("username")
@with_appcontext
def revoke_tokens_command(username: str) -> None:
    """Revoke every bearer token of USERNAME (a lost tablet, a leaver)."""
    user = user_by_name(username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    count = user.revoke_tokens()
    db.session.commit()
    click.echo(f"{count} token(s) of {username} revoked")


@click.command("load-template")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_code", required=True)
@with_appcontext
def load_template_command(path: str, store_code: str) -> None:
    """Add a checklist template (JSON, see server/documents/checklists/) to a store as a new version."""
    store = _store(store_code)
    try:
        template = load_template(store, Path(path))
    except (ValidationError, ValueError) as exc:
        raise click.ClickException(f"not a valid template: {exc}") from exc
    db.session.commit()
    click.echo(f"template {template.key} v{template.template_version} in {store_code}")


@click.command("purge-licence-photos")
@with_appcontext
def purge_licence_photos_command() -> None:
    """Delete licence photos past each store's retention period (run daily, e.g. from cron)."""
    count = purge_licence_photos(utcnow())
    db.session.commit()
    click.echo(f"{count} licence photo(s) deleted")


COMMANDS = (
    create_store_command,
    create_user_command,
    revoke_tokens_command,
    load_template_command,
    purge_licence_photos_command,
)
