"""A delivery bay: a store with its checklist, a consultant's tablet, a customer, a car, photos, signatures."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

import pytest
import rfc8785
import segno
from sqlalchemy import select

from server.extensions import db
from server.models import ChecklistTemplate
from tests.factories import make_colour, make_customer, make_series, make_store, make_trim, make_user, make_vehicle
from tests.factories.tablets import Tablet, tablet_for


def png(text: str) -> bytes:
    """A real PNG (a QR code of `text`): stands in for a photo or a signature drawn on the glass."""
    buffer = io.BytesIO()
    segno.make(text).save(buffer, kind="png", scale=8)
    return buffer.getvalue()


def content_hash(snapshot: dict) -> str:
    return hashlib.sha256(rfc8785.dumps(snapshot)).hexdigest()


@dataclass
class Bay:
    tablet: Tablet
    store_id: int
    consultant_id: int
    customer_id: str
    vehicle_id: str
    vin: str
    template_id: str
    codes: list[str]
    manager: str

    def upload(self, data: bytes, content_type: str = "image/png") -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        response = self.tablet.http.put(
            f"/api/sync/v1/blobs/{sha256}", data=data, headers={**self.tablet.headers, "Content-Type": content_type}
        )
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return sha256

    def record(self, **changes) -> dict:
        """A complete delivery: every applicable item ✓ but two defects with photos, explanations, consent."""
        items = {code: {"result": "ok", "note": "", "photos": []} for code in self.codes}
        items[self.codes[24]] = {"result": "defect", "note": "左前门轻微划痕", "photos": [self.upload(png("defect-1"))]}
        items[self.codes[30]] = {"result": "defect", "note": "右后轮毂刮伤", "photos": [self.upload(png("defect-2"))]}
        values = {
            "customer_id": self.customer_id,
            "customer_name": "张三",
            "vehicle_id": self.vehicle_id,
            "vin": self.vin,
            "vehicle_description": "启程 S5 1.5T 两驱 舒适版 · 极地白",
            "template_id": self.template_id,
            "items": items,
            "accessories": [{"name": "行车记录仪", "installed": True, "photos": [self.upload(png("dashcam"))]}],
            "documents": ["invoice", "certificate", "warranty", "manual"],
            "keys_count": 2,
            "odometer_km": 12,
            "explained_maintenance": True,
            "explained_operation": True,
            "we_owe": [{"text": "原厂脚垫到货后通知客户领取", "due_date": "2026-12-20"}],
            "consent_version": "delivery-consent-1",
            "consent_accepted": True,
            "notes": "",
        }
        values.update(changes)
        return values

    def signatures(self) -> list[dict]:
        return [
            {"role": "customer", "name": "张三", "blob": self.upload(png("customer-signature"))},
            {"role": "consultant", "name": "李明", "blob": self.upload(png("consultant-signature"))},
        ]

    def sign(self, record_id: str, snapshot: dict, signatures: list[dict] | None = None, content: str | None = None):
        args = {
            "entity": "delivery",
            "id": record_id,
            "snapshot": snapshot,
            "contentHash": content or content_hash(snapshot),
            "signatures": self.signatures() if signatures is None else signatures,
            "signedAt": "2026-11-29T15:02:11+08:00",
        }
        return self.tablet.push(self.tablet.mutation("sign", args))["results"][0]

    def create(self, **changes) -> tuple[str, dict]:
        record_id, values = str(uuid.uuid4()), self.record(**changes)
        result = self.tablet.push(self.tablet.put("delivery", record_id, values))["results"][0]
        assert result["outcome"] == "applied", result
        return record_id, values


@pytest.fixture
def bay(app, client) -> Bay:
    with app.app_context():
        store = make_store("BAY", templates=True)
        consultant = make_user(store, "consultant", display_name="李明")
        manager = make_user(store, "manager")
        customer = make_customer(store, owner=consultant, name="张三")
        series = make_series(store)
        vehicle = make_vehicle(make_trim(series), make_colour(series), vin="LKHSA20STA0000017")
        template = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.store_id == store.id))
        bay = Bay(
            tablet_for(client, consultant),
            store.id,
            consultant.id,
            customer.id,
            vehicle.id,
            vehicle.vin,
            template.id,
            template.item_codes("ice"),
            manager.username,
        )
    return bay
