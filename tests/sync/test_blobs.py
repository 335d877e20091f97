"""Blobs (SYNC_PROTOCOL.md, Blobs): verified uploads, limits, and a hash that is no capability."""

from __future__ import annotations

import hashlib

import pytest

from server.extensions import db
from server.models import Blob
from tests.factories.images import encoded, gradient_png, solid_png, svg_with_images
from tests.sync.test_push import read

PNG = gradient_png(1, 48, 32)  # real pictures: the server decodes what it is sent
TINY = solid_png(1, 1)
JPEG, WEBP = encoded("JPEG"), encoded("WEBP")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(tablet, data: bytes, name: str | None = None, content_type: str = "image/png"):
    return tablet.http.put(
        f"/api/sync/v1/blobs/{name or sha(data)}", data=data, headers=tablet.headers, content_type=content_type
    )


def get(tablet, name: str, method: str = "get"):
    """GET or HEAD; the body is read and the response closed (send_file holds the file open until then)."""
    response = getattr(tablet.http, method)(f"/api/sync/v1/blobs/{name}", headers=tablet.headers)
    response.get_data()
    response.close()
    return response


def blob_rows(app) -> list[tuple[int, str]]:
    return read(app, lambda: [(b.store_id, b.sha256) for b in db.session.scalars(db.select(Blob))])


def test_put_is_201_then_200_and_get_returns_the_bytes_with_their_type(app, world):
    tablet = world.tablet("a1")
    assert put(tablet, PNG).status_code == 201
    assert put(tablet, PNG).status_code == 200
    response = get(tablet, sha(PNG))
    assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
    assert "private" in response.headers["Cache-Control"]
    head = get(tablet, sha(PNG), "head")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(PNG)
    assert blob_rows(app) == [(world.ids["store_a"], sha(PNG))]


def test_another_tablet_of_the_same_store_reads_it(world):
    put(world.tablet("a1"), PNG)
    assert get(world.tablet("manager"), sha(PNG)).data == PNG


def test_a_hash_mismatch_is_422_and_nothing_is_kept(app, world):
    tablet = world.tablet("a1")
    claimed = sha(b"the real photo")
    response = put(tablet, b"corrupted bytes", name=claimed)
    assert response.status_code == 422 and response.get_json()["code"] == "hash_mismatch"
    assert get(tablet, claimed).status_code == 404 and get(tablet, claimed, "head").status_code == 404
    assert blob_rows(app) == []
    from pathlib import Path

    stored = [p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()]
    assert claimed not in stored and not any(name.startswith(".upload-") for name in stored)


def test_a_truncated_upload_is_422(app, world):
    """Right name, fewer bytes (a dropped connection): not kept."""
    tablet = world.tablet("a1")
    response = put(tablet, PNG[:100], name=sha(PNG))
    assert response.status_code == 422 and get(tablet, sha(PNG)).status_code == 404


def test_too_large_is_413_and_nothing_is_kept(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "BLOB_MAX_BYTES", len(TINY))
    tablet = world.tablet("a1")
    response = put(tablet, PNG)
    assert response.status_code == 413 and response.get_json()["code"] == "too_large"
    assert get(tablet, sha(PNG)).status_code == 404 and blob_rows(app) == []
    assert put(tablet, TINY).status_code == 201  # exactly at the limit is fine


