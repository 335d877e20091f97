"""Licence photos are deleted — bytes, the store's blob and the record's reference — once the store's retention
period has passed, judged on a clock the test controls; younger photos stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

from server.extensions import db
from server.models import Blob, DriveRules, LicencePhoto, utcnow
from server.storage import LocalStorage
from server.workflow.test_drive import purge_licence_photos
from tests.documents.conftest import png  # a real picture: the server decodes uploads
from tests.factories.drives import lot_fixture  # noqa: F401 - fixture `lot`


def _photo(lot, drive_id: str, data: bytes) -> tuple[str, str]:
    sha256 = lot.upload(data)
    photo_id = str(uuid.uuid4())
    values = {"test_drive_id": drive_id, "photo": sha256, "consent": True, "consent_version": "licence-photo-1"}
    assert lot.escort.push(lot.escort.put("licence_photo", photo_id, values))["results"][0]["outcome"] == "applied"
    return photo_id, sha256


def test_photos_past_retention_are_deleted_with_their_blob(lot, app):
    """Store rule 30 days: on day 29 nothing goes; on day 31 the photo's bytes, blob and reference are gone."""
    drive_id, _ = lot.agreed()
    photo_id, sha256 = _photo(lot, drive_id, png("licence front"))
    with app.app_context():
        storage = LocalStorage(app.config["STORAGE_DIR"])
        assert storage.exists(sha256)
        assert purge_licence_photos(utcnow() + timedelta(days=29)) == 0
        db.session.commit()
        assert storage.exists(sha256)

        assert purge_licence_photos(utcnow() + timedelta(days=31)) == 1
        db.session.commit()
        record = db.session.get(LicencePhoto, photo_id)
        assert record.deleted and record.photo is None
        assert db.session.get(Blob, (lot.store_id, sha256)) is None
        assert not storage.exists(sha256)
        assert purge_licence_photos(utcnow() + timedelta(days=400)) == 0  # nothing left to do


def test_retention_follows_the_stores_rule(lot, app):
    """A store that keeps photos 7 days purges on day 8."""
    drive_id, _ = lot.agreed()
    _photo(lot, drive_id, png("licence back"))
    with app.app_context():
        rules = db.session.query(DriveRules).filter_by(store_id=lot.store_id).one()
        rules.licence_photo_retention_days = 7
        db.session.commit()
        assert purge_licence_photos(utcnow() + timedelta(days=6)) == 0
        assert purge_licence_photos(utcnow() + timedelta(days=8)) == 1
        db.session.commit()


def test_cli_purges(lot, app):
    """`flask purge-licence-photos` runs the purge with the real clock (nothing is old yet)."""
    drive_id, _ = lot.agreed()
    _photo(lot, drive_id, png("licence cli"))
    result = app.test_cli_runner().invoke(args=["purge-licence-photos"])
    assert result.exit_code == 0 and "0 licence photo(s) deleted" in result.output
