"""A store holding at least one record of every entity a pull can return, each made the way it is made in use
(tablets push what tablets write; the office and the server make the rest): for tests of the contract as a whole —
the published JSON Schemas, the times a pull carries, a `put` of any one field."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import ChecklistTemplate, Series, Store, Trim, User
from tests.documents.conftest import png
from tests.factories import make_blob, make_colour, make_customer, make_document, make_vehicle
from tests.factories.drives import Lot, now_iso
from tests.factories.drives import lot_fixture as lot_fixture  # noqa: F401 - the `lot` fixture, re-exported
from tests.factories.tablets import Tablet, tablet_for
from tests.factories.walkaround import make_content


@dataclass
class Everything:
    """The lot (test drives) plus a record of every other entity. `records` maps entity → id of one record that a
    tablet wrote and may still change (not sealed); `manager` is a tablet that may write every entity."""

    lot: Lot
    manager: Tablet
    consultant2: Tablet
    records: dict[str, str] = field(default_factory=dict)

    def push_ok(self, tablet: Tablet, entity: str, record_id: str, values: dict, name: str = "put") -> dict:
        args = {"entity": entity, "id": record_id, "set": values, "base": {}}
        result = tablet.push(tablet.mutation(name, args))["results"][0]
        assert result["outcome"] in ("applied", "conflict"), result
        return result


def _office_made(lot: Lot) -> dict:
    """Catalogue, a vehicle for the delivery, walk-around content, a signed delivery's document and we-owe item."""
    store = db.session.get(Store, lot.store_id)
    manager = db.session.scalar(select(User).where(User.username == lot.manager))
    series = db.session.scalar(select(Series).where(Series.store_id == store.id))
    trim = db.session.scalar(select(Trim).where(Trim.series_id == series.id))
    colour = make_colour(series)
    vehicle = make_vehicle(trim, colour, vin="LKHSA20STA0000255")
    other = make_vehicle(trim, colour, vin="LKHSA20STA0000256")
    template = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.store_id == store.id))
    customer = make_customer(store, name="李四", phone="13900139000")
    pdf = make_blob(store, b"%PDF-1.4\n%%EOF\n")
    make_document(customer, other, manager, pdf)
    content = make_content(series, manager, [trim])
    ids = {
        "manager": manager,
        "vehicle": vehicle.id,
        "vin": vehicle.vin,
        "template": template.id,
        "presentation": content["presentation"],
        "trim": trim.id,
    }
    db.session.commit()
    return ids


def build(app, client, lot: Lot) -> Everything:
    """Fill the lot's store with a record of every entity (see the module's docstring)."""
    with app.app_context():
        made = _office_made(lot)
        manager_id = made["manager"].id
        manager = tablet_for(client, made.pop("manager"))
        consultant2 = tablet_for(client, db.session.get(User, lot.consultant_id))
        db.session.remove()
    world = Everything(lot, manager, consultant2)
    consultant, escort = lot.consultant, lot.escort
    ids = {name: str(uuid.uuid4()) for name in ("customer", "delivery", "follow_up", "needs", "walkaround", "drive")}
    world.push_ok(consultant, "customer", ids["customer"], {"name": "王五", "phone": "13700137000", "grade": "A"})
    world.push_ok(
        consultant,
        "delivery",
        ids["delivery"],
        {
            "customer_id": ids["customer"],
            "customer_name": "王五",
            "vehicle_id": made["vehicle"],
            "vin": made["vin"],
            "template_id": made["template"],
        },
    )
    world.push_ok(consultant, "follow_up", ids["follow_up"], {"customer_id": ids["customer"], "due_date": "2026-12-31"})
    needs = {"customer_id": ids["customer"], "budget_min": 10.0, "budget_max": 15.0, "timeline": "15d"}
    world.push_ok(consultant, "needs_analysis", ids["needs"], needs)
    walkaround = {
        "customer_id": ids["customer"],
        "presentation_id": made["presentation"],
        "needs_analysis_id": ids["needs"],
        "trim_id": made["trim"],
        "started_at": now_iso(),
        "current_position": "front",
        "positions": {"front_left": {"seconds": 30, "points": {"pt0": {"presented": True, "interest": True}}}},
    }
    world.push_ok(consultant, "walkaround", ids["walkaround"], walkaround)
    world.push_ok(escort, "test_drive", ids["drive"], lot.drive(outcome="pending", agreement_accepted=False))
    signed, _values = lot.agreed()
    log_id = str(uuid.uuid4())
    assert lot.start(signed, log_id)["outcome"] == "applied"
    photo = str(uuid.uuid4())
    licence = {"test_drive_id": signed, "photo": lot.upload(png("licence")), "consent": True, "consent_version": "v1"}
    world.push_ok(escort, "licence_photo", photo, {**licence, "taken_at": now_iso()})
    # a conflict (two consultants change one phone unseen) and a rejection (a phone that is not one)
    seen = consultant.pull_all()[f"customer/{ids['customer']}"]["fieldVersions"]["phone"]
    consultant.push(consultant.put("customer", ids["customer"], {"phone": "13700137001"}, {"phone": seen}))
    consultant2.push(consultant2.put("customer", ids["customer"], {"phone": "13700137002"}, {"phone": seen}))
    rejected = consultant.push(consultant.put("customer", str(uuid.uuid4()), {"name": "拒绝", "phone": "12"}))
    assert rejected["results"][0]["outcome"] == "rejected"
    # a grade change (in the manager's name: a record names its author, and only the author may send it again)
    change = str(uuid.uuid4())
    grade = {"customer_id": ids["customer"], "from_grade": "A", "to_grade": "H", "reason": "needs_analysis"}
    grade |= {"needs_analysis_id": ids["needs"], "changed_by": manager_id, "changed_at": now_iso()}
    world.push_ok(manager, "grade_change", change, grade)
    # a visit logged by the manager at the desk: the attribution rule gives the customer its first owner (an
    # ownership change)
    visit = str(uuid.uuid4())
    received = {"customer_id": ids["customer"], "consultant_id": lot.consultant_id, "arrived_at": now_iso()}
    world.push_ok(manager, "visit", visit, {**received, "recorded_by": manager_id, "outcomes": ["needs_analysis"]})
    # a lost-deal request, pending (the manager decides in the office)
    lost = str(uuid.uuid4())
    asked = {"customer_id": ids["customer"], "reason": "cancelled.postponed", "requested_at": now_iso()}
    world.push_ok(manager, "lost_request", lost, {**asked, "requested_by": manager_id})
    world.records = {
        "customer": ids["customer"],
        "delivery": ids["delivery"],
        "follow_up": ids["follow_up"],
        "needs_analysis": ids["needs"],
        "grade_change": change,
        "visit": visit,
        "lost_request": lost,
        "walkaround": ids["walkaround"],
        "test_drive": ids["drive"],
        "test_drive_log": log_id,
        "licence_photo": photo,
    }
    return world


@pytest.fixture(name="everything")
def everything_fixture(app, client, lot) -> Everything:
    """A store with a record of every entity (import `everything_fixture` and `lot_fixture` into a test module)."""
    return build(app, client, lot)
