"""Commands of the sync protocol: `flask --app server reset-sync-epoch | purge-tombstones`."""

from __future__ import annotations

import uuid
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Store, utcnow
from .purge import purge_tombstones


@click.command("reset-sync-epoch")
@click.argument("code")
@with_appcontext
def reset_sync_epoch_command(code: str) -> None:
    """After restoring store CODE from a backup: make every tablet pull its state afresh.

    A restored database can reuse store versions the tablets have already seen with other contents;
    a new epoch invalidates every pull cookie of the store, so tablets receive `clear` and the full state
    (their unsent changes are kept and replayed).
    """
    store = db.session.scalar(select(Store).where(Store.code == code))
    if store is None:
        raise click.ClickException(f"no store {code}")
    store.sync_epoch = str(uuid.uuid4())
    db.session.commit()
    click.echo(f"store {code}: tablets will pull afresh at their next sync")


@click.command("purge-tombstones")
@click.option("--days", type=int, default=None, help="Horizon in days (default: TOMBSTONE_DAYS).")
@click.option("--store", "store_code", default=None, help="Only this store (default: every store).")
@with_appcontext
def purge_tombstones_command(days: int | None, store_code: str | None) -> None:
    """Delete tombstones older than the horizon; tablets whose cookie is older then pull afresh."""
    horizon = utcnow() - timedelta(days=current_app.config["TOMBSTONE_DAYS"] if days is None else days)
    query = select(Store).order_by(Store.code)
    if store_code is not None:
        query = query.where(Store.code == store_code)
    stores = db.session.scalars(query).all()
    if store_code is not None and not stores:
        raise click.ClickException(f"no store {store_code}")
    for store_id, code in [(s.id, s.code) for s in stores]:
        count = purge_tombstones(store_id, horizon)
        click.echo(f"store {code}: {count} tombstone(s) purged")


COMMANDS = (reset_sync_epoch_command, purge_tombstones_command)
