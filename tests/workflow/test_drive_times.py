"""The average drive duration of the report is computed from the drives' own times on the device (start and
return), whatever offset each was sent with — a time without one is the store's local time. It showed 0 minutes
(the tablet sent the start's minute as the return time, fixed in web/js/test-drive/log.js and tested in
tests/browser/test_numbers_and_times.py), and a drive whose two times were written differently was dropped."""

from __future__ import annotations

import uuid
from datetime import timedelta

from server.workflow.test_drive import store_today
from server.workflow.test_drive_reports import figures
from tests.factories.drives import lot_fixture  # noqa: F401 - fixture `lot`


def _drive(lot, start_at: str, end_at: str, km: tuple[int, int]) -> None:
    drive_id, _ = lot.agreed()
    log_id = str(uuid.uuid4())
    assert lot.start(drive_id, log_id, start_at=start_at, start_odometer_km=km[0])["outcome"] == "applied"
    assert lot.give_back(log_id, end_at=end_at, end_odometer_km=km[1])["outcome"] == "applied"


def test_the_average_duration_comes_from_the_device_times(lot, app):
    """Drives of 30 minutes (offset +08:00), 50 minutes (ended in UTC) and 70 minutes (ended without an offset,
    i.e. store time): 50 minutes on average."""
    _drive(lot, "2026-12-07T14:00:00.000+08:00", "2026-12-07T14:30:00.000+08:00", (1000, 1010))
    _drive(lot, "2026-12-07T15:00:00+08:00", "2026-12-07T07:50:00Z", (1010, 1022))
    _drive(lot, "2026-12-07T16:00:00+08:00", "2026-12-07T17:10:00", (1022, 1030))
    with app.app_context():
        today = store_today()
        result = figures(lot.store_id, today - timedelta(days=1), today)
    assert result.drives == 3
    assert result.avg_minutes == 50
