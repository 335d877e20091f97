"""The sealed PDF of a test drive: agreement + log + feedback, rendered when the log is sealed, Chinese, masked
licence number and phone, sealed and verifiable at /verify like the delivery document."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from server import jobs
from server.documents.seal import check_seal
from tests.conftest import csrf_token
from tests.documents.test_pdf import upload
from tests.factories.drives import log_snapshot, lot_fixture  # noqa: F401 - fixture `lot`


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def drive_pdf(app, lot, tmp_path):
    """A whole drive on the escort's tablet: agreement signed, out, back (far from the route), log signed;
    both documents rendered by the job queue; the full PDF downloaded as the tablet would."""
    drive_id, values = lot.agreed()
    log_id = str(uuid.uuid4())
    assert lot.start(drive_id, log_id, start_odometer_km=1000)["outcome"] == "applied"
    assert lot.give_back(log_id, end_odometer_km=1031)["outcome"] == "applied"
    with app.app_context():
        snapshot = log_snapshot(log_id)
    assert lot.sign("test_drive_log", log_id, snapshot)["outcome"] == "applied"
    assert jobs.drain(app) >= 2
    pulled = lot.escort.pull_all()
    docs = {v["entity"]: v for k, v in pulled.items() if k.startswith("document/")}
    assert docs["test_drive"]["state"] == "ready" and docs["test_drive_log"]["state"] == "ready", docs
    response = lot.escort.http.get(
        f"/api/sync/v1/blobs/{docs['test_drive_log']['pdf_sha256']}", headers=lot.escort.headers
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "drive.pdf"
    path.write_bytes(response.get_data())
    response.close()
    with app.app_context():
        cert = app.config["SIGNING_CERT"]
    return {"path": path, "docs": docs, "cert": cert, "values": values}


def test_drive_pdf_is_sealed_and_trusted(drive_pdf):
    """pyHanko validates the dealership's seal over the whole file; a flipped byte breaks it."""
    data = drive_pdf["path"].read_bytes()
    check = check_seal(data, drive_pdf["cert"])
    assert check.ok and check.intact and check.trusted and check.whole_file
    tampered = bytearray(data)
    tampered[len(tampered) // 3] ^= 0x01
    assert not check_seal(bytes(tampered), drive_pdf["cert"]).ok


def test_drive_pdf_holds_agreement_log_and_feedback_in_chinese(drive_pdf):
    """Clauses, odometers, the far-from-route warning, feedback, and a CJK font embedded."""
    text = _text(drive_pdf["path"])
    expected_lines = ("试乘试驾协议书及试驾记录", "七、责任", "1000 公里", "1031 公里", "差距较大")
    expected_lines += ("加速有力", "一周内")
    for expected in expected_lines:
        assert expected in text, expected
    assert "签署完成证明" in text and drive_pdf["docs"]["test_drive_log"]["contentHash"] in text.replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(drive_pdf["path"])], capture_output=True, text=True, check=True).stdout
    assert [line for line in fonts.splitlines() if "CJK" in line and " yes " in line]


def test_drive_pdf_masks_the_licence_number_and_phone(drive_pdf):
    """Only the masked licence number and a masked phone are printed (domain.md §8.5)."""
    text = _text(drive_pdf["path"])
    assert "110***********002X" in text and "138****8000" in text
    assert "13800138000" not in text


def test_agreement_never_claims_to_free_the_dealer_of_all_liability(drive_pdf):
    """domain.md §3.2: a clause fully exempting the dealer is void; ours says the opposite."""
    text = _text(drive_pdf["path"]).replace("\n", "").replace(" ", "")
    assert "本协议不免除甲方依法应承担的责任" in text
    assert "概不负责" not in text and "全部责任由乙方承担" not in text


def test_drive_pdf_verifies_at_verify(client, drive_pdf):
    """The QR's page masks the customer; an upload of the PDF is recognised as the sealed original."""
    doc = drive_pdf["docs"]["test_drive_log"]
    page = client.get(f"/verify/{doc['id']}").get_data(as_text=True)
    assert doc["contentHash"] in page and "张*" in page and "张三" not in page
    response = upload(client, csrf_token(client, "/verify"), drive_pdf["path"].read_bytes())
    assert response.status_code == 200 and "verdict-ok" in response.get_data(as_text=True)
