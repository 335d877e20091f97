"""The demo's command: `flask --app server seed-demo` (other tools call this exact form)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import DEMO_PASSWORD, seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo dealership (store DEMO); running it twice changes nothing."""
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


COMMANDS = (seed_demo_command,)
