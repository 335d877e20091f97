"""The renderer reads nothing but the store's own files, within a memory and time limit.

A black-box attack put an SVG on the blob endpoint as `image/png`; referenced as a defect photo, WeasyPrint followed
its `<image href>` to another store's photo (a path relative to the blob store) and to files of the machine, and
`file:///dev/zero` grew the worker without bound. A hash is no capability, for the renderer too.
"""

from __future__ import annotations

import base64
import io
import subprocess
import uuid
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import select

from server import jobs
from server.extensions import db
from server.models import Document, Store
from server.storage import LocalStorage
from tests.conftest import csrf_token, login
from tests.documents.conftest import png
from tests.factories import make_blob, make_store
from tests.factories.drives import log_snapshot, lot_fixture  # noqa: F401 - fixture `lot`
from tests.factories.images import encoded, gradient_png, svg_with_images

#: Another store's photo (an odd size and colour, easy to recognise) and a picture every Debian machine has.
THEIR_PHOTO = encoded("PNG", 173, 91, (250, 20, 140))
SYSTEM_PICTURE = Path("/usr/share/pixmaps/debian-logo.png")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_images(path: Path, into: Path) -> list[Image.Image]:
    """Every image embedded in the PDF, as pdfimages extracts it."""
    into.mkdir()
    subprocess.run(["pdfimages", "-png", str(path), str(into / "img")], check=True)
    images = []
    for file in sorted(into.iterdir()):
        with Image.open(file) as image:
            images.append(image.convert("RGB"))
    return images


def forbidden_pictures() -> list[Image.Image]:
    pictures = [Image.open(io.BytesIO(THEIR_PHOTO)).convert("RGB")]
    if SYSTEM_PICTURE.exists():
        with Image.open(SYSTEM_PICTURE) as image:
            pictures.append(image.convert("RGB"))
    return pictures


def placeholder() -> str:
    """What a picture that cannot be read prints as: the documents are in Chinese."""
    return "图片无法读取"


def the_document(app, entity: str = "delivery") -> Document:
    with app.app_context():
        doc = db.session.scalars(select(Document).where(Document.entity == entity)).one()
        db.session.expunge(doc)
        return doc


def pdf_path(app, doc: Document) -> Path:
    return LocalStorage(app.config["STORAGE_DIR"]).path(doc.pdf_sha256)


def attack_svg(app, their_sha: str) -> bytes:
    """An SVG drawing another store's blob (relative to the blob store, and by absolute path) and a system file."""
    path = LocalStorage(app.config["STORAGE_DIR"]).path(their_sha)
    relative = f"../../{their_sha[:2]}/{their_sha[2:4]}/{their_sha}"
    return svg_with_images(relative, path.as_uri(), SYSTEM_PICTURE.as_uri())


def stored_before_this_fix(app, store_id: int, data: bytes, content_type: str = "image/png") -> str:
    """Bytes held by a store as data from before the upload checks would be: Blob row and file made directly."""
    with app.app_context():
        sha256 = make_blob(db.session.get(Store, store_id), data, content_type)
        db.session.remove()
    return sha256


@pytest.fixture
def theirs(app) -> str:
    """A photo held by another store only."""
    with app.app_context():
        sha256 = make_blob(make_store("OTHER"), THEIR_PHOTO, "image/png")
        db.session.remove()
    return sha256


def assert_nothing_foreign(images: list[Image.Image]) -> None:
    for forbidden in forbidden_pictures():
        for image in images:
            assert image.size != forbidden.size, f"an image of {forbidden.size} reached the PDF"
            assert image.tobytes() != forbidden.tobytes()


def test_an_svg_stored_as_a_photo_prints_as_a_placeholder_and_reads_nothing(app, bay, theirs, tmp_path):
    """The attack of the finding, as data from before the upload checks: the sealed delivery PDF of the attacker's
    store shows "picture could not be read" where the SVG is used (defect photo, accessory photo, signature) and
    holds neither the other store's photo nor a file of the machine; the real pictures are still there."""
    svg = stored_before_this_fix(app, bay.store_id, attack_svg(app, theirs))
    values = bay.record()
    values["items"][bay.codes[24]] = {"result": "defect", "note": "左前门轻微划痕", "photos": [svg]}
    values["accessories"][0]["photos"].append(svg)
    record_id = str(uuid.uuid4())
    assert bay.tablet.push(bay.tablet.put("delivery", record_id, values))["results"][0]["outcome"] == "applied"
    signatures = [
        {"role": "customer", "name": "张三", "blob": svg},
        {"role": "consultant", "name": "李明", "blob": bay.upload(gradient_png(3, 120, 40))},
    ]
    assert bay.sign(record_id, values, signatures)["outcome"] == "applied"
    assert jobs.drain(app) >= 1
    doc = the_document(app)
    assert doc.state == "ready", doc.error
    path = pdf_path(app, doc)
    images = pdf_images(path, tmp_path / "images")
    assert_nothing_foreign(images)
    # the real ones are there: defect 2's photo, the dash cam's, the consultant's signature
    real = [Image.open(io.BytesIO(png(text))).size for text in ("defect-2", "dashcam")] + [(120, 40)]
    assert sorted(image.size for image in images) == sorted(real)
    assert pdf_text(path).count(placeholder()) == 3


