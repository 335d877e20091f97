"""A drive's start odometer is never below the car's last known reading (7000 was accepted for a car at 7761 km):
the server rejects such a start at its field, naming the reading, per the protocol's `rejected` outcome — nothing
of it is stored, the car stays where it was, the queue goes on. A start above the reading is the car's new
reading, so the next drive cannot start below it either."""

from __future__ import annotations

import uuid

from flask_babel import force_locale, gettext

from server.extensions import db
from server.models import MutationLog, TestDriveLog
from tests.factories.drives import car, lot_fixture  # noqa: F401 - fixture `lot`

READING = "The odometer cannot be below the car's last reading (%(km)s km)."


def test_a_start_below_the_cars_last_reading_is_rejected_at_its_field(lot, app):
    """The car is at 1000 km: a start at 999 km is rejected with the reading in the message (in Chinese); no log,
    the car stays available at 1000; the escort's next mutation is processed."""
    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    result = lot.start(drive_id, log_id, start_odometer_km=999)
    assert result["outcome"] == "rejected", result
    with app.test_request_context(), force_locale("zh_CN"):
        expected = gettext(READING, km=1000)  # the user's language: the escort's is Chinese
    assert result["error"]["errors"] == {"start_odometer_km": [expected]}
    assert "1000" in result["error"]["message"]
    with app.app_context():
        assert (car(lot.car_id).status, car(lot.car_id).odometer_km) == ("available", 1000)
        assert db.session.get(TestDriveLog, log_id) is None
        assert MutationLog.query.filter_by(outcome="rejected").count() == 1
    assert lot.start(drive_id, log_id, start_odometer_km=1000)["outcome"] == "applied"


def test_a_start_above_the_reading_moves_the_car_on(lot, app):
    """A start at 1250 km (the car was driven since its last record) becomes the car's reading; the return moves it
    on again, and a later drive cannot start below that."""
    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    assert lot.start(drive_id, log_id, start_odometer_km=1250)["outcome"] == "applied"
    with app.app_context():
        assert car(lot.car_id).odometer_km == 1250
    assert lot.give_back(log_id, end_odometer_km=1262)["outcome"] == "applied"
    second, _ = lot.agreed()
    result = lot.start(second, str(uuid.uuid4()), start_odometer_km=1009)
    assert result["outcome"] == "rejected"
    assert "1262" in result["error"]["errors"]["start_odometer_km"][0]
