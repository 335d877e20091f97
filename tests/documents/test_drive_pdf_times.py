"""The drive PDF as a customer and the office read it: every time is the device's, shown in the store's time zone
to the minute — never raw ISO text (it printed `2026-12-07T14:28:26.084+08:00`) — and the customer's masked phone
is printed when there is one (it printed "—": the tablet never sends a driver's phone for a customer who drives)."""

from __future__ import annotations

import re
import subprocess
import uuid

import pytest

from server import jobs
from tests.factories.drives import log_snapshot, lot_fixture  # noqa: F401 - fixture `lot`

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def drive_text(app, lot, tmp_path) -> str:
    """A drive as the tablet sends it (no driver phone: the customer drives), checked at 14:20, out at 14:28:26
    and back at 07:05 UTC (a device on UTC: 15:05 store time), sealed; the PDF's text."""
    drive_id, _ = lot.agreed(driver_phone="", checked_at="2026-12-07T14:20:00.000+08:00")
    log_id = str(uuid.uuid4())
    started = lot.start(drive_id, log_id, start_at="2026-12-07T14:28:26.084+08:00", start_odometer_km=1000)
    assert started["outcome"] == "applied", started
    returned = lot.give_back(log_id, end_at="2026-12-07T07:05:00Z", end_odometer_km=1012)
    assert returned["outcome"] == "applied", returned
    with app.app_context():
        snapshot = log_snapshot(log_id)
    assert lot.sign("test_drive_log", log_id, snapshot)["outcome"] == "applied"
    assert jobs.drain(app) >= 2
    docs = {v["entity"]: v for k, v in lot.escort.pull_all().items() if k.startswith("document/")}
    assert docs["test_drive_log"]["state"] == "ready", docs
    response = lot.escort.http.get(
        f"/api/sync/v1/blobs/{docs['test_drive_log']['pdf_sha256']}", headers=lot.escort.headers
    )
    path = tmp_path / "drive.pdf"
    path.write_bytes(response.get_data())
    response.close()
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_drive_pdf_shows_device_times_in_the_store_time_zone(drive_text):
    """Check, start and return at the minute in Asia/Shanghai; no ISO text anywhere on the document."""
    text = drive_text
    assert "2026-12-07 14:20" in text  # the eligibility check
    assert "2026-12-07 14:28" in text and "2026-12-07 15:05" in text  # out and back
    assert not ISO.search(text), ISO.findall(text)


def test_the_drive_pdf_prints_the_customers_masked_phone(drive_text):
    """The customer's mobile (13800138000) masked, never whole."""
    assert "138****8000" in drive_text
    assert "13800138000" not in drive_text
