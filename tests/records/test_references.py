"""Every writable entity checks that each record it names belongs to the writer's store.

`follow_up` had no store check: a record of store B pointing at store A's customer and consultant was applied.
The registry now lists each entity's references (`refs`), and `put` refuses a value that is not a record of the
writer's store. This test walks the registry, so a new entity with an unchecked reference fails it.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import (
    AgreementTemplate,
    ChecklistTemplate,
    Colour,
    Customer,
    Delivery,
    DemoCar,
    DriveRoute,
    FollowUp,
    NeedsAnalysis,
    Presentation,
    Series,
    Store,
    TestDrive,
    Trim,
    User,
    Vehicle,
)
from server.workflow.entities import ENTITIES
from server.workflow.handover import default_templates
from server.workflow.test_drive import provision
from tests.factories import (
    make_colour,
    make_customer,
    make_delivery,
    make_demo_car,
    make_route,
    make_series,
    make_trim,
    make_vehicle,
    synced,
)
from tests.factories.tablets import quick_user
from tests.factories.walkaround import make_content, make_needs


def _records_of(store: Store) -> dict[type, object]:
    """One record of every model an entity may reference, in `store` → its id."""
    series = make_series(store)
    trim = make_trim(series)
    colour = make_colour(series)
    manager = quick_user(store, "manager")
    customer = make_customer(store)
    vehicle = make_vehicle(trim, colour, vin=f"LKHSA20STA{store.id:07d}")
    template = default_templates(store)[0]
    provision(store)  # the test-drive rules and the shipped agreement
    db.session.commit()
    delivery = make_delivery(customer, vehicle, template)
    agreement = db.session.scalar(select(AgreementTemplate).where(AgreementTemplate.store_id == store.id))
    car = make_demo_car(trim, plate=f"沪A·D{store.id:04d}试", vin=f"LKHSA20STB{store.id:07d}")
    route = make_route(store)
    escort = quick_user(store, "escort")
    drive = synced(TestDrive, store, customer_id=customer.id, escort_id=escort.id, demo_car_id=car.id)
    return {
        Customer: customer.id,
        User: manager.id,
        Series: series.id,
        Trim: trim.id,
        Colour: colour.id,
        Vehicle: vehicle.id,
        ChecklistTemplate: template.id,
        Delivery: delivery.id,
        Presentation: make_content(series, manager)["presentation"],
        NeedsAnalysis: make_needs(customer).id,
        DemoCar: car.id,
        DriveRoute: route.id,
        AgreementTemplate: agreement.id,
        TestDrive: drive.id,
    }


@pytest.fixture
def both_stores(app, world):
    """A record of every referenced model in store A (the writer's) and in store B."""
    with app.app_context():
        mine = _records_of(db.session.get(Store, world.ids["store_a"]))
        theirs = _records_of(db.session.get(Store, world.ids["store_b"]))
        db.session.remove()
    return mine, theirs


#: The explicit entity list (server/workflow/entities.py), read at collection, before any app fills the registry.
REGISTRY = {entity.name: entity for entity in ENTITIES}
WRITABLE = sorted(name for name, entity in REGISTRY.items() if not entity.read_only)


@pytest.mark.parametrize("name", WRITABLE)
def test_every_reference_field_of_a_writable_entity_is_checked(name):
    """A field named `*_id` names a record: it must be listed in the entity's `refs` (registry.py)."""
    entity = REGISTRY[name]
    references = {f for f in entity.fields if f.endswith("_id")}
    assert references <= set(entity.refs), f"{name}: unchecked references {sorted(references - set(entity.refs))}"


CASES = [(name, field) for name in WRITABLE for field in REGISTRY[name].refs]


@pytest.mark.parametrize(("name", "field"), CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_a_reference_to_another_stores_record_is_rejected_on_its_field(world, both_stores, name, field):
    """A manager of store A (who may write every entity) names store B's record: rejected, with an error on that
    field; naming store A's own record of the same kind raises no error on it."""
    mine, theirs = both_stores
    model = REGISTRY[name].refs[field][0]
    tablet = world.tablet("manager")
    foreign = tablet.push(tablet.put(name, str(uuid.uuid4()), {field: theirs[model]}))["results"][0]
    assert foreign["outcome"] == "rejected" and field in foreign["error"]["errors"], foreign
    own = tablet.push(tablet.put(name, str(uuid.uuid4()), {field: mine[model]}))["results"][0]
    assert field not in (own.get("error") or {}).get("errors", {}), own


def test_a_follow_up_of_store_b_naming_store_a_customer_and_consultant_is_not_applied(app, world, both_stores):
    """The finding itself: every reference of the follow-up named, none applied."""
    mine, _theirs = both_stores
    tablet = world.tablet("b1")
    record = str(uuid.uuid4())
    values = {"customer_id": mine[Customer], "owner_id": world.ids["a1"], "due_date": "2026-12-31"}
    result = tablet.push(tablet.put("follow_up", record, values))["results"][0]
    assert result["outcome"] == "rejected"
    assert {"customer_id", "owner_id"} <= set(result["error"]["errors"])
    with app.app_context():
        assert db.session.get(FollowUp, record) is None
        db.session.remove()