def test_too_large_without_a_content_length_is_413(app, world, monkeypatch):
    """A chunked upload announces no length: the limit is enforced while streaming."""
    monkeypatch.setitem(app.config, "BLOB_MAX_BYTES", 64)
    tablet = world.tablet("a1")

    import io

    response = tablet.http.put(
        f"/api/sync/v1/blobs/{sha(PNG)}",
        input_stream=io.BytesIO(PNG),
        headers={**tablet.headers, "Transfer-Encoding": "chunked"},
        content_type="image/png",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and blob_rows(app) == []


@pytest.mark.parametrize(
    "content_type", ["text/html", "image/svg+xml", "application/octet-stream", "application/javascript"]
)
def test_a_type_not_allowed_is_415(app, world, content_type):
    tablet = world.tablet("a1")
    assert put(tablet, PNG, content_type=content_type).status_code == 415
    assert blob_rows(app) == []


@pytest.mark.parametrize("name", ["ABC", "0" * 63, "g" * 64, sha(PNG).upper()])
def test_a_name_that_is_not_a_sha256_is_refused(world, name):
    tablet = world.tablet("a1")
    assert put(tablet, PNG, name=name).status_code == 400
    assert get(tablet, name).status_code == 404


def test_a_hash_is_no_capability_across_stores(app, world):
    """Store B uploaded it: store A's tablet gets 404 on GET and HEAD, as for bytes nobody has."""
    theirs, mine = world.tablet("b1"), world.tablet("a1")
    assert put(theirs, PNG).status_code == 201
    assert get(mine, sha(PNG)).status_code == 404 and get(mine, sha(PNG), "head").status_code == 404
    assert get(mine, sha(PNG)).get_json() == get(mine, sha(b"nobody has this")).get_json()
    # uploading the same bytes makes them this store's too: 201, not 200 (nothing learnt from the answer)
    assert put(mine, PNG).status_code == 201 and get(mine, sha(PNG)).data == PNG
    assert sorted(blob_rows(app)) == sorted([(world.ids["store_a"], sha(PNG)), (world.ids["store_b"], sha(PNG))])


def test_a_failed_upload_of_bytes_another_store_holds_leaves_theirs_intact(app, world):
    theirs, mine = world.tablet("b1"), world.tablet("a1")
    put(theirs, PNG)
    assert put(mine, b"wrong", name=sha(PNG)).status_code == 422
    assert get(theirs, sha(PNG)).data == PNG


def test_blob_limits_are_published_by_the_schema_endpoint(app, world):
    tablet = world.tablet("a1")
    blobs = tablet.http.get("/api/sync/v1/schema", headers=tablet.headers).get_json()["blobs"]
    assert blobs == {"maxBytes": app.config["BLOB_MAX_BYTES"], "types": list(app.config["BLOB_TYPES"])}


def stored_files(app) -> list[str]:
    from pathlib import Path

    return [p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"), (PDF, "application/pdf")],
    ids=["png", "jpeg", "webp", "pdf"],
)
def test_real_pictures_and_pdfs_are_accepted(app, world, data, content_type):
    tablet = world.tablet("a1")
    assert put(tablet, data, content_type=content_type).status_code == 201
    response = get(tablet, sha(data))
    assert response.data == data and response.mimetype == content_type


SVG = svg_with_images("file:///etc/passwd")
HTML = b"<!doctype html><html><body><img src='file:///etc/passwd'></body></html>"
REFUSED = {
    "svg as png": (SVG, "image/png"),
    "svg as jpeg": (SVG, "image/jpeg"),
    "svg as webp": (SVG, "image/webp"),
    "html as png": (HTML, "image/png"),
    "png as jpeg": (PNG, "image/jpeg"),
    "jpeg as png": (JPEG, "image/png"),
    "webp as jpeg": (WEBP, "image/jpeg"),
    "pdf as png": (PDF, "image/png"),
    "png as pdf": (PNG, "application/pdf"),
    "html as pdf": (HTML, "application/pdf"),
    "truncated png": (PNG[: len(PNG) // 2], "image/png"),
    "truncated jpeg": (JPEG[: len(JPEG) // 2], "image/jpeg"),
    "truncated webp": (WEBP[: len(WEBP) // 2], "image/webp"),
    "png signature then garbage": (b"\x89PNG\r\n\x1a\n" + b"x" * 200, "image/png"),
    "jpeg signature then svg": (b"\xff\xd8\xff\xe0" + SVG, "image/jpeg"),
    "empty png": (b"", "image/png"),
}


@pytest.mark.parametrize(("data", "content_type"), REFUSED.values(), ids=REFUSED.keys())
def test_content_that_is_not_what_its_type_says_is_refused_and_nothing_is_kept(app, world, data, content_type):
    """Magic bytes and a real decode: an SVG or HTML page named a picture (which a PDF renderer would follow to
    other files), a picture of another type, truncated bytes — 415 in the API's error shape, nothing kept."""
    tablet = world.tablet("a1")
    files = sorted(stored_files(app))  # the storage outlives a test: bytes other tests uploaded stay
    response = put(tablet, data, content_type=content_type)
    assert response.status_code == 415, response.get_data(as_text=True)
    body = response.get_json()
    assert body["code"] == "unsupported_type" and body["message"]
    assert get(tablet, sha(data)).status_code == 404 and blob_rows(app) == []
    assert sorted(stored_files(app)) == files  # no new file, no temporary file left


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PNG[:-12], "image/png"),
        (PNG[: len(PNG) // 2], "image/png"),
        (JPEG[:-2], "image/jpeg"),
        (WEBP[:-4], "image/webp"),
    ],
    ids=["png without its end", "half a png", "jpeg without its end", "webp short of its length"],
)
def test_a_truncated_picture_is_refused_even_where_pillow_accepts_truncated_images(
    app, world, monkeypatch, data, content_type
):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process it is imported in."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert put(world.tablet("a1"), data, content_type=content_type).status_code == 415
    assert blob_rows(app) == []


def test_a_refused_upload_of_bytes_another_store_holds_leaves_theirs_intact(app, world):
    """Store B holds a PNG; store A sends the same bytes claiming a JPEG: refused, and B's file is untouched."""
    theirs, mine = world.tablet("b1"), world.tablet("a1")
    assert put(theirs, PNG).status_code == 201
    assert put(mine, PNG, content_type="image/jpeg").status_code == 415
    assert get(theirs, sha(PNG)).data == PNG and get(mine, sha(PNG)).status_code == 404
    assert blob_rows(app) == [(world.ids["store_b"], sha(PNG))]
