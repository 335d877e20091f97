"""Push: each client's mutations applied exactly once, in order, atomically with its lastMutationID.

SYNC_PROTOCOL.md, Push. One push runs in one write transaction that takes the store's lock first, so versions
become visible in commit order and the clients' lastMutationIDs are read after any concurrent push committed.
Each processed mutation takes the next store version. A mutation that fails validation or permission is
recorded as `rejected` with nothing of it applied, and the queue goes on; so is one that crashes (a bug, a value
the database refuses), found by redoing the push with a savepoint per mutation (see `push`). A transient
database failure aborts the whole push (503): nothing of it is committed, and the client resends the same ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from .. import boundary
from ..database import write_transaction
from ..errors import ApiError
from ..extensions import db
from ..models import ClientGroup, MutationLog, Store, SyncClient, User, next_store_version, utcnow
from ..records.mutators import ABSENT, MUTATORS, Context, Rejection, record_id_of
from ..records.registry import entity_type
from .protocol import SCHEMA_VERSION, bind_clients, bind_group, lock_store, unavailable


@dataclass(frozen=True)
class Mutation:
    """One mutation of a push body, shape-checked."""

    client_id: str
    id: int
    name: Any
    args: Any
    device_time: Any


def parse_push(body: object) -> tuple[str, int, list[Mutation]]:
    """Check the push body's shape (400 with field errors when it is not), without judging mutations."""
    errors: dict[str, list[str]] = {}
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    group_id = body.get("clientGroupID")
    if not boundary.is_uuid(group_id):
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
        if not isinstance(item, dict) or not boundary.is_uuid(item.get("clientID")):
            errors[f"mutations.{index}.clientID"] = [_("Must be a UUID.")]
            continue
        mid = item.get("id")
        if not isinstance(mid, int) or isinstance(mid, bool) or not 1 <= mid <= boundary.SAFE_INTEGER:
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


#: Mutators whose every Rejection is raised before they change anything: in the fast pass they run without a
#: savepoint of their own (see `push`).
PLAIN = frozenset({"put", "delete"})


class _Redo(Exception):
    """The fast pass met something it cannot attribute to one mutation; the push is redone carefully."""


class _Versions:
    """The store's versions handed out in this transaction (which holds the store's lock).

    The fast pass counts in memory and writes the counter once; a mutator run the careful way takes its version
    through `next_store_version` (it may write more at that version, or call code that takes its own).
    """

    def __init__(self, store_id: int):
        self.store_id = store_id
        self.current = db.session.scalar(select(Store.version).where(Store.id == store_id))
        self.written = self.current
        self.named: set = set()  # record ids the push's plain mutations named so far

    def next(self) -> int:
        self.current += 1
        return self.current

    def sync(self) -> None:
        if self.current != self.written:
            db.session.execute(update(Store).where(Store.id == self.store_id).values(version=self.current))
            self.written = self.current

    def take(self) -> int:
        self.sync()
        self.current = self.written = next_store_version(self.store_id)
        return self.current


def push(user: User, body: object) -> dict:
    """Process a push body for `user` and return the response of the contract.

    A push is processed in one write transaction, first in a fast pass: plain mutators (`put`, `delete`) run
    without a savepoint each, versions are counted in memory, and the log is flushed in bulk. If anything but a
    Rejection goes wrong in that pass (a bug, a value the database refuses at the flush), the transaction is
    rolled back and the push is processed again the careful way — one savepoint per mutation — so the failure is
    pinned on its mutation, recorded as rejected, and the queue goes on. Both passes give the same results.
    """
    group_id, _version, mutations = parse_push(body)
    try:
        return _push(user, group_id, mutations, fast=True)
    except _Redo:
        return _push(user, group_id, mutations, fast=False)