def test_a_test_drive_damage_photo_that_is_an_svg_prints_as_a_placeholder(app, lot, tmp_path):
    with app.app_context():
        their_sha = make_blob(make_store("OTHER"), THEIR_PHOTO, "image/png")
        db.session.remove()
    svg = stored_before_this_fix(app, lot.store_id, attack_svg(app, their_sha))
    drive_id, _values = lot.agreed()
    log_id = str(uuid.uuid4())
    damage = [{"photo": svg, "note": "左后门划痕"}]
    assert lot.start(drive_id, log_id, damage_before=damage)["outcome"] == "applied"
    assert lot.give_back(log_id)["outcome"] == "applied"
    with app.app_context():
        snapshot = log_snapshot(log_id)
    assert lot.sign("test_drive_log", log_id, snapshot)["outcome"] == "applied"
    assert jobs.drain(app) >= 2
    doc = the_document(app, "test_drive_log")
    assert doc.state == "ready", doc.error
    path = pdf_path(app, doc)
    assert_nothing_foreign(pdf_images(path, tmp_path / "images"))
    assert placeholder() in pdf_text(path)


def test_print_html_names_blobs_by_our_scheme_never_by_file(app, bay):
    """Only the shipped stylesheet is a file: URL; pictures are `blob:` URLs of this store's own blobs."""
    from server.documents.delivery import delivery_html
    from server.documents.resources import PRINT_CSS, PrintResources

    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    with app.test_request_context():
        doc = db.session.scalars(select(Document)).one()
        resources = PrintResources(doc.store_id)
        html = delivery_html(doc, resources)
        db.session.remove()
    assert "file:" not in html.replace(f'href="{PRINT_CSS.as_uri()}"', "")
    assert len(resources.blobs) == 5 and all(url.startswith("blob:") and url in html for url in resources.blobs)
    assert all(Path(path).is_relative_to(Path(app.config["STORAGE_DIR"])) for path, _kind in resources.blobs.values())


def test_an_ordinary_document_reads_all_it_shows_and_nothing_is_refused(app, bay, caplog):
    """The stylesheet, the QR code, the photos and the signatures all pass the fetcher: a sealed document loses
    nothing to the sandbox (every refusal would be logged by the parent)."""
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    with caplog.at_level("WARNING", logger="server.documents.sandbox"):
        assert jobs.drain(app) >= 1
    assert the_document(app).state == "ready"
    assert [r.getMessage() for r in caplog.records if r.name == "server.documents.sandbox"] == []


def test_the_fetcher_serves_the_print_files_its_own_data_uris_and_its_store_blobs_and_nothing_else(app, bay, theirs):
    from server.documents.fetcher import PrintFetcher, RefusedURL
    from server.documents.resources import PRINT_CSS, PrintResources, qr_data_uri

    mine = stored_before_this_fix(app, bay.store_id, encoded("WEBP", 80, 60))
    svg = stored_before_this_fix(app, bay.store_id, attack_svg(app, theirs))
    with app.app_context():
        resources = PrintResources(bay.store_id)
        photo, signature = resources.blob(mine, "photo"), resources.blob(mine, "signature")
        svg_url = resources.blob(svg, "photo")
        qr = resources.data(qr_data_uri("https://example.com/verify/1"))
        assert resources.blob(theirs, "photo") is None and resources.blob("0" * 64, "photo") is None
        mine_path = LocalStorage(app.config["STORAGE_DIR"]).path(mine)
        their_path = LocalStorage(app.config["STORAGE_DIR"]).path(theirs)
    fetcher = PrintFetcher(resources)

    assert fetcher(PRINT_CSS.as_uri()).read() == PRINT_CSS.read_bytes()
    response = fetcher(photo)
    assert response.content_type == "image/jpeg" and Image.open(io.BytesIO(response.read())).size == (80, 60)
    response = fetcher(signature)
    assert response.content_type == "image/png" and Image.open(io.BytesIO(response.read())).format == "PNG"
    assert fetcher(qr).content_type == "image/svg+xml"

    tiny = base64.b64encode(encoded("PNG", 2, 2)).decode()
    refused = [
        "file:///etc/passwd",
        "file:///dev/zero",
        "file:///proc/self/environ",
        SYSTEM_PICTURE.as_uri(),
        f"{PRINT_CSS.as_uri()}/../../../../etc/passwd",
        (PRINT_CSS.parent / "pipeline.py").as_uri(),
        mine_path.as_uri(),  # its own blob, but by path
        their_path.as_uri(),
        "/etc/passwd",
        "http://127.0.0.1:9/photo.png",
        "https://example.com/photo.png",
        "ftp://example.com/photo.png",
        f"data:image/png;base64,{tiny}",  # a data: URI nobody registered
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>",
        qr + "%20",
        f"blob:photo/{theirs}",
        f"blob:signature/{theirs}",
        f"blob:photo/{mine.upper()}",
        "blob:photo/../../etc/passwd",
        f"blob:{mine}",
        svg_url,  # held by the store, but not a picture: refused, so the page shows its placeholder
    ]
    for url in refused:
        with pytest.raises(RefusedURL):
            fetcher(url)


