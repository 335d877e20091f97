"""Blobs referenced before upload (SYNC_PROTOCOL.md, Blobs): the server accepts a record naming photos it does not
hold yet, stores the missing hashes in the record's `awaitingBlobs`, and when a photo arrives each record awaiting it
gets a new version, so the next pull shows the shorter list. Referencing a hash grants no access to it, and another
store's upload of the same bytes is not this store's. The office lists the records still waiting for photos.
"""

from __future__ import annotations

import hashlib
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from server.extensions import db
from server.models import ChecklistTemplate, Delivery, LicencePhoto, User
from tests.conftest import login
from tests.documents.conftest import png
from tests.factories import PASSWORD
from tests.factories.everything import everything_fixture, lot_fixture  # noqa: F401 - fixtures
from tests.factories.tablets import Tablet
from tests.sync.test_push import read


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(tablet: Tablet, data: bytes) -> int:
    response = tablet.http.put(
        f"/api/sync/v1/blobs/{sha(data)}", data=data, headers={**tablet.headers, "Content-Type": "image/png"}
    )
    return response.status_code


def pulled(tablet: Tablet, key: str) -> dict:
    tablet.cookie = None
    return tablet.pull_all()[key]


def item_code(app, everything) -> str:
    def first():
        template = db.session.scalar(
            select(ChecklistTemplate).where(ChecklistTemplate.store_id == everything.lot.store_id)
        )
        return template.item_codes()[0]

    return read(app, first)


def defect(code: str, *photos: str) -> dict:
    return {"items": {code: {"result": "defect", "note": "划痕", "photos": list(photos)}}}


def test_a_record_naming_photos_not_uploaded_yet_awaits_them_and_each_arrival_shortens_the_list(app, everything):
    """Two photos named before upload: stored, `awaitingBlobs` lists both; each upload gives the record a new version
    with the shorter list; the fields the tablet wrote are untouched."""
    tablet, delivery = everything.lot.consultant, everything.records["delivery"]
    first, second = png("scratch on the door"), png("dent on the bumper")
    code = item_code(app, everything)
    result = tablet.push(tablet.put("delivery", delivery, defect(code, sha(first), sha(second))))["results"][0]
    assert result["outcome"] == "applied", result
    record = pulled(tablet, f"delivery/{delivery}")
    assert sorted(record["awaitingBlobs"]) == sorted([sha(first), sha(second)])
    assert record["items"][code]["photos"] == [sha(first), sha(second)]

    assert upload(tablet, first) == 201
    after_first = pulled(tablet, f"delivery/{delivery}")
    assert after_first["awaitingBlobs"] == [sha(second)] and after_first["version"] > record["version"]
    assert after_first["fieldVersions"] == record["fieldVersions"]  # the record's own fields did not change

    assert upload(tablet, second) == 201
    done = pulled(tablet, f"delivery/{delivery}")
    assert done["awaitingBlobs"] == [] and done["version"] > after_first["version"]
    assert done["items"] == record["items"]


def test_a_pull_from_a_cookie_sees_the_shorter_list(everything):
    """A tablet that already holds the record receives it again in its next incremental pull."""
    tablet, log = everything.lot.escort, everything.records["test_drive_log"]
    photo = png("a chip in the windscreen")
    values = {"damage_after": [{"photo": sha(photo), "note": "前挡小坑"}]}
    assert tablet.push(tablet.put("test_drive_log", log, values))["results"][0]["outcome"] in ("applied", "conflict")
    tablet.cookie = None
    assert tablet.pull_all()[f"test_drive_log/{log}"]["awaitingBlobs"] == [sha(photo)]
    assert upload(tablet, photo) == 201
    again = tablet.pull_all()  # from the cookie of the pull above
    assert again[f"test_drive_log/{log}"]["awaitingBlobs"] == []


def test_a_photo_uploaded_first_is_never_awaited(everything):
    """The usual order: upload, then push. Every entity that may name photos carries `awaitingBlobs`, empty."""
    tablet, delivery = everything.lot.consultant, everything.records["delivery"]
    photo = png("uploaded first")
    assert upload(tablet, photo) == 201
    values = {"accessories": [{"name": "原厂脚垫", "installed": True, "photos": [sha(photo)]}]}
    assert tablet.push(tablet.put("delivery", delivery, values))["results"][0]["outcome"] == "applied"
    assert pulled(tablet, f"delivery/{delivery}")["awaitingBlobs"] == []


