"""The `sign` mutator (SYNC_PROTOCOL.md, Signing) on the delivery inspection, and the sealed record."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from server import jobs
from server.extensions import db
from server.models import Conflict, Delivery, Document, FollowUp, WeOwe
from tests.documents.conftest import content_hash, png


def test_signing_seals_the_record_and_keeps_the_snapshot_verbatim(app, bay):
    """A complete, signed delivery is applied; the record is sealed and the document keeps the exact snapshot."""
    record_id, values = bay.create()
    result = bay.sign(record_id, values)
    assert result["outcome"] == "applied"
    with app.app_context():
        delivery = db.session.get(Delivery, record_id)
        doc = db.session.scalar(select(Document).where(Document.record_id == record_id))
        assert delivery.sealed and doc.snapshot == values and doc.contentHash == content_hash(values)
        assert doc.state == "pending" and not doc.divergent
        assert [s["role"] for s in doc.signatures] == ["customer", "consultant"]


def test_a_wrong_content_hash_is_rejected_and_nothing_is_sealed(app, bay):
    """The server recomputes the hash: a mismatch is rejected with its own code, the record stays editable."""
    record_id, values = bay.create()
    result = bay.sign(record_id, values, content="0" * 64)
    assert result["outcome"] == "rejected" and result["error"]["code"] == "hash_mismatch"
    with app.app_context():
        assert not db.session.get(Delivery, record_id).sealed


def test_a_signature_image_never_uploaded_is_rejected(app, bay):
    """Signature blobs must already be held by this store (no hash is a capability)."""
    record_id, values = bay.create()
    signatures = [
        {"role": "customer", "name": "张三", "blob": "a" * 64},
        {"role": "consultant", "name": "李明", "blob": bay.upload(png("consultant-signature"))},
    ]
    result = bay.sign(record_id, values, signatures=signatures)
    assert result["outcome"] == "rejected" and result["error"]["code"] == "blob_missing"


@pytest.mark.parametrize("roles", [["customer"], ["consultant"], []])
def test_a_missing_signature_role_is_rejected(bay, roles):
    """Both the customer and the consultant sign; an empty list or a missing role is rejected."""
    record_id, values = bay.create()
    signatures = [s for s in bay.signatures() if s["role"] in roles]
    result = bay.sign(record_id, values, signatures=signatures)
    assert result["outcome"] == "rejected"
    assert result["error"]["code"] in ("signature_roles_missing", "signatures_missing")


def test_an_incomplete_checklist_cannot_be_signed(bay):
    """Every item that applies must be answered, and the customer must accept the confirmation text."""
    record_id, values = bay.create(consent_accepted=False)
    values["items"].pop(bay.codes[5])
    bay.tablet.push(bay.tablet.put("delivery", record_id, {"items": values["items"]}))
    result = bay.sign(record_id, values)
    assert result["outcome"] == "rejected"
    assert set(result["error"]["errors"]) >= {"items", "consent_accepted"}


def test_a_defect_without_a_photo_is_refused_at_entry(bay):
    """✗ needs a photo: the put is rejected with a field-level message, in Chinese by default."""
    import uuid

    values = bay.record()
    values["items"][bay.codes[3]] = {"result": "defect", "note": "划痕", "photos": []}
    result = bay.tablet.push(bay.tablet.put("delivery", str(uuid.uuid4()), values))["results"][0]
    assert result["outcome"] == "rejected"
    [message] = result["error"]["errors"]["items"]  # which item, and what it needs, in words
    assert message.startswith(f"{bay.codes[3]} · ") and "拍照" in message


def test_edits_after_signing_are_rejected_as_immutable(app, bay):
    """A put or delete on a sealed record is rejected (code immutable), recorded, and changes nothing."""
    record_id, values = bay.create()
    bay.sign(record_id, values)
    put = bay.tablet.push(bay.tablet.put("delivery", record_id, {"notes": "改一下"}))["results"][0]
    delete = bay.tablet.push(bay.tablet.mutation("delete", {"entity": "delivery", "id": record_id}))["results"][0]
    assert put["error"]["code"] == delete["error"]["code"] == "immutable"
    with app.app_context():
        delivery = db.session.get(Delivery, record_id)
        assert delivery.notes == "" and not delivery.deleted


def test_the_database_refuses_to_change_a_sealed_row(app, bay):
    """Immutability holds below the application too: an UPDATE of a sealed delivery fails in the database."""
    record_id, values = bay.create()
    bay.sign(record_id, values)
    with app.app_context():
        with pytest.raises(Exception, match="immutable"):
            db.session.execute(text("UPDATE delivery SET notes = 'forged' WHERE id = :id"), {"id": record_id})
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Delivery, record_id).notes == ""


def test_signing_twice_with_the_same_hash_changes_nothing(app, bay):
    """A retried sign (same content hash) is applied and leaves one document; another hash is immutable."""
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert bay.sign(record_id, values)["outcome"] == "applied"
    other = {**values, "notes": "另一个版本"}
    assert bay.sign(record_id, other)["error"]["code"] == "immutable"
    with app.app_context():
        assert len(db.session.scalars(select(Document).where(Document.record_id == record_id)).all()) == 1


def test_a_snapshot_that_differs_from_the_record_keeps_the_signature_and_raises_a_conflict(app, bay):
    """Someone edited the record after the customer reviewed it: the signature is kept (outcome conflict), the
    snapshot wins, the document is divergent, and the edited value waits in a conflict."""
    record_id, values = bay.create()
    bay.tablet.push(bay.tablet.put("delivery", record_id, {"notes": "后台补充说明"}))
    result = bay.sign(record_id, values)
    assert result["outcome"] == "conflict" and result["conflictIDs"]
    with app.app_context():
        doc = db.session.scalar(select(Document).where(Document.record_id == record_id))
        conflict = db.session.get(Conflict, result["conflictIDs"][0])
        assert doc.divergent and db.session.get(Delivery, record_id).notes == ""
        assert (conflict.field, conflict.overwritten_value, conflict.applied_value) == ("notes", "后台补充说明", "")


def test_signing_schedules_follow_ups_and_tracks_what_is_owed(app, bay):
    """Follow-ups fall due 1, 3, 7 and 30 days after the handover; the we-owe item is tracked, and both sync."""
    record_id, values = bay.create()
    bay.sign(record_id, values)
    with app.app_context():
        ups = db.session.scalars(select(FollowUp).where(FollowUp.source_id == record_id)).all()
        owed = db.session.scalars(select(WeOwe).where(WeOwe.delivery_id == record_id)).all()
        assert len(ups) == 4 and {u.owner_id for u in ups} == {bay.consultant_id}
        assert [o.text for o in owed] == ["原厂脚垫到货后通知客户领取"]
    keys = {key.split("/")[0] for key in bay.tablet.pull_all()}
    assert {"follow_up", "we_owe", "document", "delivery"} <= keys
    jobs.drain(app)


def test_a_walk_in_customer_and_their_delivery_pushed_together_are_both_applied(app, bay):
    """Offline, the consultant opens the customer file and the handover, then the tablet pushes both at once:
    the delivery names a customer created by an earlier mutation of the same push, and is applied."""
    customer_id, record_id = str(uuid.uuid4()), str(uuid.uuid4())
    result = bay.tablet.push(
        bay.tablet.put("customer", customer_id, {"name": "王五", "owner_id": bay.consultant_id}),
        bay.tablet.put("delivery", record_id, bay.record(customer_id=customer_id, customer_name="王五")),
    )
    assert [r["outcome"] for r in result["results"]] == ["applied", "applied"], result
    with app.app_context():
        assert db.session.get(Delivery, record_id).customer_id == customer_id
