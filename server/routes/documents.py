"""Signed documents: the public verification page (the PDF's QR code), and the back office's deliveries."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, g, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import jobs
from ..documents.pipeline import customer_name_of, signing_paths
from ..documents.seal import check_seal
from ..extensions import db
from ..models import ChecklistTemplate, Delivery, Document, Store, WeOwe, utcnow
from ..policy import office, public, store_get
from ..records.writes import server_put
from ..storage import LocalStorage
from ..vocabularies.privacy import mask_name
from ..vocabularies.roles import REVIEW_ROLES
from ..workflow.handover import store_today
from ..workflow.handover_rules import days_overdue
from .htmx import is_fragment_request, render, see_other

bp = Blueprint("documents", __name__)

REVIEWERS = REVIEW_ROLES
MAX_UPLOAD = 30 * 1024 * 1024


def _public_facts(doc: Document) -> dict:
    """What anyone holding the QR may learn: no personal data beyond a masked name."""
    store = db.session.get(Store, doc.store_id)
    return {"doc": doc, "store": store, "customer": mask_name(customer_name_of(doc))}


@bp.get("/verify/<document_id>")
@public
def verify_document(document_id: str):
    """The page the PDF's QR code opens: hash, time, seal status, store; personal data masked."""
    doc = db.session.get(Document, document_id)
    if doc is None:
        abort(404)
    return render("documents/verify.html", result=None, **_public_facts(doc))


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify_upload():
    """Upload a PDF to learn whether it is the sealed original (its hash, and pyHanko's validation)."""
    if request.method == "GET":
        return render("documents/verify.html", doc=None, result=None)
    upload = request.files.get("pdf")
    data = b""
    if upload:
        with upload.stream:  # large uploads are spooled to a temporary file: close it now
            data = upload.read(MAX_UPLOAD + 1)
    if not data:
        return render(
            "documents/verify.html", doc=None, result=None, status_code=422, error=_("Choose a PDF file to check.")
        )
    if len(data) > MAX_UPLOAD or not data.startswith(b"%PDF"):
        return render(
            "documents/verify.html", doc=None, result=None, status_code=422, error=_("This is not a PDF document.")
        )
    sha256 = hashlib.sha256(data).hexdigest()
    original = db.session.scalar(select(Document).where(Document.pdf_sha256 == sha256))
    _key, cert = signing_paths()
    seal = check_seal(data, cert)
    facts = _public_facts(original) if original else {"doc": None}
    return render(
        "documents/verify.html", result={"sha256": sha256, "original": original is not None, "seal": seal}, **facts
    )


@bp.get("/office/deliveries")
@office(*REVIEWERS)
def deliveries():
    """Every delivery with its state (draft, signed, PDF pending/ready/failed, divergent) and open we-owe items."""
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.store_id == g.store_id, Delivery.deleted.is_(False))
        .order_by(Delivery.updated_at.desc())
        .limit(300)
    ).all()
    docs = {
        d.record_id: d
        for d in db.session.scalars(
            select(Document).where(Document.store_id == g.store_id, Document.entity == "delivery")
        )
    }
    owed = _owed_rows(
        db.session.scalars(select(WeOwe).where(WeOwe.store_id == g.store_id, WeOwe.closed_at.is_(None))).all()
    )
    return render(
        "documents/deliveries.html", rows=rows, docs=docs, owed=owed, overdue=sum(1 for r in owed if r["late"])
    )


def _owed_rows(items: list[WeOwe]) -> list[dict]:
    """What is owed with its delivery and how many days late: overdue first (the longest late first), then by
    due date, then the items without a date."""
    today = store_today().isoformat()
    ids = {item.delivery_id for item in items}
    deliveries = {d.id: d for d in db.session.scalars(select(Delivery).where(Delivery.id.in_(ids)))} if ids else {}
    rows = [
        {"item": item, "delivery": deliveries.get(item.delivery_id), "late": days_overdue(item.due_date, today)}
        for item in items
    ]
    return sorted(
        rows, key=lambda r: (not r["late"], r["item"].due_date is None, r["item"].due_date or "", r["item"].text)
    )


@bp.get("/office/deliveries/<delivery_id>")
@office(*REVIEWERS)
def delivery(delivery_id: str):
    """One delivery: customer (masked), vehicle, its document and what is owed to the customer, open or handed
    over; open items are closed from here."""
    record = store_get(Delivery, delivery_id)
    doc = db.session.scalar(select(Document).where(Document.entity == "delivery", Document.record_id == record.id))
    owed = _owed_rows(
        db.session.scalars(select(WeOwe).where(WeOwe.store_id == g.store_id, WeOwe.delivery_id == record.id)).all()
    )
    template = db.session.get(ChecklistTemplate, record.template_id)
    labels = {i["code"]: i["label"] for grp in (template.groups if template else []) for i in grp["items"]}
    return render("documents/delivery_page.html", d=record, doc=doc, owed=owed, labels=labels)


@bp.get("/office/documents/<document_id>.pdf")
@office(*REVIEWERS)
def document_pdf(document_id: str):
    """The sealed PDF, as stored."""
    doc = store_get(Document, document_id)
    if doc.state != "ready" or not doc.pdf_sha256:
        abort(404)
    path = LocalStorage(current_app.config["STORAGE_DIR"]).path(doc.pdf_sha256)
    return send_file(path, mimetype="application/pdf", download_name=f"{doc.entity}-{doc.record_id[:8]}.pdf")


@bp.post("/office/documents/<document_id>/rerender")
@office(*REVIEWERS)
def rerender(document_id: str):
    """Render the same signed snapshot again (same hash, same document), e.g. after a failure."""
    doc = store_get(Document, document_id)
    server_put(
        doc,
        {
            "state": "pending",
            "error": None,
            "events": [*doc.events, {"at": utcnow().isoformat(), "event": "rerender", "by": g.user.display_name}],
        },
        g.user,
    )
    db.session.commit()
    jobs.enqueue_render(doc.id)
    if is_fragment_request():
        return render("documents/_document_state.html", doc=doc)
    return see_other(url_for("documents.deliveries"))


@bp.get("/office/documents/<document_id>/state")
@office(*REVIEWERS)
def document_state(document_id: str):
    """The document's state as a self-refreshing fragment (polls while pending)."""
    return render("documents/_document_state.html", doc=store_get(Document, document_id))


@bp.post("/office/we-owe/<item_id>/close")
@office(*REVIEWERS)
def close_we_owe(item_id: str):
    """Mark something owed to a customer as handed over; back to the delivery's page when closed from there."""
    item = store_get(WeOwe, item_id)
    if item.closed_at is None:
        server_put(item, {"closed_at": utcnow().isoformat(), "closed_by": g.user.id}, g.user)
        db.session.commit()
    if request.form.get("back") == "delivery":
        return see_other(url_for("documents.delivery", delivery_id=item.delivery_id))
    return see_other(url_for("documents.deliveries"))
