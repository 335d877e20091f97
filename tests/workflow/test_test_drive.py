"""Test drives over the sync protocol: refusals recorded, the agreement sealed only when eligible and signed by
the drive's escort, the car out and back in (pulled by every tablet), the same car taken twice kept as a
conflict both escorts see, bad odometers refused field by field, sealed records immutable."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.models import Conflict, Document, MutationLog
from tests.documents.conftest import png  # a real picture: the server decodes uploads
from tests.factories.drives import car, drive, log_snapshot, lot_fixture  # noqa: F401 - fixture `lot`

pytestmark = pytest.mark.usefixtures("app")


def test_refusal_is_recorded_with_its_reasons(lot, app):
    """A refusal is a drive with outcome refused and reason codes; it syncs like any record."""
    drive_id = str(uuid.uuid4())
    values = lot.drive(outcome="refused", refusal_reasons=["no_licence"], has_licence=False, licence_class="")
    result = lot.escort.push(lot.escort.put("test_drive", drive_id, values))["results"][0]
    assert result["outcome"] == "applied"
    with app.app_context():
        record = drive(drive_id)
        assert (record.outcome, record.refusal_reasons, record.sealed) == ("refused", ["no_licence"], False)
    assert lot.escort2.pull_all()[f"test_drive/{drive_id}"]["refusal_reasons"] == ["no_licence"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "refused", "refusal_reasons": []}, "refusal_reasons"),
        ({"outcome": "refused", "refusal_reasons": ["other"], "refusal_note": ""}, "refusal_note"),
        ({"outcome": "agreed", "refusal_reasons": ["probation"]}, "refusal_reasons"),
        ({"refusal_reasons": ["drunk"]}, "refusal_reasons"),
        ({"licence_masked": "11010519491231002X"}, "licence_masked"),
        ({"driver_phone": "12345"}, "driver_phone"),
        ({"licence_valid_to": "2030-13-01"}, "licence_valid_to"),
        ({"licence_class": "Q"}, "licence_class"),
        ({"driver_age": "old"}, "driver_age"),
        ({"kind": "race"}, "kind"),
        ({"escort_id": "陈刚"}, "escort_id"),
        ({"escort_id": 999999}, "escort_id"),
        ({"demo_car_id": str(uuid.uuid4())}, "demo_car_id"),
        ({"customer_id": str(uuid.uuid4())}, "customer_id"),
    ],
)
def test_garbage_drive_is_rejected_field_by_field(lot, app, changes, field):
    """Bad input is rejected with a message on its field, in Chinese; nothing is stored."""
    drive_id = str(uuid.uuid4())
    result = lot.escort.push(lot.escort.put("test_drive", drive_id, lot.drive(**changes)))["results"][0]
    assert result["outcome"] == "rejected"
    assert field in result["error"]["errors"], result["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result["error"]["errors"][field][0])
    with app.app_context():
        assert drive(drive_id) is None


def test_phone_with_country_code_is_stored_plain(lot, app):
    """+86 and separators are stripped: the number is stored as 11 digits."""
    drive_id = str(uuid.uuid4())
    lot.escort.push(lot.escort.put("test_drive", drive_id, lot.drive(driver_phone="+86 138-0013-8000")))
    with app.app_context():
        assert drive(drive_id).driver_phone == "13800138000"


def test_eligible_drive_is_sealed_with_a_document(lot, app):
    """Signed by customer and escort: sealed, with a pending document of entity test_drive."""
    drive_id, _values = lot.agreed()
    with app.app_context():
        assert drive(drive_id).sealed
        doc = db.session.query(Document).filter_by(record_id=drive_id).one()
        assert doc.entity == "test_drive"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"licence_valid_to": "2020-01-01"}, "licence_expired"),
        ({"licence_first_issued": "2026-11-01"}, "probation"),
        ({"licence_class": "C2", "vehicle_class": "C1"}, "class_not_covered"),
        ({"driver_age": 17}, "under_age"),
        ({"escort_present": False}, "no_escort"),
        ({"licence_verified": False}, "licence_number_invalid"),
        ({"has_licence": False}, "no_licence"),
    ],
)
def test_signing_an_ineligible_drive_is_refused(lot, app, changes, reason):
    """The server recomputes eligibility from the record: a tablet cannot sign what the rules refuse."""
    drive_id, values = str(uuid.uuid4()), lot.drive(**changes)
    assert lot.escort.push(lot.escort.put("test_drive", drive_id, values))["results"][0]["outcome"] == "applied"
    result = lot.sign("test_drive", drive_id, values)
    assert result["outcome"] == "rejected"
    assert reason in result["error"]["errors"]["eligibility"]
    with app.app_context():
        assert not drive(drive_id).sealed


def test_refused_drive_cannot_be_signed(lot):
    """Only an agreed drive is signed."""
    drive_id = str(uuid.uuid4())
    values = lot.drive(outcome="refused", refusal_reasons=["not_signed"])
    lot.escort.push(lot.escort.put("test_drive", drive_id, values))
    result = lot.sign("test_drive", drive_id, values)
    assert result["outcome"] == "rejected" and "outcome" in result["error"]["errors"]


def test_only_the_drives_escort_signs(lot, app):
    """A consultant, or another escort, cannot seal the agreement: code escort_required."""
    drive_id, values = str(uuid.uuid4()), lot.drive()
    lot.consultant.push(lot.consultant.put("test_drive", drive_id, values))
    result = lot.sign("test_drive", drive_id, values, tablet=lot.consultant)
    assert result["outcome"] == "rejected" and result["error"]["code"] == "escort_required"
    result = lot.sign("test_drive", drive_id, values, tablet=lot.escort2)
    assert result["outcome"] == "rejected" and result["error"]["code"] == "escort_required"
    with app.app_context():
        assert not drive(drive_id).sealed
        assert db.session.query(Document).filter_by(record_id=drive_id).count() == 0
    assert lot.sign("test_drive", drive_id, values)["outcome"] == "applied"


def test_agreement_without_signatures_of_both_is_refused(lot):
    """Customer and escort both sign the agreement."""
    drive_id, values = str(uuid.uuid4()), lot.drive()
    lot.escort.push(lot.escort.put("test_drive", drive_id, values))
    result = lot.sign("test_drive", drive_id, values, roles=("escort",))
    assert result["error"]["code"] == "signature_roles_missing"


def test_sealed_agreement_is_immutable(lot, app):
    """A put on a signed agreement is rejected (immutable); the database trigger refuses it too."""
    drive_id, _values = lot.agreed()
    result = lot.escort.push(lot.escort.put("test_drive", drive_id, {"notes": "改一下"}))["results"][0]
    assert result["error"]["code"] == "immutable"
    with app.app_context():
        record = drive(drive_id)
        record.notes = "直接改数据库"
        with pytest.raises(Exception, match="immutable"):
            db.session.commit()
        db.session.rollback()


def test_start_before_signing_is_refused(lot, app):
    """No signed agreement, no drive: code not_agreed, the car stays available."""
    drive_id = str(uuid.uuid4())
    lot.escort.push(lot.escort.put("test_drive", drive_id, lot.drive()))
    result = lot.start(drive_id)
    assert result["outcome"] == "rejected" and result["error"]["code"] == "not_agreed"
    with app.app_context():
        assert car(lot.car_id).status == "available"


def test_drive_out_and_back_moves_the_car(lot, app):
    """Start: the car is out with this drive (every tablet pulls it). Return: available, odometer moved on."""
    drive_id, _values = lot.agreed()
    log_id = str(uuid.uuid4())
    assert lot.start(drive_id, log_id)["outcome"] == "applied"
    pulled = lot.escort2.pull_all()[f"demo_car/{lot.car_id}"]
    assert (pulled["status"], pulled["current_drive_id"]) == ("out", drive_id)
    assert pulled["out_since"] and pulled["out_by"] == "陈刚"
    assert lot.give_back(log_id, end_odometer_km=1012)["outcome"] == "applied"
    pulled = lot.escort2.pull_all()[f"demo_car/{lot.car_id}"]
    assert (pulled["status"], pulled["current_drive_id"], pulled["odometer_km"]) == ("available", None, 1012)
    assert pulled["out_by"] is None
    result = lot.sign("test_drive_log", log_id, pulled and _snapshot(app, log_id))
    assert result["outcome"] == "applied", result
    with app.app_context():
        doc = db.session.query(Document).filter_by(record_id=log_id).one()
        assert doc.entity == "test_drive_log"


def _snapshot(app, log_id):
    with app.app_context():
        return log_snapshot(log_id)


def test_end_odometer_below_start_is_a_field_error(lot, app):
    """The return is rejected on end_odometer_km; the car stays out, nothing of the return is stored."""
    drive_id, _values = lot.agreed()
    log_id = str(uuid.uuid4())
    lot.start(drive_id, log_id, start_odometer_km=1000)
    result = lot.give_back(log_id, end_odometer_km=999)
    assert result["outcome"] == "rejected"
    assert "1000" in result["error"]["errors"]["end_odometer_km"][0]
    with app.app_context():
        assert car(lot.car_id).status == "out"
        assert log_snapshot(log_id)["end_at"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_odometer_km": "999"}, "end_odometer_km"),  # a number as text, below the start
        ({"end_odometer_km": "很多"}, "end_odometer_km"),
        ({"end_odometer_km": -5}, "end_odometer_km"),
        ({"end_at": "yesterday"}, "end_at"),
        ({"end_fuel_pct": 130}, "end_fuel_pct"),
        ({"damage_after": [{"photo": None, "note": ""}]}, "damage_after"),
        ({"feedback": {"overall": 9}}, "feedback"),
        ({"feedback": {"intention": "maybe"}}, "feedback"),
        ({"feedback": {"scores": {"colour": 3}}}, "feedback"),
    ],
)
def test_garbage_return_is_rejected(lot, app, changes, field):
    """Bad return input is a field-level error; the car stays out."""
    drive_id, _values = lot.agreed()
    log_id = str(uuid.uuid4())
    lot.start(drive_id, log_id)
    result = lot.give_back(log_id, **changes)
    assert result["outcome"] == "rejected" and field in result["error"]["errors"], result
    with app.app_context():
        assert car(lot.car_id).status == "out"


def test_start_with_a_bad_start_date_is_rejected(lot, app):
    """A garbage start time is refused and the car does not go out."""
    drive_id, _values = lot.agreed()
    result = lot.start(drive_id, start_at="2026-99-01T10:00")
    assert result["outcome"] == "rejected" and "start_at" in result["error"]["errors"]
    with app.app_context():
        assert car(lot.car_id).status == "available"


def test_log_for_another_car_is_refused(lot):
    """The log drives the agreement's car."""
    drive_id, _values = lot.agreed()
    result = lot.start(drive_id, demo_car_id=lot.car2_id)
    assert result["outcome"] == "rejected" and "demo_car_id" in result["error"]["errors"]


