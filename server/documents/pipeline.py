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
from ..i18n import localtime
from ..models import Blob, ChecklistTemplate, Document, Store, User, next_store_version, utcnow
from ..schemas.delivery import HANDOVER_DOCUMENTS
from ..sync.storage import LocalStorage
from .render import PrintResources, html_to_pdf, qr_data_uri, render_print_template
from .sandbox import FAILED, RenderFailed
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


def _photo(resources: PrintResources, sha256: str, kind: str = "photo") -> dict:
    """A picture for a print template: its `uri` is a `blob:` URL when the document's store holds it, else None."""
    return {"sha256": sha256, "uri": resources.blob(sha256, kind)}


def delivery_html(doc: Document, resources: PrintResources) -> str:
    """The delivery document's HTML, from the verbatim snapshot and the template version it was made with; the
    pictures it shows are registered with `resources` (what the renderer may read)."""
    snapshot = doc.snapshot
    template = db.session.get(ChecklistTemplate, snapshot["template_id"])
    store = db.session.get(Store, doc.store_id)
    groups = template.groups
    labels = {item["code"]: (item["no"], item["label"]["zh_CN"]) for g in groups for item in g["items"]}
    defects = [
        {
            "no": labels.get(code, ("", code))[0],
            "label": labels.get(code, ("", code))[1],
            "photos": [_photo(resources, sha) for sha in result.get("photos", [])],
        }
        for code, result in snapshot.get("items", {}).items()
        if result.get("result") == "defect"
    ]
    defects.sort(key=lambda d: d["no"] or 0)
    accessories = [
        {**a, "photos": [_photo(resources, sha) for sha in a.get("photos", [])]}
        for a in snapshot.get("accessories", [])
    ]
    signatures = [{**sig, "uri": resources.blob(sig["blob"], "signature")} for sig in doc.signatures]
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
            qr=resources.data(qr_data_uri(verify_url(doc.id))),
            verify_url=verify_url(doc.id),
            received_at=localtime(doc.created_at),
            events=doc.events,
            signed_by=signer.display_name if signer else "—",
            role_labels=ROLE_LABELS,
            event_labels=EVENT_LABELS,
            document_labels={code: str(label) for code, label in HANDOVER_DOCUMENTS.items()},
        )


def _test_drive_html(doc: Document, resources: PrintResources) -> str:
    from .test_drive import test_drive_html

    return test_drive_html(doc, resources)


#: entity → its document's HTML (doc, resources); a new signable entity adds its renderer here.
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
