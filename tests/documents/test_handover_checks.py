"""What the server refuses when a delivery is sealed, beyond completeness: an item both handed over (✓ or N.A.) and
still owed, a we-owe entry naming an item that is not on the checklist, a due date before the handover day; and
what it accepts: an owed item needs no mark of its own, and records of the shape made before the documents became
checklist items only (a `documents` list) still sign."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, Document, WeOwe

MATS = "B07"  # 脚垫 / 后备箱垫（如约定）


def new_shape(bay, **changes) -> dict:
    """A complete delivery as today's tablet makes it: no `documents` list, the checklist's group A is the one
    record of the documents handed over."""
    values = bay.record(**changes)
    values.pop("documents")
    return values


def owed_mats(due_date: str = "2026-12-20") -> list[dict]:
    return [{"text": "原厂脚垫下周到店后补交", "due_date": due_date, "item_code": MATS}]


def create(bay, values: dict) -> str:
    import uuid

    record_id = str(uuid.uuid4())
    result = bay.tablet.push(bay.tablet.put("delivery", record_id, values))["results"][0]
    assert result["outcome"] == "applied", result
    return record_id


def test_an_item_ticked_and_owed_is_refused_at_the_seal_with_a_field_error(app, bay):
    """Floor mats ✓ and "floor mats owed": the draft may hold it (the review shows it), the seal is rejected with
    a field error on we_owe naming the item and its mark, and nothing is sealed."""
    values = new_shape(bay, we_owe=owed_mats())
    assert values["items"][MATS]["result"] == "ok"
    record_id = create(bay, values)
    result = bay.sign(record_id, values)
    assert result["outcome"] == "rejected", result
    assert result["error"]["code"] == "invalid"
    (message,) = result["error"]["errors"]["we_owe"]
    assert MATS in message and "✓" in message
    with app.app_context():
        assert not db.session.get(Delivery, record_id).sealed
        assert db.session.scalar(select(Document).where(Document.record_id == record_id)) is None


def test_an_item_marked_not_applicable_and_owed_is_refused_too(bay):
    """N.A. says the item does not apply; owing it says it does."""
    values = new_shape(bay, we_owe=owed_mats())
    values["items"][MATS] = {"result": "na", "note": "", "photos": []}
    result = bay.sign(create(bay, values), values)
    assert result["outcome"] == "rejected" and MATS in result["error"]["errors"]["we_owe"][0]


def test_an_owed_item_needs_no_mark_and_the_record_is_sealed(app, bay):
    """Left unmarked because the we-owe list names it: complete, sealed, and the owed item is tracked."""
    values = new_shape(bay, we_owe=owed_mats())
    values["items"].pop(MATS)
    record_id = create(bay, values)
    result = bay.sign(record_id, values)
    assert result["outcome"] == "applied", result
    with app.app_context():
        assert db.session.get(Delivery, record_id).sealed
        (owed,) = db.session.scalars(select(WeOwe).where(WeOwe.delivery_id == record_id)).all()
        assert owed.text == "原厂脚垫下周到店后补交"


def test_a_we_owe_entry_naming_an_item_not_on_the_checklist_is_refused(bay):
    """A code the checklist does not have (or garbage) is a field error on we_owe; nothing is stored."""
    import uuid

    for code in ("Z99", "B07; DROP TABLE", 7):
        values = new_shape(bay, we_owe=[{"text": "脚垫", "due_date": None, "item_code": code}])
        result = bay.tablet.push(bay.tablet.put("delivery", str(uuid.uuid4()), values))["results"][0]
        assert result["outcome"] == "rejected", (code, result)
        assert "we_owe" in result["error"]["errors"], result


def test_a_due_date_before_the_handover_day_is_refused(app, bay):
    """Signed on 2026-11-29 (the tablet's signedAt): due the 28th is in the past (a field error naming the date),
    due the 29th is not. The day is the handover's, not the server's: a seal synced days later keeps it."""
    values = new_shape(bay, we_owe=owed_mats("2026-11-28"))
    values["items"].pop(MATS)
    record_id = create(bay, values)
    result = bay.sign(record_id, values)
    assert result["outcome"] == "rejected", result
    (message,) = result["error"]["errors"]["we_owe"]
    assert "2026-11-28" in message
    values["we_owe"] = owed_mats("2026-11-29")
    bay.tablet.push(bay.tablet.put("delivery", record_id, {"we_owe": values["we_owe"]}))
    assert bay.sign(record_id, values)["outcome"] == "applied"


def test_a_record_of_the_old_shape_with_a_documents_list_still_signs(app, bay):
    """Tablets not yet updated still send `documents`: accepted, kept verbatim, sealed."""
    record_id, values = bay.create()
    assert values["documents"] == ["invoice", "certificate", "warranty", "manual"]
    assert bay.sign(record_id, values)["outcome"] == "applied"
    with app.app_context():
        doc = db.session.scalar(select(Document).where(Document.record_id == record_id))
        assert doc.snapshot["documents"] == values["documents"]


def test_the_published_schema_says_where_documents_are_recorded(bay):
    """Other clients read the contract: `documents` is marked as the old shape, with where documents are now."""
    schema = bay.tablet.http.get("/api/sync/v1/schema", headers=bay.tablet.headers).get_json()
    documents = schema["entities"]["delivery"]["jsonSchema"]["properties"]["documents"]
    assert documents.get("deprecated") is True and "checklist" in documents["description"]
