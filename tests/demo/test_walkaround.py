"""The demo's walk-around content: every series walkable offline, with pictures, topics and a trim difference,
and small enough for a tablet."""

from __future__ import annotations

import io

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import select

from server.extensions import db
from server.models import Blob, Presentation, Series, Store, Trim
from server.storage import LocalStorage
from server.workflow.walkaround import check_walkaround


@pytest.fixture
def demo(app, database, cheap_hashing):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def test_every_demo_series_has_published_content_with_pictures(demo, database):
    """Three series, version 1 each: the six positions in variant A, each with its picture stored as a blob of
    the store; 2-3 points per position in Chinese and English over at least five topics; a point that only the
    top trim has."""
    with database():
        store = db.session.scalar(select(Store).where(Store.code == "DEMO"))
        storage = LocalStorage(current_app.config["STORAGE_DIR"])
        rows = db.session.scalars(select(Presentation).where(Presentation.store_id == store.id)).all()
        assert sorted(db.session.get(Series, p.series_id).name for p in rows) == ["启程 E3", "启程 L7", "启程 S5"]
        for presentation in rows:
            assert presentation.content_version == 1
            assert presentation.position_order == ["front_left", "front", "side", "rear", "rear_seat", "driver_seat"]
            assert [p["code"] for p in presentation.positions] == presentation.position_order
            for picture in presentation.pictures():
                blob = db.session.get(Blob, (store.id, picture))
                assert blob is not None and blob.content_type == "image/webp" and storage.exists(picture)
                with Image.open(storage.path(picture)) as image:
                    assert image.format == "WEBP"
            assert all(p["picture"] for p in presentation.positions)
            points = [pt for p in presentation.positions for pt in p["points"]]
            assert all(2 <= len(p["points"]) <= 3 for p in presentation.positions)
            assert all(pt["feature"]["zh_CN"] and pt["feature"]["en"] and pt["benefit"]["en"] for pt in points)
            assert len({pt["topic"] for pt in points}) >= 5
            top = db.session.scalars(
                select(Trim).where(Trim.series_id == presentation.series_id).order_by(Trim.msrp_yuan.desc())
            ).first()
            assert any(pt["trims"] == [top.id] for pt in points)


def test_demo_content_passes_the_sessions_own_checks(demo, database):
    """A session naming every demo point is valid against its version (codes as the tablet will send them)."""
    with database():
        store = db.session.scalar(select(Store).where(Store.code == "DEMO"))
        for presentation in db.session.scalars(select(Presentation).where(Presentation.store_id == store.id)):
            positions = {
                p["code"]: {"seconds": 60, "points": {pt["code"]: {"presented": True} for pt in p["points"]}}
                for p in presentation.positions
            }
            values = {"presentation_id": presentation.id, "positions": positions, "current_position": "driver_seat"}
            assert check_walkaround(values, store.id) == {}


def test_demo_content_is_small(demo, database):
    """All pictures and records of the demo content stay far below what a tablet minds (budget 400 KB)."""
    with database():
        store = db.session.scalar(select(Store).where(Store.code == "DEMO"))
        pictures = set()
        records = 0
        for presentation in db.session.scalars(select(Presentation).where(Presentation.store_id == store.id)):
            pictures |= presentation.pictures()
            records += len(repr(presentation.positions).encode())
        sizes = [db.session.get(Blob, (store.id, sha)).size for sha in pictures]
        assert len(pictures) == 36 and sum(sizes) + records < 400_000
        assert max(sizes) < 10_000
        data = LocalStorage(current_app.config["STORAGE_DIR"]).path(min(pictures)).read_bytes()
        with Image.open(io.BytesIO(data)) as one:
            assert one.size in ((640, 400), (320, 240))