def _push(user: User, group_id: str, mutations: list[Mutation], fast: bool) -> dict:
    results: list[dict] = []
    out_of_order: dict[str, dict] = {}
    try:
        with write_transaction():
            lock_store(user.store_id)
            group = bind_group(group_id, user)
            clients = bind_clients({m.client_id for m in mutations}, group)
            if fast:
                _preload(mutations)
            versions = _Versions(user.store_id)
            for mutation in mutations:
                if mutation.client_id in out_of_order:
                    continue
                client = clients[mutation.client_id]
                if mutation.id <= client.last_mutation_id:
                    results.append(_duplicate(mutation))
                elif mutation.id > client.last_mutation_id + 1:
                    out_of_order[client.id] = {"expected": client.last_mutation_id + 1}
                else:
                    results.append(process(mutation, client, group, user, versions, fast))
            versions.sync()
            group.last_seen_at = utcnow()
            last_ids = {cid: c.last_mutation_id for cid, c in clients.items()}
            db.session.flush()
            store_version = versions.current
    except OperationalError as exc:
        raise unavailable() from exc
    except DBAPIError as exc:
        if fast:  # e.g. a constraint refusing one mutation's value at the bulk flush: find which, carefully
            raise _Redo from exc
        raise unavailable() from exc
    except (ApiError, _Redo):
        raise
    except Exception as exc:
        if fast:  # a value a driver refuses at the flush without a DBAPIError (e.g. OverflowError): find which
            raise _Redo from exc
        raise
    finally:
        db.session.info.pop(ABSENT, None)
    return {"lastMutationIDs": last_ids, "storeVersion": store_version, "results": results, "outOfOrder": out_of_order}


def _preload(mutations: list[Mutation]) -> None:
    """Load the records the push names, one query per entity, so mutators find them in the session; remember
    the ids that do not exist (session.info[ABSENT]) so they are not looked up one by one."""
    wanted: dict[type, set[str]] = {}
    for mutation in mutations:
        entity = entity_type(mutation.args.get("entity")) if isinstance(mutation.args, dict) else None
        record_id = record_id_of(mutation.args)
        if entity is not None and record_id is not None:
            wanted.setdefault(entity.model, set()).add(record_id)
    absent = set()
    for model, ids in wanted.items():
        ids = sorted(ids)
        for offset in range(0, len(ids), 500):
            chunk = ids[offset : offset + 500]
            found = {record.id for record in db.session.scalars(select(model).where(model.id.in_(chunk)))}
            absent.update((model, record_id) for record_id in chunk if record_id not in found)
    db.session.info[ABSENT] = absent


def _duplicate(mutation: Mutation) -> dict:
    log = db.session.scalar(
        select(MutationLog).where(MutationLog.client_id == mutation.client_id, MutationLog.mutation_id == mutation.id)
    )
    original = log.result() if log is not None else None
    return {"clientID": mutation.client_id, "id": mutation.id, "outcome": "duplicate", "original": original}


