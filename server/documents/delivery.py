"""The delivery inspection's document (交车检验表): HTML from the verbatim snapshot and the checklist version it was
made with."""

from __future__ import annotations

from flask_babel import force_locale

from ..extensions import db
from ..i18n import localtime
from ..models import ChecklistTemplate, Document, Store, User
from ..schemas.delivery import HANDOVER_DOCUMENTS
from ..workflow.handover_rules import owed_codes
from .parts import EVENT_LABELS, ROLE_LABELS, photo, verify_url
from .render import render_print_template
from .resources import PrintResources, qr_data_uri


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
            "photos": [photo(resources, sha) for sha in result.get("photos", [])],
        }
        for code, result in snapshot.get("items", {}).items()
        if result.get("result") == "defect"
    ]
    defects.sort(key=lambda d: d["no"] or 0)
    accessories = [
        {**a, "photos": [photo(resources, sha) for sha in a.get("photos", [])]} for a in snapshot.get("accessories", [])
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
            labels=labels,
            owed=owed_codes(snapshot.get("we_owe")),
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