def test_a_page_cannot_reach_the_file_system_or_the_network(app):
    """HTML given to the renderer with file:, http: and foreign data: images renders without any of them."""
    from server.documents.render import html_to_pdf
    from server.documents.resources import PrintResources

    tiny = base64.b64encode(encoded("PNG", 3, 3)).decode()
    html = (
        "<html><body><p>x</p>"
        f'<img src="{SYSTEM_PICTURE.as_uri()}"><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/a.png">'
        f'<img src="data:image/png;base64,{tiny}"></body></html>'
    )
    with app.app_context():
        pdf = html_to_pdf(html, PrintResources())
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout
    assert len(listing.decode().strip().splitlines()) == 2  # the header only: no image


def _limit_reason(app, kind: str, **values) -> str:
    from server.documents.sandbox import RenderFailed

    with app.test_request_context(), force_locale("zh_CN"):
        return RenderFailed(kind, **values).reason()


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [("RENDER_TIMEOUT_SECONDS", 0.05, "too_slow"), ("RENDER_MEMORY_MB", 1, "too_big")],
    ids=["time", "memory"],
)
def test_a_render_over_a_limit_fails_with_a_reason_people_can_read(
    app, client, bay, monkeypatch, setting, value, reason
):
    monkeypatch.setitem(app.config, setting, value)
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert jobs.drain(app) >= 1
    doc = the_document(app)
    expected = _limit_reason(app, reason, seconds=value, megabytes=value)
    assert doc.state == "failed" and doc.error == expected
    assert "Error" not in doc.error and "Timeout" not in doc.error and "Exception" not in doc.error
    login(client, bay.manager)
    page = client.get(f"/office/documents/{doc.id}/state").get_data(as_text=True)
    assert expected in page
    monkeypatch.undo()  # within the limits again, the same document renders
    token = csrf_token(client, "/office/deliveries")
    assert client.post(f"/office/documents/{doc.id}/rerender", data={"csrf_token": token}).status_code == 303
    assert jobs.drain(app) >= 1
    assert the_document(app).state == "ready"


def test_a_lone_surrogate_in_a_sealed_snapshot_prints_as_a_replacement_character(app, bay):
    """Python's JSON accepts "\\ud800"; a record sealed with one must still give its PDF (it can't be corrected)."""
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    with app.app_context():
        doc = db.session.scalars(select(Document)).one()
        doc.snapshot = {**doc.snapshot, "customer_name": "张\ud800三", "notes": "钥匙\udfff两把"}
        doc.signatures = [{**doc.signatures[0], "name": "张\udbff三"}, *doc.signatures[1:]]
        db.session.commit()
        db.session.remove()
    assert jobs.drain(app) >= 1
    doc = the_document(app)
    assert doc.state == "ready", doc.error
    text = pdf_text(pdf_path(app, doc))
    assert "张\ufffd三" in text and "钥匙\ufffd两把" in text


def test_html_given_to_the_renderer_with_a_lone_surrogate_renders(app):
    """Not only what Jinja prints: whatever HTML reaches the renderer is cleaned of lone surrogates."""
    from server.documents.render import html_to_pdf
    from server.documents.resources import PrintResources

    with app.app_context():
        pdf = html_to_pdf('<html lang="zh-CN"><body><p>张\ud800三</p></body></html>', PrintResources())
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "张\ufffd三" in text
