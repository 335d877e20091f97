"""Sync: how tablets and the server reconcile (SYNC_PROTOCOL.md is the contract).

A tablet keeps an outbox of mutations, each numbered per client (1, 2, 3…), and pushes them; the server
applies each exactly once, in order, in the same transaction as the client's new lastMutationID (push.py).
Every processed mutation takes the store's next version inside the write transaction, so versions become
visible in commit order and a pull cursor of `(version, key)` never skips a row (pull.py). Fields carry the
version and origin of their last write; the record core decides conflicts (server/records/: merge rules,
mutators, conflict keeping), and a value that loses is kept as a Conflict record until a person keeps or restores
it. Rejected mutations are logged and published to their client group; they never block the queue. Blobs are
content-addressed and verified on upload (routes.py, server/storage.py). Entities are listed in
server/workflow/entities.py; `install` puts them in the record registry, which also publishes their JSON Schema
at /api/sync/v1/schema.

This package is the protocol only: push.py, pull.py, protocol.py (what both share), routes.py (the endpoints),
signing.py (the sign mutator), purge.py (tombstones), commands.py.
"""

from __future__ import annotations

from ..records import install as install_records
from ..workflow.entities import ENTITIES, NAMED_MUTATORS
from .signing import sign


def install() -> None:
    """Put the synced entities and every named mutator in the record registry (create_app calls it once)."""
    install_records(ENTITIES, {**NAMED_MUTATORS, "sign": sign})
