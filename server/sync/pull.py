"""Pull: the changes since a cookie, in the store's change order, from one consistent snapshot.

SYNC_PROTOCOL.md, Pull. The cookie is a signed position `(store version, key)`; pages are ordered by
`(version, key)` across every entity. Records are read with SQLAlchemy Core (no ORM objects) because a first
sync moves tens of thousands of them.
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, select, true

from .. import boundary
from ..database import snapshot
from ..errors import ApiError
from ..extensions import db
from ..i18n import device_moment
from ..models import ClientGroup, MutationLog, Store, SyncClient, User
from ..records.registry import AWAITING_BLOBS, REGISTRY, EntityType
from .protocol import SCHEMA_VERSION, check_group

MAX_LIMIT = 5000  # the server may lower a client's limit, never raise it
#: The key of a cookie that has seen every row of its version: it sorts after every `entity/id` key.
END = "~"
REJECTION = "rejection"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="showroom.sync.cookie")


def make_cookie(store: Store, group_id: str, version: int, key: str) -> str:
    """An opaque, signed cookie for a position in this store's change order."""
    return _serializer().dumps(
        {"s": store.id, "g": group_id, "e": store.sync_epoch, "f": store.tombstone_floor, "v": version, "k": key}
    )


def read_cookie(cookie: object, store: Store, group_id: str) -> tuple[int, str] | None:
    """The position a cookie names, or None when it must start over: unknown, foreign, from another epoch
    (restored backup), ahead of the store (restored backup), or behind tombstones purged since it was made."""
    if not isinstance(cookie, str):
        return None
    try:
        data = _serializer().loads(cookie)
    except (BadSignature, UnicodeError):  # not ours: start over
        return None
    if not isinstance(data, dict) or data.get("s") != store.id or data.get("g") != group_id:
        return None
    version, key = data.get("v"), data.get("k")
    if data.get("e") != store.sync_epoch or not isinstance(version, int) or not isinstance(key, str):
        return None
    if version > store.version:
        return None  # ahead of the store: a restored backup
    floor = store.tombstone_floor
    if data.get("f") != floor and (version, key) < (floor, END):
        # Tombstones were purged since this cookie was made, and it had not reached them: it may have missed a
        # delete. (A cookie made after the purge — a full state being paged — is below the floor and fine.)
        return None
    return version, key


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()  # SQLite drops the zone
    return value


def _after(table, prefix: str, version: int, key: str, id_column):
    """Rows after position (version, key) for the entity whose keys start with `prefix`."""
    if key.startswith(prefix):
        same_version = and_(table.c.version == version, id_column > key[len(prefix) :])
    elif prefix > key:
        same_version = table.c.version == version
    else:
        return table.c.version > version
    return or_(table.c.version > version, same_version)


def _entity_ops(entity: EntityType, store_id: int, version: int, key: str, limit: int, full: bool):
    table = entity.model.__table__
    columns = [
        table.c.id,
        table.c.store_id,
        table.c.version,
        table.c.field_versions,
        table.c.created_at,
        table.c.updated_at,
        table.c.deleted,
        table.c.device_created_at,
        *(table.c[f] for f in entity.fields),
        *([table.c.awaiting_blobs] if entity.blob_fields else []),
    ]
    prefix = f"{entity.name}/"
    query = select(*columns).where(table.c.store_id == store_id, _after(table, prefix, version, key, table.c.id))
    if full:
        query = query.where(table.c.deleted.is_(False))
    query = query.order_by(table.c.version, table.c.id).limit(limit)
    names = entity.fields
    for row in db.session.execute(query):
        if row.deleted:
            yield row.version, prefix + row.id, {"op": "del", "key": prefix + row.id}
            continue
        value = {
            "id": row.id,
            "store_id": row.store_id,
            "version": row.version,
            "fieldVersions": row.field_versions or {},
            "created_at": _json(row.created_at),
            "updated_at": _json(row.updated_at),
            "deleted": False,
            "device_created_at": row.device_created_at,
        }
        for offset, name in enumerate(names, start=8):
            value[name] = _json(row[offset])
        if entity.blob_fields:  # kept by the server like the META fields (SYNC_PROTOCOL.md, Blobs)
            value[AWAITING_BLOBS] = row.awaiting_blobs or []
        yield row.version, prefix + row.id, {"op": "put", "key": prefix + row.id, "value": value}


