"""Commands of the documents: `flask --app server make-dev-certificate` (`render-pending` is the queue's, in
server/jobs.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .certificate import make_dev_certificate


@click.command("make-dev-certificate")
@click.option("--force", is_flag=True, help="Replace an existing key and certificate.")
@with_appcontext
def make_dev_certificate_command(force: bool) -> None:
    """Make a self-signed key and certificate for sealing PDFs (development; set SIGNING_KEY/CERT in production)."""
    key, cert = Path(current_app.config["SIGNING_KEY"]), Path(current_app.config["SIGNING_CERT"])
    if cert.exists() and not force:
        click.echo(f"{cert} exists; use --force to replace it")
        return
    make_dev_certificate(key, cert, "Showroom")
    click.echo(f"development signing certificate written to {cert}")


COMMANDS = (make_dev_certificate_command,)