def process(
    mutation: Mutation, client: SyncClient, group: ClientGroup, user: User, versions: _Versions, fast: bool = False
) -> dict:
    """Apply one mutation; record it in the log with the version it took (see `push` for the two passes)."""
    unstorable, too_large = _unstorable(mutation)
    mutator = MUTATORS.get(mutation.name) if isinstance(mutation.name, str) and not unstorable else None
    plain = fast and mutation.name in PLAIN
    version = versions.next() if plain else versions.take()
    device_time = mutation.device_time if isinstance(mutation.device_time, str) else None
    ctx = Context(
        store_id=user.store_id,
        user=user,
        group_id=group.id,
        client_id=client.id,
        version=version,
        device_time=boundary.scrub_text(device_time[:64]) if device_time else None,
    )
    log = _log_entry(mutation, ctx, _kept_args(mutation.args, too_large, bool(unstorable)))
    savepoint = None if plain else db.session.begin_nested()
    try:
        _refuse_unfit(mutation, mutator, too_large, unstorable)
        target = record_id_of(mutation.args)
        if target in versions.named:  # an earlier mutation of this push may have created it: make it findable
            db.session.flush()
            absent = db.session.info.get(ABSENT, set())
            db.session.info[ABSENT] = {key for key in absent if key[1] != target}
        versions.named.add(target)
        if plain:
            with db.session.no_autoflush:  # flushed in bulk at the end of the push
                conflict_ids = mutator(ctx, mutation.args)
        else:
            conflict_ids = mutator(ctx, mutation.args)
            savepoint.commit()
        log.outcome = "conflict" if conflict_ids else "applied"
        log.conflict_ids = conflict_ids
        log.replaced = ctx.replaced or None
    except Rejection as rejection:  # raised before the mutator changed anything, or undone by the savepoint
        if savepoint is not None:
            savepoint.rollback()
        log.outcome, log.error = "rejected", rejection.as_error()
    except OperationalError:
        raise  # transient (lock timeout, connection lost): the whole push answers 503
    except Exception as exc:  # a bug or a value the database refuses: it must not block the queue (rule 3)
        if savepoint is None:
            raise _Redo from exc  # the fast pass has no savepoint to undo it with
        savepoint.rollback()  # also after a failed flush, which leaves the savepoint inactive but open
        current_app.logger.exception(
            "mutation %s/%s (%r) failed; recorded as rejected", client.id, mutation.id, mutation.name
        )
        log.outcome = "rejected"
        log.error = Rejection(
            "server_error", _("The server could not apply this change. It is kept for the back office.")
        ).as_error()
    db.session.add(log)
    client.last_mutation_id = mutation.id
    client.last_mutation_version = version
    if savepoint is not None:
        db.session.flush()
        versions.current = versions.written = db.session.scalar(
            select(Store.version).where(Store.id == user.store_id)
        )  # the mutator may have taken more versions
    return log.result()


def _log_entry(mutation: Mutation, ctx: Context, kept_args: object) -> MutationLog:
    """The mutation's row in the log (its outcome is set once it has run)."""
    return MutationLog(
        store_id=ctx.store_id,
        client_group_id=ctx.group_id,
        client_id=ctx.client_id,
        mutation_id=mutation.id,
        user_id=ctx.user.id,
        name=boundary.scrub_text(str(mutation.name)[:64]),
        args=kept_args,
        device_time=ctx.device_time,
        version=ctx.version,
        conflict_ids=[],
    )


def _refuse_unfit(mutation: Mutation, mutator, too_large: bool, unstorable: dict[str, list[str]]) -> None:
    """Raise the Rejection of a mutation no mutator may run: too large, unstorable, unknown, or not an object."""
    if too_large:
        raise Rejection("too_large", _("This change is too large to keep. Shorten its texts and try again."))
    if unstorable:
        raise Rejection("invalid", _("Some fields are missing or invalid."), unstorable)
    if mutator is None:
        raise Rejection("unknown_mutator", _("This app sent a change the server does not know."))
    if not isinstance(mutation.args, dict):
        raise Rejection("invalid", _("The change is not of the protocol's shape."), {"args": [_("Must be an object.")]})


def _unstorable(mutation: Mutation) -> tuple[dict[str, list[str]], bool]:
    """What of a mutation the input boundary refuses (server/boundary.py), field by field — fields of `set` by
    their own names, as the schema's errors are — and whether it is larger than a mutation may be."""
    problems = boundary.unsafe({"name": mutation.name, "deviceTime": mutation.device_time, "args": mutation.args})
    fields = {name.removeprefix("args.set."): messages for name, messages in problems.items()}
    return fields, boundary.size(mutation.args) > current_app.config["MUTATION_MAX_BYTES"]


def _kept_args(args: object, too_large: bool, unstorable: bool) -> object:
    """The args as the log keeps them: verbatim, or a storable copy (`boundary.scrub`), or — for a mutation
    larger than any a tablet makes — only what names it, so junk is not sent back on every pull."""
    if too_large:
        named = {key: args.get(key) for key in ("entity", "id")} if isinstance(args, dict) else {}
        return boundary.scrub({**named, "omitted_bytes": boundary.size(args)})
    return boundary.scrub(args) if unstorable else args
