"""Render, seal and publish the PDF of a signed record — a background job, idempotent per document
(one document per record and content hash)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..database import write_transaction
from ..extensions import db
from ..i18n import localtime
from ..models import Blob, ChecklistTemplate, Document, Store, User, next_store_version, utcnow
from ..schemas.delivery import HANDOVER_DOCUMENTS
from ..sync.storage import LocalStorage
from .render import html_to_pdf, qr_data_uri, render_print_template
from .seal import seal_pdf

ROLE_LABELS = {"customer": "客户", "consultant": "销售顾问", "escort": "试驾专员"}
EVENT_LABELS = {
    "created": "记录创建",
    "signed": "客户与销售顾问签字（设备）",
    "received": "服务器收到签字",
    "rendered": "生成 PDF",
    "sealed": "数字签章",
    "failed": "生成失败",
    "rerender": "重新生成",
}


def signing_paths() -> tuple[str, str]:
    """The configured key and certificate; the development pair is made on first use when none is set."""
    key, cert = current_app.config["SIGNING_KEY"], current_app.config["SIGNING_CERT"]
    if not Path(key).exists() or not Path(cert).exists():
        from .certificate import make_dev_certificate

        make_dev_certificate(Path(key), Path(cert), "Showroom")
    return key, cert


def verify_url(document_id: str) -> str:
    """The public verification link printed on the PDF and in its QR code."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{document_id}"


def _photo(store_id: int, sha256: str, storage: LocalStorage) -> dict:
    held = db.session.get(Blob, (store_id, sha256)) is not None and storage.exists(sha256)
    return {"sha256": sha256, "uri": storage.path(sha256).as_uri() if held else None}


def delivery_html(doc: Document) -> str:
    """The delivery document's HTML, from the verbatim snapshot and the template version it was made with."""
    storage = LocalStorage(current_app.config["STORAGE_DIR"])
    snapshot = doc.snapshot
    template = db.session.get(ChecklistTemplate, snapshot["template_id"])
    store = db.session.get(Store, doc.store_id)
    groups = template.groups
    labels = {item["code"]: (item["no"], item["label"]["zh_CN"]) for g in groups for item in g["items"]}
    defects = [
        {
            "no": labels.get(code, ("", code))[0],
            "label": labels.get(code, ("", code))[1],
            "photos": [_photo(doc.store_id, sha, storage) for sha in result.get("photos", [])],
        }
        for code, result in snapshot.get("items", {}).items()
        if result.get("result") == "defect"
    ]
    defects.sort(key=lambda d: d["no"] or 0)
    accessories = [
        {**a, "photos": [_photo(doc.store_id, sha, storage) for sha in a.get("photos", [])]}
        for a in snapshot.get("accessories", [])
    ]
    signatures = [{**sig, "uri": _photo(doc.store_id, sig["blob"], storage)["uri"]} for sig in doc.signatures]
    consent = template.consent if template.consent.get("version") == snapshot.get("consent_version") else {}
    signer = db.session.get(User, doc.signed_by)
    with force_locale("zh_CN"):
        return render_print_template(
            "documents/delivery.html",
            doc=doc,
            s=snapshot,
            store=store,
            template=template,
            groups=groups,
            defects=defects,
            accessories=accessories,
            signatures=signatures,
            consent_text=(consent.get("text") or {}).get("zh_CN", ""),
            qr=qr_data_uri(verify_url(doc.id)),
            verify_url=verify_url(doc.id),
            received_at=localtime(doc.created_at),
            events=doc.events,
            signed_by=signer.display_name if signer else "—",
            role_labels=ROLE_LABELS,
            event_labels=EVENT_LABELS,
            document_labels={code: str(label) for code, label in HANDOVER_DOCUMENTS.items()},
        )


def _test_drive_html(doc: Document) -> str:
    from .test_drive import test_drive_html

    return test_drive_html(doc)


#: entity → its document's HTML; a new signable entity adds its renderer here.
RENDERERS = {"delivery": delivery_html, "test_drive": _test_drive_html, "test_drive_log": _test_drive_html}


def customer_name_of(doc: Document) -> str:
    """The customer's name on a document (for the public verification page, masked there)."""
    if doc.entity in ("test_drive", "test_drive_log"):
        from .test_drive import drive_customer_name

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
        pdf = html_to_pdf(RENDERERS[doc.entity](doc))
        key, cert = signing_paths()
        sealed = seal_pdf(pdf, key, cert, reason=f"{doc.entity} {doc.contentHash}", location=store.name)
        sha256 = LocalStorage(current_app.config["STORAGE_DIR"]).put_bytes(sealed)
        events = _event(doc, ("rendered", None), ("sealed", store.name))
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
        current_app.logger.exception("rendering document %s failed", document_id)
        doc = db.session.get(Document, document_id)
        _publish(
            doc,
            {"state": "failed", "error": f"{type(exc).__name__}: {exc}"[:500], "events": _event(doc, ("failed", None))},
        )
        return "failed"


def pending_documents() -> list[str]:
    """Documents still waiting for their PDF (to resume after a restart)."""
    return list(db.session.scalars(select(Document.id).where(Document.state == "pending")))