def test_another_stores_upload_of_the_same_bytes_is_not_this_stores(app, everything, world):
    """Store B holds the bytes; store A's record still awaits them, and A cannot read them until A uploads."""
    tablet, photo_id = everything.lot.escort, everything.records["licence_photo"]
    photo = png("licence, back side")
    assert tablet.push(tablet.put("licence_photo", photo_id, {"photo": sha(photo)}))["results"][0]["outcome"] in (
        "applied",
        "conflict",
    )
    other = world.tablet("b1")
    assert upload(other, photo) == 201
    assert read(app, lambda: db.session.get(LicencePhoto, photo_id).awaiting_blobs) == [sha(photo)]
    get = tablet.http.get(f"/api/sync/v1/blobs/{sha(photo)}", headers=tablet.headers)
    assert get.status_code == 404
    assert upload(tablet, photo) == 201
    assert read(app, lambda: db.session.get(LicencePhoto, photo_id).awaiting_blobs) in (None, [])


def test_a_signed_record_awaiting_a_photo_takes_it_and_stays_sealed(app, lot):
    """A drive log signed while its damage photo is still on the way (only signature images must be there first):
    the photo's arrival empties `awaitingBlobs` of the sealed log (the database allows that and nothing else), and
    what was signed stays as it was."""
    from tests.factories.drives import log_snapshot

    drive_id, _values = lot.agreed()
    photo = png("scratch seen before the drive")
    log_id = str(uuid.uuid4())
    damage = [{"photo": sha(photo), "note": "左后门划痕"}]
    assert lot.start(drive_id, log_id, damage_before=damage)["outcome"] == "applied"
    assert lot.give_back(log_id)["outcome"] == "applied"
    snapshot = read(app, lambda: log_snapshot(log_id))
    assert lot.sign("test_drive_log", log_id, snapshot)["outcome"] == "applied"
    lot.escort.cookie = None
    sealed = lot.escort.pull_all()[f"test_drive_log/{log_id}"]
    assert sealed["awaitingBlobs"] == [sha(photo)]
    assert upload(lot.escort, photo) == 201
    lot.escort.cookie = None
    after = lot.escort.pull_all()[f"test_drive_log/{log_id}"]
    assert after["awaitingBlobs"] == [] and after["version"] > sealed["version"]
    assert {k: v for k, v in after.items() if k not in ("awaitingBlobs", "version", "updated_at")} == {
        k: v for k, v in sealed.items() if k not in ("awaitingBlobs", "version", "updated_at")
    }
    with app.app_context():  # and the database still refuses any other change to the sealed row
        from server.models import TestDriveLog

        row = db.session.get(TestDriveLog, log_id)
        assert row.sealed
        row.notes = "改一下"
        with pytest.raises(DBAPIError):
            db.session.commit()
        db.session.rollback()
        db.session.remove()


def test_the_office_home_lists_records_still_waiting_for_photos(app, client, everything):
    """The manager's home names the delivery waiting for a photo, and no longer once the photo arrived."""
    tablet, delivery = everything.lot.consultant, everything.records["delivery"]
    photo = png("waiting in the office")
    code = item_code(app, everything)
    assert tablet.push(tablet.put("delivery", delivery, defect(code, sha(photo))))["results"][0]["outcome"] == "applied"
    username = read(
        app, lambda: db.session.scalar(select(User.username).where(User.username == everything.lot.manager))
    )
    login(client, username, PASSWORD)
    home = client.get("/office/").get_data(as_text=True)
    assert 'data-testid="awaiting-photos"' in home and "王*" in home
    assert upload(tablet, photo) == 201
    home = client.get("/office/").get_data(as_text=True)
    assert "王*" not in home.split('data-testid="awaiting-photos"')[1].split("</section>")[0]


FUZZ = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_any_order_of_references_and_uploads_ends_with_exactly_the_missing_photos(app, everything):
    """Hypothesis: photos named and uploaded in any order, some never uploaded, some named twice: the record awaits
    exactly the named photos this store does not hold, and its version only grows."""
    tablet, delivery = everything.lot.consultant, everything.records["delivery"]
    code = item_code(app, everything)
    uploaded: set[str] = set()
    state = {"version": 0, "run": 0}

    @FUZZ
    @given(
        steps=st.lists(
            st.one_of(
                st.tuples(st.just("name"), st.lists(st.integers(0, 4), min_size=1, max_size=4)),
                st.tuples(st.just("upload"), st.integers(0, 4)),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def attack(steps):
        state["run"] += 1
        photos = [png(f"run {state['run']} photo {n}") for n in range(5)]
        named: list[str] = []
        for kind, what in steps:
            if kind == "name":
                named = [sha(photos[n]) for n in what]
                result = tablet.push(tablet.put("delivery", delivery, defect(code, *named)))["results"][0]
                assert result["outcome"] == "applied", result
            else:
                assert upload(tablet, photos[what]) in (200, 201)
                uploaded.add(sha(photos[what]))
            record = pulled(tablet, f"delivery/{delivery}")
            assert record["version"] >= state["version"]
            state["version"] = record["version"]
            current = record["items"][code]["photos"] if record["items"].get(code) else []
            assert sorted(record["awaitingBlobs"]) == sorted({h for h in current if h not in uploaded})

    attack()
    assert read(app, lambda: db.session.get(Delivery, delivery).sealed) is False