def test_same_car_taken_twice_offline_keeps_both_and_raises_a_conflict(lot, app):
    """Two escorts started the same car offline: both drives are kept, the second start is a conflict on
    demo_car.current_drive_id naming both drives, pulled by both tablets."""
    first, _ = lot.agreed()
    second, _ = lot.agreed(tablet=lot.escort2, escort_id=lot.escort2_id)
    assert lot.start(first)["outcome"] == "applied"
    result = lot.start(second, tablet=lot.escort2)
    assert result["outcome"] == "conflict" and len(result["conflictIDs"]) == 1
    with app.app_context():
        conflict = db.session.get(Conflict, result["conflictIDs"][0])
        assert (conflict.entity, conflict.record_id, conflict.field) == ("demo_car", lot.car_id, "current_drive_id")
        assert (conflict.overwritten_value, conflict.applied_value, conflict.state) == (first, second, "open")
        assert db.session.query(MutationLog).filter_by(name="test_drive.start").count() == 2
    for tablet in (lot.escort, lot.escort2):
        pulled = tablet.pull_all()[f"conflict/{result['conflictIDs'][0]}"]
        assert {pulled["overwritten_value"], pulled["applied_value"]} == {first, second}


def test_car_in_maintenance_started_offline_is_a_status_conflict(lot, app):
    """A car the office put in maintenance, started offline: kept, with a conflict on its status."""
    from server.models import User
    from server.records.writes import server_put

    drive_id, _ = lot.agreed()
    with app.app_context():
        manager = db.session.query(User).filter_by(username=lot.manager).one()
        server_put(car(lot.car_id), {"status": "maintenance"}, manager)
        db.session.commit()
    result = lot.start(drive_id)
    assert result["outcome"] == "conflict"
    with app.app_context():
        conflict = db.session.get(Conflict, result["conflictIDs"][0])
        assert (conflict.field, conflict.overwritten_value, conflict.applied_value) == ("status", "maintenance", "out")


