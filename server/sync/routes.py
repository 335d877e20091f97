"""The sync API under /api/sync/v1 (SYNC_PROTOCOL.md): push, pull, blobs, schema. Bearer tokens only."""

from __future__ import annotations

import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import boundary
from ..database import write_transaction
from ..errors import ApiError
from ..extensions import db
from ..models import Blob
from ..policy import api
from ..records.blobs import release
from ..records.mutators import MUTATORS
from ..records.registry import REGISTRY
from ..schemas.conflict import RejectionSchema
from ..storage import BlobContentRefused, BlobMismatch, BlobTooLarge, LocalStorage, check_content
from .protocol import SCHEMA_VERSION, lock_store, unavailable
from .pull import REJECTION
from .pull import pull as do_pull
from .push import push as do_push

bp = Blueprint("sync", __name__, url_prefix="/api/sync/v1")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def storage() -> LocalStorage:
    """The app's blob storage."""
    return LocalStorage(current_app.config["STORAGE_DIR"])


@bp.post("/push")
@api()
def push():
    """Apply a batch of mutations (exactly once, in order). What the input boundary refuses inside a mutation
    rejects that mutation alone (push.py), so it is not checked here for the whole body."""
    return jsonify(do_push(g.user, boundary.json_body()))


@bp.post("/pull")
@api()
def pull():
    """Changes since the cookie, one page at a time."""
    return jsonify(do_pull(g.user, boundary.json_object()))


def _inline_refs(node, defs: dict, components: dict):
    """`node` with each `#/components/schemas/X` pointing at `#/$defs/X`, collecting X (and what it uses) in `defs`."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, components) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(COMPONENTS):
            name = value[len(COMPONENTS) :]
            if name not in defs:
                defs[name] = {}  # placeholder first: a schema that nests itself
                defs[name] = _inline_refs(components[name], defs, components)
            out[key] = f"#/$defs/{name}"
        else:
            out[key] = _inline_refs(value, defs, components)
    return out


COMPONENTS = "#/components/schemas/"


def json_schema_of(schema) -> dict:
    """A marshmallow schema as a self-contained JSON Schema (SYNC_PROTOCOL.md: nested shapes under its own
    `$defs`, never referenced from a document the endpoint does not return)."""
    plugin = MarshmallowPlugin()
    spec = APISpec("showroom", "1", "3.1.0", plugins=[plugin])
    converted = plugin.converter.schema2jsonschema(schema)
    components = spec.to_dict().get("components", {}).get("schemas", {})
    defs: dict = {}
    json_schema = _inline_refs(converted, defs, components)
    json_schema.setdefault("required", [])  # the contract's shape, also when no field is required
    if defs:
        json_schema["$defs"] = defs
    return json_schema


@cache
def _json_schemas() -> dict:
    entities = {}
    for name, entity in REGISTRY.items():
        published = {
            "jsonSchema": json_schema_of(entity.schema()),
            "readOnly": entity.read_only,
            "signable": entity.signable,
        }
        if entity.signable:
            published["signatureRoles"] = list(entity.signature_roles)
        entities[name] = published
    # made by the sync engine itself, not a registered entity: each client group's refused mutations (pull.py)
    entities[REJECTION] = {"jsonSchema": json_schema_of(RejectionSchema()), "readOnly": True, "signable": False}
    return entities


@bp.get("/schema")
@api()
def schema():
    """Every synced entity's JSON Schema (from the marshmallow schemas), the mutators and the blob limits."""
    return jsonify(
        {
            "schemaVersion": SCHEMA_VERSION,
            "entities": _json_schemas(),
            "mutators": sorted(MUTATORS),
            "blobs": {
                "maxBytes": current_app.config["BLOB_MAX_BYTES"],
                "types": list(current_app.config["BLOB_TYPES"]),
            },
        }
    )


@bp.put("/blobs/<sha256>")
@api()
def put_blob(sha256: str):
    """Store a blob, verified by length, SHA-256 and content (a picture must decode as its type, a PDF start with
    `%PDF-`; anything else is 415 and not kept): 201 new for this store, 200 already held. Records of the store
    awaiting it take a new version without it in their `awaitingBlobs`."""
    if not SHA256.match(sha256):
        raise ApiError(400, _("A blob is named by the SHA-256 of its bytes (64 lowercase hex digits)."))
    if request.mimetype not in current_app.config["BLOB_TYPES"]:
        raise ApiError(415, _("This type of file cannot be uploaded."))
    max_bytes = current_app.config["BLOB_MAX_BYTES"]
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError(413, _("The upload is too large."))
    mimetype = request.mimetype
    try:
        size = storage().write_verified(
            request.stream, sha256, max_bytes, request.content_length, check=lambda path: check_content(path, mimetype)
        )
    except BlobContentRefused as refused:
        current_app.logger.info("blob %s refused as %s: %s", sha256, mimetype, refused)
        raise ApiError(
            415,
            _("This file is not what its type says. Only real PNG, JPEG and WebP pictures and PDF documents are kept."),
        ) from None
    except BlobTooLarge:
        raise ApiError(413, _("The upload is too large.")) from None
    except BlobMismatch:
        raise ApiError(
            422,
            _("The file arrived damaged (its checksum does not match). It will be sent again."),
            code="hash_mismatch",
        ) from None
    if db.session.get(Blob, (g.store_id, sha256)) is not None:
        return "", 200
    try:
        with write_transaction():
            lock_store(g.store_id)  # records awaiting it take a new store version, in commit order
            if db.session.get(Blob, (g.store_id, sha256)) is not None:
                return "", 200
            db.session.add(Blob(store_id=g.store_id, sha256=sha256, size=size, content_type=request.mimetype))
            db.session.flush()
            release(g.store_id, sha256)
    except IntegrityError:  # the same blob uploaded twice at once
        return "", 200
    except OperationalError as exc:
        raise unavailable() from exc
    return "", 201


@bp.route("/blobs/<sha256>", methods=["GET", "HEAD"])
@api()
def get_blob(sha256: str):
    """The bytes of a blob this store holds; 404 for anything else, whoever else holds it."""
    blob = db.session.get(Blob, (g.store_id, sha256)) if SHA256.match(sha256) else None
    if blob is None or not storage().exists(sha256):
        raise ApiError(404, _("Not found."))
    response = send_file(
        storage().path(sha256), mimetype=blob.content_type, etag=sha256, conditional=True, max_age=31_536_000
    )
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
