"""Sync: how tablets and the server reconcile (SYNC_PROTOCOL.md is the contract).

Built so far: the per-store version counter (`server.models.next_store_version`), taken inside every write
transaction so versions become visible in commit order, and the per-field versions every synced record
carries (`SyncMixin.apply`). The push, pull, blob and schema endpoints under /api/sync/v1 come with the
sync engine.
"""
