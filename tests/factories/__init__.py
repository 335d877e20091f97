"""The one set of test factories; each writes through the models and commits.

This module: stores, accounts, catalogue, customers, blobs, conflicts, deliveries and documents, fleet and routes.
Beside it, by feature: walkaround.py (presentations, needs analyses, sessions), drives.py (the test-drive lot),
images.py (real PNG/JPEG/WebP bytes), tablets.py (a protocol client and the sync fixtures, a pytest plugin loaded
by tests/conftest.py)."""

from __future__ import annotations

import itertools

from server.extensions import db
from server.models import Colour, Customer, Series, Store, Trim, User, Vehicle, next_store_version
from server.workflow.accounts import create_store, create_user

PASSWORD = "correct-horse-9"  # noqa: S105 - test accounts only
_seq = itertools.count(1)


def make_store(code: str | None = None, name: str = "测试店", templates: bool = False) -> Store:
    """A store with a unique code; with the shipped checklist templates only when asked (they take versions)."""
    store = create_store(code or f"S{next(_seq)}", name, brand="启程汽车", templates=templates)
    db.session.commit()
    return store


def make_user(store: Store, role: str = "consultant", username: str | None = None, **kwargs) -> User:
    """A user of `store` with the test password."""
    user = create_user(username or f"{role}{next(_seq)}", PASSWORD, role, store, **kwargs)
    db.session.commit()
    return user


def synced(model, store: Store | int, **fields):
    """A synced record of `store` (or store id) with `fields`, at the store's next version."""
    store_id = store if isinstance(store, int) else store.id
    record = model(store_id=store_id)
    record.apply(fields, next_store_version(store_id))
    db.session.add(record)
    db.session.commit()
    return record


def make_series(store: Store, name: str = "启程 S5") -> Series:
    """A series of `store`."""
    return synced(Series, store, name=name, brand="启程汽车", sort_order=0)


def make_trim(series: Series, name: str = "1.5T 舒适版", msrp: int = 109_900) -> Trim:
    """A trim of `series`."""
    return synced(
        Trim, series_store(series), series_id=series.id, name=name, model_year=2026, powertrain="ice", msrp_yuan=msrp
    )


def make_colour(series: Series, name: str = "极地白", hex_: str = "#f4f5f2") -> Colour:
    """A colour of `series`."""
    return synced(Colour, series_store(series), series_id=series.id, name=name, hex=hex_, extra_yuan=0)


def make_vehicle(trim: Trim, colour: Colour, vin: str = "LKHSA20STA0000017", **fields) -> Vehicle:
    """A vehicle of the trim's store."""
    return synced(
        Vehicle,
        series_store(trim.series),
        vin=vin,
        trim_id=trim.id,
        colour_id=colour.id,
        stock_status=fields.pop("stock_status", "in_stock"),
        is_test_drive=fields.pop("fleet", False),
        odometer_km=fields.pop("odometer_km", 10),
        plate="",
        **fields,
    )


def make_customer(
    store: Store, owner: User | None = None, name: str = "张三", phone: str = "13800138000", grade: str = "A"
) -> Customer:
    """A customer file of `store`."""
    return synced(
        Customer,
        store,
        name=name,
        phone=phone,
        grade=grade,
        source="walk_in",
        owner_id=owner.id if owner else None,
        notes="",
    )


def series_store(series: Series) -> Store:
    return db.session.get(Store, series.store_id)


def make_blob(store: Store, data: bytes, content_type: str = "application/pdf") -> str:
    """Bytes held by `store` (as if uploaded); returns their SHA-256."""
    from flask import current_app

    from server.models import Blob
    from server.storage import LocalStorage

    sha256 = LocalStorage(current_app.config["STORAGE_DIR"]).put_bytes(data)
    db.session.add(Blob(store_id=store.id, sha256=sha256, size=len(data), content_type=content_type))
    db.session.commit()
    return sha256


def make_conflict(record, field: str, overwritten_value, state: str = "open"):
    """An open conflict on `record.field`: `overwritten_value` lost to the record's current value."""
    from server.models import Conflict, uuid7

    conflict = Conflict(id=uuid7(), store_id=record.store_id)
    conflict.apply(
        {
            "entity": "customer",
            "record_id": record.id,
            "field": field,
            "base_version": 0,
            "base_value": None,
            "overwritten_value": overwritten_value,
            "applied_value": getattr(record, field),
            "overwritten_by": {"user": "甲", "at": None},
            "applied_by": {"user": "乙", "at": None},
            "state": state,
        },
        next_store_version(record.store_id),
    )
    db.session.add(conflict)
    db.session.commit()
    return conflict


def make_delivery(customer, vehicle, template):
    """An unsigned delivery inspection of `customer` and `vehicle` on checklist `template`."""
    from server.models import Delivery

    return synced(
        Delivery,
        db.session.get(Store, customer.store_id),
        customer_id=customer.id,
        customer_name=customer.name,
        vehicle_id=vehicle.id,
        vin=vehicle.vin,
        template_id=template.id,
    )


def make_document(customer, vehicle, signer: User, pdf_sha256: str) -> tuple[str, str]:
    """A sealed delivery of `customer` and `vehicle` with its ready document (PDF = blob `pdf_sha256`) and one
    open we-owe item; returns (document id, we-owe id). The full signing path is exercised in tests/documents."""
    from sqlalchemy import select

    from server.models import ChecklistTemplate, Document, WeOwe

    store = db.session.get(Store, customer.store_id)
    template = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.store_id == store.id))
    delivery = make_delivery(customer, vehicle, template)
    delivery.sealed = True
    document = synced(
        Document,
        store,
        entity="delivery",
        record_id=delivery.id,
        contentHash="0" * 64,
        state="ready",
        divergent=False,
        pdf_sha256=pdf_sha256,
        error=None,
        snapshot={"customer_name": customer.name},
        signatures=[],
        signed_at="",
        signed_by=signer.id,
        events=[],
    )
    owed = synced(WeOwe, store, delivery_id=delivery.id, customer_id=customer.id, text="原厂脚垫", due_date=None)
    return document.id, owed.id


def make_demo_car(trim: Trim, plate: str = "沪A·D0001试", vin: str = "LKHSA20STA0000099", **fields):
    """A test-drive fleet car of the trim's store (available, automatic, fuel unless told)."""
    from server.models import DemoCar

    values = {
        "vehicle_id": None,
        "plate": plate,
        "vin": vin,
        "trim_id": trim.id,
        "description": f"启程 S5 {trim.name}",
        "colour": "极地白",
        "transmission": "automatic",
        "energy": "fuel",
        "status": "available",
        "keys": "2 把",
        "odometer_km": 1000,
        "current_drive_id": None,
        "out_since": None,
        "out_by": None,
        "insurance_until": "2027-06-30",
        "notes": "",
    }
    return synced(DemoCar, series_store(trim.series), **{**values, **fields})


def make_route(store: Store, name: str = "城市短线", distance_km: float = 8.0, active: bool = True):
    """A test-drive route of `store`."""
    from server.models import DriveRoute

    return synced(
        DriveRoute, store, name=name, distance_km=distance_km, description="展厅 → 示例路 → 展厅", active=active
    )
