"""Render, seal and publish the PDF of a signed record — a background job, idempotent per document
(one document per record and content hash)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..boundary import scrub_text
from ..database import write_transaction
from ..extensions import db
from ..models import Blob, Document, Store, next_store_version, utcnow
from ..storage import LocalStorage
from . import sandbox
from .certificate import make_dev_certificate, signer_for
from .delivery import delivery_html
from .render import html_to_pdf
from .resources import PrintResources
from .sandbox import FAILED, RenderFailed
from .seal import seal_pdf
from .test_drive import drive_customer_name, test_drive_html


def signing_paths() -> tuple[str, str]:
    """The configured key and certificate; the development pair is made on first use when none is set."""
    key, cert = current_app.config["SIGNING_KEY"], current_app.config["SIGNING_CERT"]
    if not Path(key).exists() or not Path(cert).exists():
        make_dev_certificate(Path(key), Path(cert), "Showroom")
    return key, cert


def warm_up() -> None:
    """Make the first render as fast as the next ones: start the render fork server, and load the seal library
    and the signing key. Call it in an app context where a worker starts (it takes a few seconds of CPU)."""
    sandbox.start()
    signer_for(*signing_paths())


#: entity → its document's HTML (doc, resources); a new signable entity adds its renderer here.
RENDERERS = {"delivery": delivery_html, "test_drive": test_drive_html, "test_drive_log": test_drive_html}


def customer_name_of(doc: Document) -> str:
    """The customer's name on a document (for the public verification page, masked there)."""
    if doc.entity in ("test_drive", "test_drive_log"):
        return drive_customer_name(doc)
    return doc.snapshot.get("customer_name", "")


def _event(doc: Document, *events: tuple[str, str | None]) -> list:
    """The document's trail with `events` ((event, by) pairs) added at the server's time."""
    now = utcnow().isoformat()
    return [*(doc.events or []), *({"at": now, "event": event, "by": by} for event, by in events)]


def _publish(doc: Document, changes: dict) -> None:
    """A server write of the document under the store's counter, so tablets pull the new state in order."""
    with write_transaction():
        doc = db.session.get(Document, doc.id)
        doc.apply(changes, next_store_version(doc.store_id), "server")


def render_document(document_id: str) -> str:
    """Render and seal a document; returns its final state. Runs again harmlessly: a ready document stays."""
    doc = db.session.get(Document, document_id)
    if doc is None:
        return "missing"
    if doc.state == "ready":
        return "ready"
    try:
        store = db.session.get(Store, doc.store_id)
        resources = PrintResources(doc.store_id)
        html = RENDERERS[doc.entity](doc, resources)
        reason, location = scrub_text(f"{doc.entity} {doc.contentHash}"), scrub_text(store.name)
        db.session.rollback()  # no transaction stays open while the child renders
        pdf = html_to_pdf(html, resources)
        key, cert = signing_paths()
        sealed = seal_pdf(pdf, key, cert, reason=reason, location=location)
        sha256 = LocalStorage(current_app.config["STORAGE_DIR"]).put_bytes(sealed)
        doc = db.session.get(Document, document_id)
        events = _event(doc, ("rendered", None), ("sealed", location))
        db.session.rollback()
        with write_transaction():
            if db.session.get(Blob, (doc.store_id, sha256)) is None:
                db.session.add(
                    Blob(
                        store_id=doc.store_id,
                        sha256=sha256,
                        size=len(sealed),
                        content_type="application/pdf",
                        origin="server",
                    )
                )
        _publish(doc, {"state": "ready", "pdf_sha256": sha256, "error": None, "events": events})
        return "ready"
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the document and shown, never lost
        db.session.rollback()
        if isinstance(exc, RenderFailed):
            current_app.logger.warning("rendering document %s failed: %s", document_id, exc)
        else:
            current_app.logger.exception("rendering document %s failed", document_id)
            exc = RenderFailed(FAILED)
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # shown as is by the office and tablets
            reason = exc.reason()
        doc = db.session.get(Document, document_id)
        _publish(doc, {"state": "failed", "error": reason[:500], "events": _event(doc, ("failed", None))})
        return "failed"


def pending_documents() -> list[str]:
    """Documents still waiting for their PDF (to resume after a restart)."""
    return list(db.session.scalars(select(Document.id).where(Document.state == "pending")))
