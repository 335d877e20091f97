"""The `sign` mutator: seal a signable record with the snapshot the customer saw (SYNC_PROTOCOL.md, Signing).

The server recomputes the content hash (SHA-256 of the snapshot's RFC 8785 canonical JSON), checks every
signature role and that each signature image is a blob this store uploaded, stores the snapshot verbatim as the
legal record in a `Document`, and freezes the record (`sealed`; a database trigger refuses later updates).
If the record had changed meanwhile, the signature is still kept: the snapshot's values win, the overwritten
values become conflicts, and the document is marked divergent for the back office. Rendering the PDF is
queued once the push commits (server/jobs.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from ..extensions import db
from ..models import Blob, Document, as_utc, utcnow, uuid7
from ..records.blobs import refresh_awaiting
from ..records.merge import ConflictDraft
from ..records.mutators import Context, Rejection, field_states, flatten_messages, keep_conflict, record_id_of
from ..records.registry import entity_type


def content_hash(snapshot: dict) -> str:
    """SHA-256 (hex) of the RFC 8785 canonical JSON of `snapshot`."""
    return hashlib.sha256(rfc8785.dumps(snapshot)).hexdigest()


def _signable(ctx: Context, args: dict):
    entity = entity_type(args.get("entity"))
    if entity is None or not entity.signable:
        raise Rejection("invalid", _("This kind of record cannot be signed."), {"entity": [_("Not signable.")]})
    record_id = record_id_of(args)
    record = db.session.get(entity.model, record_id) if record_id else None
    if record is None or record.store_id != ctx.store_id:
        raise Rejection("not_found", _("This record does not exist."))
    if ctx.user.role not in entity.writers:
        raise Rejection("forbidden", _("You do not have permission to do this."))
    return entity, record


def _signatures(ctx: Context, entity, signatures: Any) -> list[dict]:
    if not isinstance(signatures, list) or not signatures:
        raise Rejection("signatures_missing", _("The record has no signatures."))
    clean = []
    for sig in signatures:
        if not isinstance(sig, dict) or not all(isinstance(sig.get(k), str) and sig.get(k) for k in ("role", "blob")):
            raise Rejection("invalid", _("A signature is not of the protocol's shape."))
        clean.append({"role": sig["role"], "name": str(sig.get("name") or "")[:80], "blob": sig["blob"]})
    missing = [role for role in entity.signature_roles if role not in {s["role"] for s in clean}]
    if missing:
        raise Rejection(
            "signature_roles_missing",
            _("Signatures are missing: %(roles)s.", roles=", ".join(missing)),
            {"signatures": missing},
        )
    for sig in clean:
        if db.session.get(Blob, (ctx.store_id, sig["blob"])) is None:
            raise Rejection(
                "blob_missing", _("A signature image has not reached the server yet."), {"signatures": [sig["blob"]]}
            )
    return clean


def _checked_hash(entity, snapshot: dict, claimed: str) -> str:
    """The snapshot's content hash when it names only the entity's fields and matches what the tablet signed."""
    unknown = [name for name in snapshot if name not in entity.fields]
    if unknown:
        raise Rejection(
            "invalid", _("Some fields are missing or invalid."), {n: [_("Unknown field.")] for n in unknown}
        )
    try:
        computed = content_hash(snapshot)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        raise Rejection("invalid", _("The snapshot cannot be canonicalised (numbers beyond ±2^53?).")) from None
    if computed != claimed:
        raise Rejection(
            "hash_mismatch", _("The content hash does not match what was signed."), {"contentHash": [computed]}
        )
    return computed


def _document(ctx: Context, entity, record, computed: str, divergent: bool, snapshot: dict, signatures, signed_at):
    """The record's Document, pending its PDF, with the trail so far (created, signed, received)."""
    now = utcnow().isoformat()
    document = Document(id=uuid7(), store_id=ctx.store_id)
    document.apply(
        {
            "entity": entity.name,
            "record_id": record.id,
            "contentHash": computed,
            "state": "pending",
            "divergent": divergent,
            "pdf_sha256": None,
            "error": None,
            "snapshot": snapshot,
            "signatures": signatures,
            "signed_at": signed_at[:40],
            "signed_by": ctx.user.id,
            "client_group_id": ctx.group_id,
            "events": [
                {
                    "at": as_utc(record.created_at).isoformat() if record.created_at else None,
                    "event": "created",
                    "by": None,
                },
                {"at": signed_at[:40], "event": "signed", "by": ", ".join(s["name"] for s in signatures)},
                {"at": now, "event": "received", "by": ctx.user.display_name},
            ],
        },
        ctx.version,
        ctx.origin,
    )
    return document


def sign(ctx: Context, args: dict) -> list[str]:
    """Seal the record with its snapshot and signatures; returns the ids of conflicts kept (divergence)."""
    entity, record = _signable(ctx, args)
    snapshot, claimed = args.get("snapshot"), args.get("contentHash")
    if not isinstance(snapshot, dict) or not isinstance(claimed, str):
        raise Rejection("invalid", _("The signature is not of the protocol's shape."))
    computed = _checked_hash(entity, snapshot, claimed)
    existing = db.session.scalar(
        select(Document).where(Document.entity == entity.name, Document.record_id == record.id)
    )
    if record.sealed:
        if existing is not None and existing.contentHash == computed:
            return []  # the same signature again: nothing changes
        raise Rejection("immutable", _("This record is signed and can no longer be changed."))
    signatures = _signatures(ctx, entity, args.get("signatures"))
    signed_at = args.get("signedAt") if isinstance(args.get("signedAt"), str) else ""
    try:
        values = entity.schema().load(snapshot)
    except ValidationError as exc:
        raise Rejection(
            "invalid", _("Some fields are missing or invalid."), flatten_messages(exc.normalized_messages())
        ) from None
    problems = {
        **(entity.check(values, ctx.store_id) if entity.check else {}),
        **(entity.extra["sign_check"](values, ctx.store_id, signed_at) if "sign_check" in entity.extra else {}),
    }
    if problems:
        raise Rejection("invalid", _("The record is not ready to be signed."), problems)

    # The snapshot is what the customer saw: it wins, and what it overwrote is kept for review.
    drafts = [
        ConflictDraft(name, 0, state, values[name])
        for name, state in field_states(record).items()
        if name in values and state.version > 0 and state.value != values[name]
    ]
    record.apply({name: values[name] for name in entity.fields if name in values}, ctx.version, ctx.origin)
    refresh_awaiting(entity, record, ctx.version)  # the snapshot's photos may still be on their way
    record.sealed = True
    conflict_ids = [keep_conflict(ctx, entity, record.id, draft) for draft in drafts]
    document = _document(ctx, entity, record, computed, bool(drafts), snapshot, signatures, signed_at)
    db.session.add(document)
    if "on_sign" in entity.extra:
        entity.extra["on_sign"](ctx, record, values)
    db.session.flush()
    db.session.info.setdefault("render_after_commit", []).append(document.id)
    return conflict_ids
