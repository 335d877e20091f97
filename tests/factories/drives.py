"""A test-drive lot for tests: a store with its rules and agreement, two escorts' tablets, a customer, fleet cars,
a route; helpers that push what the tablet pushes (contract: README.md "Test drives")."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AgreementTemplate, DemoCar, DriveRules, TestDrive, TestDriveLog
from tests.documents.conftest import content_hash, png
from tests.factories import make_customer, make_demo_car, make_route, make_series, make_store, make_trim, make_user
from tests.factories.tablets import Tablet, tablet_for


def now_iso() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(timespec="seconds")


@dataclass
class Lot:
    """What a test needs to run drives; `escort` and `escort2` are two tablets of two escorts."""

    escort: Tablet
    escort2: Tablet
    consultant: Tablet
    store_id: int
    escort_id: int
    escort2_id: int
    consultant_id: int
    customer_id: str
    car_id: str
    car2_id: str
    route_id: str
    template_id: str
    manager: str
    uploads: dict = field(default_factory=dict)

    def upload(self, data: bytes, tablet: Tablet | None = None, content_type: str = "image/png") -> str:
        tablet = tablet or self.escort
        sha256 = hashlib.sha256(data).hexdigest()
        response = tablet.http.put(
            f"/api/sync/v1/blobs/{sha256}", data=data, headers={**tablet.headers, "Content-Type": content_type}
        )
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return sha256

    def drive(self, escort_id: int | None = None, **changes) -> dict:
        """An eligible, agreed drive of the customer in car 1 (the full record the tablet sends)."""
        values = {
            "customer_id": self.customer_id,
            "customer_name": "张三",
            "driver_is_customer": True,
            "driver_name": "张三",
            "driver_phone": "13800138000",
            "consultant_id": self.consultant_id,
            "escort_id": escort_id or self.escort_id,
            "demo_car_id": self.car_id,
            "route_id": self.route_id,
            "kind": "ride_drive",
            "checked_at": now_iso(),
            "has_licence": True,
            "licence_document_type": "mainland_id",
            "licence_masked": "110***********002X",
            "licence_verified": True,
            "licence_class": "C1",
            "vehicle_class": "C2",
            "licence_valid_to": "2032-05-01",
            "licence_first_issued": "2012-05-01",
            "driver_age": 35,
            "escort_present": True,
            "eligibility_reasons": [],
            "outcome": "agreed",
            "refusal_reasons": [],
            "refusal_note": "",
            "agreement_template_id": self.template_id,
            "agreement_version": 1,
            "agreement_accepted": True,
            "notes": "",
        }
        values.update(changes)
        return values

    def signatures(self, *roles: str, tablet: Tablet | None = None) -> list[dict]:
        names = {"customer": "张三", "escort": "陈刚"}
        return [
            {"role": role, "name": names[role], "blob": self.upload(png(f"{role}-signature"), tablet)} for role in roles
        ]

    def sign(self, entity: str, record_id: str, snapshot: dict, tablet: Tablet | None = None, roles=None) -> dict:
        tablet = tablet or self.escort
        roles = roles or (("customer", "escort") if entity == "test_drive" else ("escort", "customer"))
        args = {
            "entity": entity,
            "id": record_id,
            "snapshot": snapshot,
            "contentHash": content_hash(snapshot),
            "signatures": self.signatures(*roles, tablet=tablet),
            "signedAt": now_iso(),
        }
        return tablet.push(tablet.mutation("sign", args))["results"][0]

    def agreed(self, tablet: Tablet | None = None, **changes) -> tuple[str, dict]:
        """A drive put and signed (sealed); returns its id and values."""
        tablet = tablet or self.escort
        drive_id, values = str(uuid.uuid4()), self.drive(**changes)
        result = tablet.push(tablet.put("test_drive", drive_id, values))["results"][0]
        assert result["outcome"] == "applied", result
        result = self.sign("test_drive", drive_id, values, tablet)
        assert result["outcome"] == "applied", result
        return drive_id, values

    def start(self, drive_id: str, log_id: str | None = None, tablet: Tablet | None = None, **changes) -> dict:
        tablet = tablet or self.escort
        values = {
            "test_drive_id": drive_id,
            "demo_car_id": self.car_id,
            "route_id": self.route_id,
            "start_at": now_iso(),
            "start_odometer_km": 1000,
            "start_fuel_pct": 80,
            "start_charge_pct": None,
            "damage_before": [{"photo": self.upload(png("scratch-before"), tablet), "note": "左后门划痕"}],
        }
        values.update(changes)
        args = {"entity": "test_drive_log", "id": log_id or str(uuid.uuid4()), "set": values, "base": {}}
        return tablet.push(tablet.mutation("test_drive.start", args))["results"][0]

    def give_back(self, log_id: str, tablet: Tablet | None = None, **changes) -> dict:
        tablet = tablet or self.escort
        values = {
            "end_at": now_iso(),
            "end_odometer_km": 1009,
            "end_fuel_pct": 75,
            "damage_after": [],
            "incidents": "",
            "feedback": {
                "scores": {"power": 5, "comfort": 4, "service": 5},
                "overall": 5,
                "likes": "加速有力",
                "concerns": "后排空间",
                "competitor": "某品牌 X5",
                "intention": "week",
                "contact_time": "工作日晚上",
            },
        }
        values.update(changes)
        args = {"entity": "test_drive_log", "id": log_id, "set": values, "base": {}}
        return tablet.push(tablet.mutation("test_drive.return", args))["results"][0]


def log_snapshot(log_id: str) -> dict:
    """The log's fields as the server holds them (what the tablet would sign)."""
    from server.records.registry import REGISTRY

    log = db.session.get(TestDriveLog, log_id)
    return REGISTRY["test_drive_log"].schema().dump(log)


def car(car_id: str) -> DemoCar:
    db.session.expire_all()
    return db.session.get(DemoCar, car_id)


def drive(drive_id: str) -> TestDrive:
    db.session.expire_all()
    return db.session.get(TestDrive, drive_id)


@pytest.fixture(name="lot")
def lot_fixture(app, client) -> Lot:
    """The lot (import `lot_fixture` into a test module to use `lot`)."""
    with app.app_context():
        store = make_store("LOT", templates=True)
        escort = make_user(store, "escort", display_name="陈刚")
        escort2 = make_user(store, "escort", display_name="周杰")
        consultant = make_user(store, "consultant", display_name="李明")
        manager = make_user(store, "manager")
        customer = make_customer(store, owner=consultant, name="张三")
        trim = make_trim(make_series(store))
        car1 = make_demo_car(trim)
        car2 = make_demo_car(trim, plate="沪A·D0002试", vin="LKHSA20STA0000098")
        route = make_route(store)
        template = db.session.scalar(select(AgreementTemplate).where(AgreementTemplate.store_id == store.id))
        assert db.session.scalar(select(DriveRules).where(DriveRules.store_id == store.id)) is not None
        lot = Lot(
            tablet_for(client, escort),
            tablet_for(client, escort2),
            tablet_for(client, consultant),
            store.id,
            escort.id,
            escort2.id,
            consultant.id,
            customer.id,
            car1.id,
            car2.id,
            route.id,
            template.id,
            manager.username,
        )
    return lot