def _rejection_ops(group_id: str, store_id: int, version: int, key: str, limit: int):
    table = MutationLog.__table__
    prefix = f"{REJECTION}/"
    # A rejected mutation is alone at its version (its effects were rolled back), so at the cookie's own
    # version there is only the row the cookie names, or one whose key sorts after a key of another entity.
    position = or_(table.c.version > version, and_(table.c.version == version, prefix > key))
    query = (
        select(table)
        .where(
            table.c.store_id == store_id, table.c.client_group_id == group_id, table.c.outcome == "rejected", position
        )
        .order_by(table.c.version)
        .limit(limit)
    )
    for row in db.session.execute(query):
        rkey = f"{prefix}{row.id:012d}"
        yield (
            row.version,
            rkey,
            {
                "op": "put",
                "key": rkey,
                "value": {
                    "id": str(row.id),
                    "store_id": row.store_id,
                    "version": row.version,
                    "fieldVersions": {},
                    "created_at": _json(row.created_at),
                    "updated_at": _json(row.created_at),
                    "deleted": False,
                    "device_created_at": device_moment(row.device_time),
                    "clientID": row.client_id,
                    "mutationID": row.mutation_id,
                    "name": row.name,
                    "args": row.args,
                    "error": row.error,
                },
            },
        )


def parse_pull(body: object) -> tuple[str, object, int]:
    """Check the pull body's shape; 426 below the supported schema version."""
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    errors = {}
    group_id = body.get("clientGroupID")
    if not boundary.is_uuid(group_id):
        errors["clientGroupID"] = [_("Must be a UUID.")]
    version = body.get("schemaVersion", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        errors["schemaVersion"] = [_("Must be a whole number.")]
    limit = body.get("limit", 1000)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        errors["limit"] = [_("Must be a whole number from 1.")]
    if errors:
        raise ApiError(400, _("The pull is not of the protocol's shape."), errors)
    if not SCHEMA_VERSION["min"] <= version <= SCHEMA_VERSION["max"]:
        raise ApiError(
            426, _("This version of the app is no longer supported. Please update it."), code="version_not_supported"
        )
    return group_id, body.get("cookie"), min(limit, MAX_LIMIT)


def pull(user: User, body: object) -> dict:
    """Answer a pull for `user` (SYNC_PROTOCOL.md, Pull)."""
    group_id, cookie, limit = parse_pull(body)
    check_group(group_id, user)
    with snapshot():
        store = db.session.get(Store, user.store_id)
        position = read_cookie(cookie, store, group_id)
        reset = cookie is not None and position is None
        full = position is None
        version, key = position or (0, "")
        streams = [_entity_ops(e, store.id, version, key, limit + 1, full) for e in REGISTRY.values() if e.shared]
        streams.append(_rejection_ops(group_id, store.id, version, key, limit + 1))
        merged = list(heapq.merge(*streams, key=lambda item: (item[0], item[1])))
        page = merged[:limit]
        has_more = len(merged) > limit
        if has_more:
            end_version, end_key = page[-1][0], page[-1][1]
        else:  # the client now holds everything up to the snapshot's store version, whatever its last row
            end_version, end_key = max((store.version, END), (version, key))
        # A client's progress is reported once the page reaches its effects, so a tablet never drops a
        # pending change before it holds what the server made of it.
        reached = SyncClient.last_mutation_version <= end_version if has_more else true()
        changes = db.session.execute(
            select(SyncClient.id, SyncClient.last_mutation_id)
            .join(ClientGroup)
            .where(ClientGroup.id == group_id, SyncClient.last_mutation_version > (0 if full else version), reached)
        ).all()
        response = {
            "cookie": make_cookie(store, group_id, end_version, end_key),
            "hasMore": has_more,
            "lastMutationIDChanges": {cid: last for cid, last in changes},
            "patch": ([{"op": "clear"}] if reset else []) + [op for _v, _k, op in page],
        }
    return response
