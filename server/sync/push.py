"""Push: each client's mutations applied exactly once, in order, atomically with its lastMutationID.

SYNC_PROTOCOL.md, Push. One push runs in one write transaction that takes the store's counter first, so
versions become visible in commit order. Each mutation takes the next store version and runs inside a
savepoint: a mutation that fails validation or permission is rolled back to its savepoint and recorded as
`rejected`, and the queue goes on. A database failure aborts the whole push (503): nothing of it is
committed, and the client resends the same ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError

from ..database import write_transaction
from ..errors import ApiError
from ..extensions import db
from ..models import ClientGroup, MutationLog, Store, SyncClient, User, next_store_version, utcnow
from .mutators import MUTATORS, Context, Rejection

SCHEMA_VERSION = {"min": 1, "max": 1}


@dataclass(frozen=True)
class Mutation:
    """One mutation of a push body, shape-checked."""

    client_id: str
    id: int
    name: Any
    args: Any
    device_time: Any


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def parse_push(body: object) -> tuple[str, int, list[Mutation]]:
    """Check the push body's shape (400 with field errors when it is not), without judging mutations."""
    errors: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    group_id = body.get("clientGroupID")
    if not _is_uuid(group_id):
        errors["clientGroupID"] = [_("Must be a UUID.")]
    schema_version = body.get("schemaVersion", 1)
    if not isinstance(schema_version, int) or isinstance(schema_version, bool):
        errors["schemaVersion"] = [_("Must be a whole number.")]
    raw = body.get("mutations")
    if not isinstance(raw, list):
        errors["mutations"] = [_("Must be a list.")]
        raw = []
    mutations = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not _is_uuid(item.get("clientID")):
            errors[f"mutations.{index}.clientID"] = [_("Must be a UUID.")]
            continue
        mid = item.get("id")
        if not isinstance(mid, int) or isinstance(mid, bool) or mid < 1:
            errors[f"mutations.{index}.id"] = [_("Must be a whole number from 1.")]
            continue
        mutations.append(Mutation(item["clientID"], mid, item.get("name"), item.get("args"), item.get("deviceTime")))
    if errors:
        raise ApiError(400, _("The push is not of the protocol's shape."), errors)
    if not SCHEMA_VERSION["min"] <= schema_version <= SCHEMA_VERSION["max"]:
        raise ApiError(
            426, _("This version of the app is no longer supported. Please update it."), code="version_not_supported"
        )
    return group_id, schema_version, mutations


def bind_group(group_id: str, user: User) -> ClientGroup:
    """The client group, bound to this user and store at first use; anyone else presenting it gets 403."""
    group = db.session.get(ClientGroup, group_id)
    if group is None:
        group = ClientGroup(id=group_id, store_id=user.store_id, user_id=user.id)
        db.session.add(group)
        db.session.commit()
    elif group.user_id != user.id or group.store_id != user.store_id:
        raise ApiError(403, _("This app install belongs to another user. Sign in again on this tablet."))
    return group


def bind_clients(client_ids: set[str], group: ClientGroup) -> None:
    """Bind new clients to the group; a client of another group → 403."""
    known = {c.id: c for c in db.session.scalars(select(SyncClient).where(SyncClient.id.in_(client_ids)))}
    for client_id in client_ids:
        client = known.get(client_id)
        if client is None:
            db.session.add(SyncClient(id=client_id, client_group_id=group.id))
        elif client.client_group_id != group.id:
            raise ApiError(403, _("This app instance belongs to another install."))
    db.session.commit()


def push(user: User, body: object) -> dict:
    """Process a push body for `user` and return the response of the contract."""
    group_id, _version, mutations = parse_push(body)
    group = bind_group(group_id, user)
    bind_clients({m.client_id for m in mutations}, group)
    results: list[dict] = []
    out_of_order: dict[str, dict] = {}
    try:
        with write_transaction():
            clients = {
                c.id: c
                for c in db.session.scalars(
                    select(SyncClient).where(SyncClient.id.in_({m.client_id for m in mutations}))
                )
            }
            for mutation in mutations:
                if mutation.client_id in out_of_order:
                    continue
                client = clients[mutation.client_id]
                if mutation.id <= client.last_mutation_id:
                    results.append(_duplicate(mutation))
                elif mutation.id > client.last_mutation_id + 1:
                    out_of_order[client.id] = {"expected": client.last_mutation_id + 1}
                else:
                    results.append(process(mutation, client, group, user))
            group.last_seen_at = utcnow()
            last_ids = {cid: c.last_mutation_id for cid, c in clients.items()}
            store_version = db.session.scalar(select(Store.version).where(Store.id == user.store_id))
    except (OperationalError, DBAPIError) as exc:
        raise ApiError(
            503,
            _("The server is busy. Your changes are safe on the tablet and will be sent again."),
            code="unavailable",
            headers={"Retry-After": "2"},
        ) from exc
    return {"lastMutationIDs": last_ids, "storeVersion": store_version, "results": results, "outOfOrder": out_of_order}


def _duplicate(mutation: Mutation) -> dict:
    log = db.session.scalar(
        select(MutationLog).where(MutationLog.client_id == mutation.client_id, MutationLog.mutation_id == mutation.id)
    )
    original = log.result() if log is not None else None
    return {"clientID": mutation.client_id, "id": mutation.id, "outcome": "duplicate", "original": original}


def process(mutation: Mutation, client: SyncClient, group: ClientGroup, user: User) -> dict:
    """Apply one mutation in a savepoint; record it in the log with the version it took."""
    version = next_store_version(user.store_id)
    ctx = Context(
        store_id=user.store_id,
        user=user,
        group_id=group.id,
        client_id=client.id,
        version=version,
        device_time=mutation.device_time if isinstance(mutation.device_time, str) else None,
    )
    log = MutationLog(
        store_id=user.store_id,
        client_group_id=group.id,
        client_id=client.id,
        mutation_id=mutation.id,
        user_id=user.id,
        name=str(mutation.name)[:64],
        args=mutation.args if _jsonable(mutation.args) else repr(mutation.args),
        device_time=ctx.device_time and ctx.device_time[:64],
        version=version,
        conflict_ids=[],
    )
    savepoint = db.session.begin_nested()
    try:
        mutator = MUTATORS.get(mutation.name) if isinstance(mutation.name, str) else None
        if mutator is None:
            raise Rejection("unknown_mutator", _("This app sent a change the server does not know."))
        if not isinstance(mutation.args, dict):
            raise Rejection(
                "invalid", _("The change is not of the protocol's shape."), {"args": [_("Must be an object.")]}
            )
        conflict_ids = mutator(ctx, mutation.args)
        savepoint.commit()
        log.outcome = "conflict" if conflict_ids else "applied"
        log.conflict_ids = conflict_ids
    except Rejection as rejection:
        savepoint.rollback()
        log.outcome, log.error = "rejected", rejection.as_error()
    db.session.add(log)
    client.last_mutation_id = mutation.id
    client.last_mutation_version = version
    db.session.flush()
    return log.result()


def _jsonable(value: object) -> bool:
    return value is None or isinstance(value, (dict, list, str, int, float, bool))