def test_signing_the_log_before_return_is_refused(lot, app):
    """The log is sealed at return: without an end it is not ready."""
    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    lot.start(drive_id, log_id)
    result = lot.sign("test_drive_log", log_id, _snapshot(app, log_id))
    assert result["outcome"] == "rejected" and "end_odometer_km" in result["error"]["errors"]


def test_sealing_the_log_returns_a_car_still_out(lot, app):
    """A log whose end came by plain put (not test_drive.return) still brings the car back when sealed."""
    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    lot.start(drive_id, log_id)
    lot.escort.push(
        lot.escort.put("test_drive_log", log_id, {"end_at": "2026-11-30T11:00:00+08:00", "end_odometer_km": 1020})
    )
    assert lot.sign("test_drive_log", log_id, _snapshot(app, log_id))["outcome"] == "applied"
    with app.app_context():
        assert (car(lot.car_id).status, car(lot.car_id).odometer_km) == ("available", 1020)


def test_licence_photo_needs_separate_consent(lot, app):
    """Without consent a licence photo is refused on `consent`; with it, kept and never pulled by tablets."""
    drive_id, _ = lot.agreed()
    photo = lot.upload(png("licence"))
    bad = {"test_drive_id": drive_id, "photo": photo, "consent": False, "consent_version": "licence-photo-1"}
    result = lot.escort.push(lot.escort.put("licence_photo", str(uuid.uuid4()), bad))["results"][0]
    assert result["outcome"] == "rejected" and "consent" in result["error"]["errors"]
    photo_id = str(uuid.uuid4())
    result = lot.escort.push(lot.escort.put("licence_photo", photo_id, {**bad, "consent": True}))["results"][0]
    assert result["outcome"] == "applied"
    assert not any(key.startswith("licence_photo/") for key in lot.escort.pull_all())


