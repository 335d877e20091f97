"""Operator commands of the sync engine."""

from __future__ import annotations

import uuid

from tests.factories import make_store, make_user
from tests.factories.tablets import tablet_for


def test_reset_sync_epoch_makes_tablets_pull_afresh(app, client):
    """After `reset-sync-epoch CODE` (a restore from backup), a tablet's next pull starts with `clear` and the
    full state; its cookie from before is no longer honoured."""
    with app.app_context():
        store = make_store("EPOCH")
        user = make_user(store, "consultant")
        tablet = tablet_for(client, user)
    tablet.push(tablet.put("customer", str(uuid.uuid4()), {"name": "赵六", "owner_id": None}))
    first = tablet.pull()
    assert [op["op"] for op in first["patch"]] == ["put"]
    assert tablet.pull()["patch"] == []  # up to date

    result = app.test_cli_runner().invoke(args=["reset-sync-epoch", "EPOCH"])
    assert result.exit_code == 0, result.output
    after = tablet.pull()
    assert after["patch"][0] == {"op": "clear"}
    assert [op["key"].split("/")[0] for op in after["patch"][1:]] == ["customer"]


def test_reset_sync_epoch_of_an_unknown_store_fails(app):
    """A mistyped store code changes nothing and says so."""
    result = app.test_cli_runner().invoke(args=["reset-sync-epoch", "NOPE"])
    assert result.exit_code != 0 and "no store NOPE" in result.output
