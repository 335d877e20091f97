"""Sync: how tablets and the server reconcile (SYNC_PROTOCOL.md is the contract).

A tablet keeps an outbox of mutations, each numbered per client (1, 2, 3…), and pushes them; the server
applies each exactly once, in order, in the same transaction as the client's new lastMutationID (push.py).
Every processed mutation takes the store's next version inside the write transaction, so versions become
visible in commit order and a pull cursor of `(version, key)` never skips a row (pull.py). Fields carry the
version and origin of their last write; the pure merge rules (merge.py) decide conflicts, and a value that
loses is kept as a Conflict record until a person keeps or restores it (mutators.py, writes.py). Rejected
mutations are logged and published to their client group; they never block the queue. Blobs are
content-addressed and verified on upload (storage.py, routes.py). Entities join through one registry
(registry.py, entities.py), which also publishes their JSON Schema at /api/sync/v1/schema.
"""

from . import entities, signing  # noqa: E402,F401 - registers the synced entities and the sign mutator
from . import entities_test_drive as _test_drive  # noqa: E402,F401 - test drives (issue 5), named mutators
