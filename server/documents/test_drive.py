"""The test-drive documents: the signed agreement (试乘试驾协议书) and, when the log is sealed, the whole drive —
agreement, log, damage photos and feedback — in one PDF. Rendered from the verbatim signed snapshots; the
licence number was never held, and the driver's phone is masked (domain.md §8.5)."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..i18n import localtime
from ..models import AgreementTemplate, Customer, DemoCar, Document, DriveRoute, Store, User
from ..vocabularies.privacy import mask_phone
from ..workflow.eligibility import distance_warning
from .parts import EVENT_LABELS, ROLE_LABELS, photo, verify_url
from .render import render_print_template
from .resources import PrintResources, qr_data_uri

KIND_LABELS = {"ride": "试乘", "drive": "试驾", "ride_drive": "试乘 + 试驾"}
ENERGY_LABELS = {"fuel": "燃油", "electric": "纯电", "plugin": "插电混动"}
ASPECT_LABELS = {
    "exterior": "外观",
    "interior": "内饰做工",
    "space": "空间",
    "power": "动力",
    "braking": "制动",
    "handling": "操控",
    "comfort": "舒适性",
    "nvh": "静谧性",
    "infotainment": "车机 / 智能座舱",
    "assistance": "驾驶辅助",
    "economy": "油耗 / 续航",
    "service": "陪驾讲解与服务",
}
INTENTION_LABELS = {"now": "立即", "week": "一周内", "month": "一月内", "not_now": "暂不", "": "—"}


def _agreement_document(store_id: int, drive_id: str) -> Document | None:
    return db.session.scalar(
        select(Document).where(
            Document.store_id == store_id, Document.entity == "test_drive", Document.record_id == drive_id
        )
    )


def drive_customer_name(doc: Document) -> str:
    """The customer's name a test-drive document shows (the log's comes from its agreement)."""
    if doc.entity == "test_drive_log":
        agreement = _agreement_document(doc.store_id, doc.snapshot.get("test_drive_id", ""))
        return agreement.snapshot.get("customer_name", "") if agreement else ""
    return doc.snapshot.get("customer_name", "")


def _context(doc: Document, resources: PrintResources) -> dict:
    log_doc = doc if doc.entity == "test_drive_log" else None
    agreement_doc = doc if log_doc is None else _agreement_document(doc.store_id, doc.snapshot.get("test_drive_id"))
    a = agreement_doc.snapshot if agreement_doc else {}
    log = log_doc.snapshot if log_doc else None
    template = db.session.get(AgreementTemplate, a.get("agreement_template_id") or "")
    car = db.session.get(DemoCar, a.get("demo_car_id") or "")
    route_id = (log or {}).get("route_id") or a.get("route_id")
    route = db.session.get(DriveRoute, route_id) if route_id else None
    customer = db.session.get(Customer, a.get("customer_id") or "")  # the customer file's mobile, masked
    people = {u.id: u.display_name for u in db.session.scalars(select(User).where(User.store_id == doc.store_id))}

    def signatures(document: Document | None) -> list[dict]:
        if document is None:
            return []
        return [{**sig, "uri": resources.blob(sig["blob"], "signature")} for sig in document.signatures]

    def damage(entries: list) -> list[dict]:
        return [{**d, "image": photo(resources, d["photo"]) if d.get("photo") else None} for d in entries or []]

    distance = None
    if log and log.get("start_odometer_km") is not None and log.get("end_odometer_km") is not None:
        distance = log["end_odometer_km"] - log["start_odometer_km"]
    signer = db.session.get(User, doc.signed_by)
    return {
        "doc": doc,
        "a": a,
        "log": log,
        "agreement_doc": agreement_doc,
        "store": db.session.get(Store, doc.store_id),
        "template": template,
        "car": car,
        "route": route,
        "escort": people.get(a.get("escort_id"), "—"),
        "consultant": people.get(a.get("consultant_id"), "—"),
        "phone": mask_phone(customer.phone if customer else ""),
        "driver_phone": "" if a.get("driver_is_customer", True) else mask_phone(a.get("driver_phone")),
        "agreement_signatures": signatures(agreement_doc),
        "log_signatures": signatures(log_doc),
        "damage_before": damage((log or {}).get("damage_before")),
        "damage_after": damage((log or {}).get("damage_after")),
        "distance": distance,
        "far": bool(log)
        and distance_warning(
            log.get("start_odometer_km"), log.get("end_odometer_km"), route.distance_km if route else None
        ),
        "qr": resources.data(qr_data_uri(verify_url(doc.id))),
        "verify_url": verify_url(doc.id),
        "received_at": localtime(doc.created_at),
        "events": doc.events,
        "signed_by": signer.display_name if signer else "—",
        "role_labels": ROLE_LABELS,
        "event_labels": {**EVENT_LABELS, "signed": "签字（设备）"},
        "kind_labels": KIND_LABELS,
        "energy_labels": ENERGY_LABELS,
        "aspect_labels": ASPECT_LABELS,
        "intention_labels": INTENTION_LABELS,
    }


def test_drive_html(doc: Document, resources: PrintResources) -> str:
    """The agreement's (or the whole drive's) document HTML, in Chinese (lang="zh-CN"); the pictures it shows are
    registered with `resources`."""
    with force_locale("zh_CN"):
        return render_print_template("documents/test_drive.html", **_context(doc, resources))


test_drive_html.__test__ = False  # not a pytest test when imported into a test module