def test_tablets_pull_the_fleet_rules_and_agreement(lot):
    """Read-only entities arrive on every tablet; tablets cannot write them."""
    pulled = lot.escort.pull_all()
    kinds = {key.split("/")[0] for key in pulled}
    assert {"demo_car", "drive_route", "drive_rules", "agreement_template"} <= kinds
    rules = next(v for k, v in pulled.items() if k.startswith("drive_rules/"))
    assert rules["min_age"] == 18 and rules["class_coverage"]["C1"] == ["C1", "C2", "C3", "C4"]
    result = lot.escort.push(lot.escort.put("demo_car", lot.car_id, {"status": "out"}))["results"][0]
    assert result["error"]["code"] == "read_only"


def test_the_car_conflict_shows_in_the_office_with_both_drives_named(lot, app, client):
    """/office/conflicts names the car by plate and each drive by customer (masked) and escort."""
    from tests.conftest import login

    first, _ = lot.agreed()
    second, _ = lot.agreed(tablet=lot.escort2, escort_id=lot.escort2_id)
    lot.start(first)
    lot.start(second, tablet=lot.escort2)
    assert login(client, lot.manager).status_code == 303
    page = client.get("/office/conflicts").get_data(as_text=True)
    assert "沪A·D0001试" in page and "陈刚" in page and "周杰" in page and "张*" in page
    assert first not in page and second not in page  # drive ids are described, not shown raw


def test_published_schema_has_the_test_drive_entities_and_mutators(lot):
    """/api/sync/v1/schema publishes every test-drive entity, its signature roles, and the named mutators."""
    body = lot.escort.http.get("/api/sync/v1/schema", headers=lot.escort.headers).get_json()
    entities = body["entities"]
    assert entities["test_drive"]["signable"] and entities["test_drive"]["signatureRoles"] == ["customer", "escort"]
    assert entities["test_drive_log"]["signatureRoles"] == ["escort"]
    assert entities["demo_car"]["readOnly"] and entities["drive_rules"]["readOnly"]
    assert "licence_masked" in entities["test_drive"]["jsonSchema"]["properties"]
    assert "licence_number" not in entities["test_drive"]["jsonSchema"]["properties"]
    assert {"test_drive.start", "test_drive.return"} <= set(body["mutators"])


def test_records_made_earlier_in_the_same_push_are_found(lot, app):
    """A walk-in's customer file and its drive pushed together apply; so do a drive and its consented photo."""
    customer_id, drive_id, second = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    customer = {"name": "王五", "phone": "13900001111", "grade": "A", "source": "walk_in", "owner_id": None}
    result = lot.consultant.push(
        lot.consultant.put("customer", customer_id, customer),
        lot.consultant.put("test_drive", drive_id, lot.drive(customer_id=customer_id, outcome="pending")),
    )
    assert [r["outcome"] for r in result["results"]] == ["applied"] * 2, result
    photo = lot.upload(png("one push"))
    photo_values = {"test_drive_id": second, "photo": photo, "consent": True, "consent_version": "licence-photo-1"}
    result = lot.escort.push(
        lot.escort.put("test_drive", second, lot.drive()),
        lot.escort.put("licence_photo", str(uuid.uuid4()), photo_values),
    )
    assert [r["outcome"] for r in result["results"]] == ["applied"] * 2, result
