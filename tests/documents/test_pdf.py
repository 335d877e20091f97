"""The sealed PDF of a signed delivery: rendered off the request path, Chinese, sealed, verifiable."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from sqlalchemy import select

from server import jobs
from server.documents.seal import check_seal
from server.extensions import db
from server.models import Document
from tests.conftest import csrf_token, login


@pytest.fixture
def sealed(app, bay, tmp_path):
    """A delivery signed on the tablet, its PDF rendered by the job queue and downloaded by the tablet."""
    record_id, values = bay.create()
    bay.sign(record_id, values)
    pulled = bay.tablet.pull_all()
    (document,) = [v for k, v in pulled.items() if k.startswith("document/")]
    assert document["state"] == "pending"  # the push answered before any rendering
    assert jobs.drain(app) >= 1
    document = bay.tablet.pull_all()[f"document/{document['id']}"]
    assert document["state"] == "ready", document
    response = bay.tablet.http.get(f"/api/sync/v1/blobs/{document['pdf_sha256']}", headers=bay.tablet.headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "delivery.pdf"
    path.write_bytes(response.get_data())
    response.close()
    with app.app_context():
        cert = app.config["SIGNING_CERT"]
    return {"path": path, "document": document, "cert": cert, "values": values}


def test_the_pdf_seal_is_intact_and_trusted(sealed):
    """pyHanko validates the dealership's seal over the whole file."""
    check = check_seal(sealed["path"].read_bytes(), sealed["cert"])
    assert check.ok and check.intact and check.trusted and check.whole_file


def test_one_changed_byte_breaks_the_seal(sealed):
    """Any change after sealing is detected."""
    data = bytearray(sealed["path"].read_bytes())
    data[len(data) // 3] ^= 0x01
    assert not check_seal(bytes(data), sealed["cert"]).ok


def test_the_pdf_embeds_a_cjk_font_and_says_who_and_what(sealed):
    """pdffonts shows Noto Sans CJK embedded; the text holds the customer's name, the content hash, the page
    count line, and several pages (document and certificate of completion)."""
    fonts = subprocess.run(["pdffonts", str(sealed["path"])], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)
    text = subprocess.run(
        ["pdftotext", "-layout", str(sealed["path"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张三" in text and sealed["document"]["contentHash"] in text.replace("\n", "")
    assert "签署完成证明" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(sealed["path"])], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages >= 2


def test_the_verification_page_is_public_and_masks_the_customer(client, sealed):
    """The QR's page shows the hash, the store and the seal state, and only the customer's surname."""
    page = client.get(f"/verify/{sealed['document']['id']}").get_data(as_text=True)
    assert sealed["document"]["contentHash"] in page and "张*" in page and "张三" not in page


def upload(client, token: str, payload: bytes):
    """POST a PDF to /verify as a browser form would (encoded in memory: no temporary file to leak)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({"csrf_token": token, "pdf": FileStorage(io.BytesIO(payload), "d.pdf")})
    response = client.post("/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    response.close()
    return response


def test_uploading_the_original_or_a_tampered_copy(client, sealed):
    """Anyone can upload a PDF: the original is recognised; a changed byte is not the sealed original."""
    data = sealed["path"].read_bytes()
    token = csrf_token(client, "/verify")
    ok = upload(client, token, data)
    assert ok.status_code == 200 and "verdict-ok" in ok.get_data(as_text=True)
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    bad = upload(client, token, bytes(tampered))
    assert bad.status_code == 200 and "verdict-bad" in bad.get_data(as_text=True)


@pytest.mark.parametrize("payload", [b"", b"hello, not a pdf"])
def test_uploading_garbage_is_a_clear_error(client, payload):
    """No file, or a file that is not a PDF, gets a message and a 422."""
    token = csrf_token(client, "/verify")
    response = upload(client, token, payload)
    assert response.status_code == 422 and "flash-error" in response.get_data(as_text=True)


def test_rendering_again_keeps_the_same_document(app, client, bay, sealed):
    """The back office re-renders: same document, same content hash, a fresh sealed PDF."""
    login(client, bay.manager)
    token = csrf_token(client, "/office/deliveries")
    page = client.get("/office/deliveries").get_data(as_text=True)
    assert sealed["document"]["id"] in page
    assert (
        client.post(f"/office/documents/{sealed['document']['id']}/rerender", data={"csrf_token": token}).status_code
        == 303
    )
    jobs.drain(app)
    with app.app_context():
        docs = db.session.scalars(select(Document)).all()
        assert len(docs) == 1 and docs[0].state == "ready"
        assert docs[0].contentHash == sealed["document"]["contentHash"]
    pdf = client.get(f"/office/documents/{sealed['document']['id']}.pdf")
    data = pdf.get_data()
    pdf.close()
    assert pdf.status_code == 200 and check_seal(data, sealed["cert"]).ok
