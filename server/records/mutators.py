"""The mutators every synced entity supports: `put` and `delete` (and `sign`, for signable entities, later).

A mutator checks its arguments and permissions, asks the pure merge rules (merge.py) what to write, writes
it through `SyncMixin.apply`, and keeps every overwritten value in a Conflict. It raises `Rejection` for
anything it will not apply; push.py records that and moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from .. import boundary
from ..extensions import db
from ..i18n import device_moment
from ..models import Conflict, MutationLog, User, as_utc, utcnow, uuid7
from .blobs import refresh_awaiting
from .lookup import store_record
from .merge import DELETED, ConflictDraft, FieldState, Merge, merge_delete, merge_put
from .registry import EntityType, entity_type


@dataclass(frozen=True)
class Context:
    """Who is writing, from where, and the store version this mutation took."""

    store_id: int
    user: User
    group_id: str | None
    client_id: str | None
    version: int
    device_time: str | None = None
    #: What this mutation's writes replaced: {"<entity>/<id>": {field: [field version, value]}} (MutationLog.replaced)
    replaced: dict = field(default_factory=dict, compare=False)

    @property
    def origin(self) -> str:
        """The writer's identity for the merge rules: its client group, or the office user."""
        return self.group_id or f"office:{self.user.id}"


class Rejection(Exception):
    """A mutation that will not be applied; `as_error` is the contract's `{code, message, errors}`."""

    def __init__(self, code: str, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors or {}

    def as_error(self) -> dict:
        return {"code": self.code, "message": self.message, "errors": self.errors}


#: session.info key: (model, id) of records known not to exist, so `_target` need not look again.
ABSENT = "sync_absent"


def flatten_messages(messages: dict) -> dict[str, list[str]]:
    """Marshmallow's messages as `{field: [text]}`, keyed by the entity's own field. A nested field's messages (an
    entry of a list or a dict) are its leaf texts, each after the entry it concerns — a dict's key as it is (a
    checklist item's code), a list's position from 1 ("#2") — never the text of a dict, never a sub-field's code."""

    def leaves(value, where: tuple[str, ...]) -> list[str]:
        if isinstance(value, dict):
            found = []
            for key, child in value.items():
                if isinstance(key, int):
                    found += leaves(child, (*where, f"#{key + 1}"))
                elif isinstance(child, dict) and child and set(child) <= {"key", "value"}:
                    found += leaves(child, (*where, str(key)))  # an entry of a dict field, by its key
                else:
                    found += leaves(child, where)  # a field of a nested record: its message says enough
            return found
        if isinstance(value, list):
            return [text for child in value for text in leaves(child, where)]
        return [f"{' · '.join(where)} · {value}" if where else str(value)]

    return {field: list(dict.fromkeys(leaves(msgs, ()))) for field, msgs in messages.items()}


def load_put(entity: EntityType, incoming: dict, current: dict | None) -> dict:
    """The values of a `put` as the entity's schema loads them (raises ValidationError).

    A new record (`current` None) is loaded whole. For an existing one only the fields in `set` are returned, and
    nothing it does not send is required again: the schema loads the stored record with `set` on top, so rules
    that read fields together (a refusal and its reasons, two budget bounds) see the stored values of the others.
    An error the stored record has without this `put` is not the put's fault: then `set` is loaded alone.
    """
    if current is None:
        return entity.loader.load(incoming)
    try:
        loaded = entity.loader.load({**current, **incoming}, partial=True)
    except ValidationError as exc:
        errors = flatten_messages(exc.normalized_messages())
        before = flatten_messages(entity.loader.validate(current, partial=True))
        blamed = {
            name: messages for name, messages in errors.items() if name in incoming or before.get(name) != messages
        }
        if blamed:
            raise ValidationError(blamed) from None
        loaded = entity.loader.load(incoming, partial=True)  # only what was stored is wrong: judge the put alone
    return {f: v for f, v in loaded.items() if f in incoming}


def record_id_of(args: object) -> str | None:
    """The record id a mutation's args name, when it is a UUID in canonical form; otherwise None."""
    raw = args.get("id") if isinstance(args, dict) else None
    return raw if boundary.is_uuid(raw) else None


def foreign_references(entity: EntityType, values: dict, store_id: int) -> dict[str, list[str]]:
    """The reference fields in `values` that name no record of this store (another store's, or none at all)."""
    return {
        name: [_("Choose a record of this store.")]
        for name, models in entity.refs.items()
        if values.get(name) is not None and not any(store_record(m, values[name], store_id) for m in models)
    }


def _target(ctx: Context, args: dict, put: bool = False) -> tuple[EntityType, str, Any]:
    """Check entity, id, permission; load the record (None if new). Another store's record is `not_found`."""
    entity = entity_type(args.get("entity"))
    if entity is None:
        raise Rejection("invalid", _("Unknown kind of record."), {"entity": [_("Unknown kind of record.")]})
    record_id = record_id_of(args)
    if record_id is None:
        raise Rejection("invalid", _("The record id is not valid."), {"id": [_("Must be a UUID.")]})
    if entity.read_only:
        raise Rejection("read_only", _("This record cannot be changed on a tablet."))
    if ctx.user.role not in entity.writers | entity.creators:
        raise Rejection("forbidden", _("You do not have permission to do this."))
    absent = db.session.info.get(ABSENT, ())  # ids the push already looked up and did not find (push._preload)
    record = None if (entity.model, record_id) in absent else db.session.get(entity.model, record_id)
    if record is not None and record.store_id != ctx.store_id:
        raise Rejection("not_found", _("This record does not exist."))
    if record is not None and ctx.user.role not in entity.writers:  # a creator: new records only
        raise Rejection("forbidden", _("You do not have permission to do this."))
    if record is not None and getattr(record, "sealed", False):
        raise Rejection("immutable", _("This record is signed and can no longer be changed."))
    if record is not None and entity.append_only and not (put and _same(record, args.get("set"))):
        raise Rejection("immutable", _("This record is part of a history and is kept as it was recorded."))
    _check_author(ctx, entity, args)
    return entity, record_id, record


def _same(record, values: object) -> bool:
    """Whether a put's `values` are what `record` already holds (it changes nothing: a history may be sent again)."""
    return isinstance(values, dict) and all(
        name in record.SYNC_FIELDS and getattr(record, name) == value for name, value in values.items()
    )


def _check_author(ctx: Context, entity: EntityType, args: dict) -> None:
    """A record that names its author is written in the writer's own name only."""
    values = args.get("set")
    if entity.author and isinstance(values, dict) and entity.author in values and values[entity.author] != ctx.user.id:
        message = _("A change is recorded in the name of the person who makes it.")
        raise Rejection("forbidden", message, {entity.author: [message]})


def _base(args: dict) -> dict[str, int]:
    base = args.get("base", {})
    if base is None:
        return {}
    if not isinstance(base, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in base.items()
    ):
        raise Rejection(
            "invalid",
            _("The change is not of the protocol's shape."),
            {"base": [_("Must map field names to versions.")]},
        )
    return base


def field_states(record) -> dict[str, FieldState]:
    """The record's fields as the merge rules see them."""
    versions, origins = record.field_versions or {}, record.field_origins or {}
    return {f: FieldState(getattr(record, f), versions.get(f, 0), origins.get(f)) for f in record.SYNC_FIELDS}


def tombstone_state(record) -> FieldState | None:
    """The delete's state when the record is deleted."""
    if record is None or not record.deleted:
        return None
    return FieldState(True, (record.field_versions or {}).get(DELETED, 0), (record.field_origins or {}).get(DELETED))


def put(ctx: Context, args: dict) -> list[str]:
    """Create the record, or change the fields in `set` (SYNC_PROTOCOL.md, Push)."""
    entity, record_id, record = _target(ctx, args, put=True)
    incoming, base = args.get("set"), _base(args)
    if not isinstance(incoming, dict):
        raise Rejection("invalid", _("The change is not of the protocol's shape."), {"set": [_("Must be an object.")]})
    unknown = [name for name in incoming if name not in entity.fields]
    if unknown:  # marshmallow's own message is English only
        raise Rejection(
            "invalid", _("Some fields are missing or invalid."), {n: [_("Unknown field.")] for n in unknown}
        )
    foreign = foreign_references(entity, incoming, ctx.store_id)  # before the schema, so both are reported
    current = {f: getattr(record, f) for f in entity.fields} if record is not None else {}
    try:
        loaded = load_put(entity, incoming, current if record is not None else None)
    except ValidationError as exc:
        messages = {**flatten_messages(exc.normalized_messages()), **foreign}
        raise Rejection("invalid", _("Some fields are missing or invalid."), messages) from None
    problems = {**foreign, **(entity.check(loaded, ctx.store_id, current) if entity.check else {})}
    if problems:
        raise Rejection("invalid", _("Some fields are missing or invalid."), problems)
    merge = merge_put(field_states(record) if record else None, tombstone_state(record), loaded, base, ctx.origin)
    if record is None:  # made on a tablet: keep when, by its clock, beside the server's receipt time
        record = entity.model(id=record_id, store_id=ctx.store_id, device_created_at=device_moment(ctx.device_time))
        db.session.add(record)
    return write(ctx, entity, record, merge)


def delete(ctx: Context, args: dict) -> list[str]:
    """Tombstone the record; a record the server never had, or already deleted, stays as it is."""
    entity, _record_id, record = _target(ctx, args)
    base = _base(args)
    if record is None:
        return []
    merge = merge_delete(field_states(record), tombstone_state(record), base, ctx.origin)
    return write(ctx, entity, record, merge)


def write(ctx: Context, entity: EntityType, record, merge: Merge) -> list[str]:
    """Write a merge's outcome at the context's version; returns the ids of the conflicts it kept."""
    if record.field_versions:  # an existing record: keep what this write replaces (what a later conflict's base was)
        versions = record.field_versions
        replaced = {
            name: [versions.get(name, 0), getattr(record, name)]
            for name, value in merge.changes.items()
            if getattr(record, name) != value
        }
        if replaced:
            ctx.replaced.setdefault(f"{entity.name}/{record.id}", {}).update(replaced)
    record.apply(merge.changes, ctx.version, ctx.origin)
    if not record.version:
        record.version = ctx.version  # a new record with nothing but defaults still takes its version
    refresh_awaiting(entity, record, ctx.version, merge.changes)  # photos named before they were uploaded
    if merge.undelete or merge.delete:
        record.deleted = merge.delete
        record.field_versions = {**(record.field_versions or {}), DELETED: ctx.version}
        record.field_origins = {**(record.field_origins or {}), DELETED: ctx.origin}
        record.version = ctx.version
    if merge.conflicts:
        db.session.flush()  # `keep_conflict` reads the log, which must hold this push's earlier mutations
    kept = [keep_conflict(ctx, entity, record.id, draft) for draft in merge.conflicts]
    if entity.after_write is not None and not record.deleted:
        entity.after_write(ctx, record)
    return kept


def keep_conflict(ctx: Context, entity: EntityType, record_id: str, draft: ConflictDraft) -> str:
    conflict = Conflict(id=uuid7(), store_id=ctx.store_id)
    conflict.apply(
        {
            "entity": entity.name,
            "record_id": record_id,
            "field": draft.field,
            "base_version": draft.base_version,
            "base_value": value_at(
                ctx.store_id, draft.base_version, entity.name, record_id, draft.field, draft.overwritten.version
            ),
            "overwritten_value": draft.overwritten.value,
            "applied_value": draft.applied_value,
            "overwritten_by": writer_at(ctx.store_id, draft.overwritten.version, draft.overwritten.origin),
            "applied_by": {
                "user": ctx.user.display_name,
                "userID": ctx.user.id,
                "clientGroupID": ctx.group_id,
                "at": utcnow().isoformat(),
                "deviceTime": ctx.device_time,
            },
            "state": "open",
        },
        ctx.version,
        ctx.origin,
    )
    db.session.add(conflict)
    return conflict.id


def value_at(store_id: int, version: int, entity: str, record_id: str, name: str, until: int | None = None) -> Any:
    """The value a field was given at `version` (None if unknown): from the write logged at that version, or else —
    a value no logged write gave it (demo data, an import) — from the first later write that replaced it, up to
    `until` (the version of the value a conflict overwrote)."""
    if version <= 0:
        return None
    log = db.session.scalar(select(MutationLog).where(MutationLog.store_id == store_id, MutationLog.version == version))
    if log is not None and isinstance(log.args, dict) and log.args.get("entity") == entity:
        if log.args.get("id") == record_id:
            given = log.args.get("set") if isinstance(log.args.get("set"), dict) else {}
            if name in given:
                return given[name]
    key = f"{entity}/{record_id}"
    later = (
        select(MutationLog)
        .where(MutationLog.store_id == store_id, MutationLog.version > version, MutationLog.replaced.is_not(None))
        .order_by(MutationLog.version)
        .limit(1000)  # a conflict is settled by a person: its base was replaced not long before
    )
    if until is not None:
        later = later.where(MutationLog.version <= until)
    for write_log in db.session.scalars(later):
        replaced = (write_log.replaced or {}).get(key, {})
        if name in replaced:
            seen_at, value = replaced[name]
            return value if seen_at == version else None
    return None


def writer_at(store_id: int, version: int, origin: str | None) -> dict:
    """Who wrote at `version`, from the mutation log: user, client group, server time, device time."""
    log = db.session.scalar(select(MutationLog).where(MutationLog.store_id == store_id, MutationLog.version == version))
    if log is None:
        return {
            "user": None,
            "clientGroupID": origin if origin and not origin.startswith("office:") else None,
            "at": None,
        }
    user = db.session.get(User, log.user_id)
    return {
        "user": user.display_name if user else None,
        "userID": log.user_id,
        "clientGroupID": log.client_group_id,
        "at": as_utc(log.created_at).isoformat() if log.created_at else None,  # SQLite hands it back naive
        "deviceTime": log.device_time,
    }


MUTATORS: dict[str, Callable[[Context, dict], list[str]]] = {"put": put, "delete": delete}
