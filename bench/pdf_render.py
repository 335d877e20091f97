"""The sealed delivery PDF vs bare WeasyPrint on the same HTML, in the same run (goal ≤ 1.3×).

A signed delivery (the 74-item checklist, 4 defect photos, 2 signatures, CJK text, 2+ pages) is rendered
through the whole pipeline — HTML from the verbatim snapshot, WeasyPrint, pyHanko PAdES seal, blob storage,
document state published; the render in its limited child process, pictures re-encoded by its URL fetcher — and, as
the baseline, the same HTML (pictures as file: URLs of the same blobs) is given to WeasyPrint alone, in this process.
Medians of several warm runs (the first run of each pays font loading and is discarded).

Imports stay inside main(): each render child re-imports this script as its main module (multiprocessing).
"""

from __future__ import annotations

import hashlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RUNS = 5


def page_count(pdf: bytes) -> int:
    """Pages of a PDF, read with pyHanko's reader."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def main() -> None:
    from sqlalchemy import select

    from server import create_app
    from server.config import Config
    from server.extensions import db
    from tests.factories.images import gradient_png

    tmp = tempfile.mkdtemp()

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
        STORAGE_DIR = f"{tmp}/storage"
        JOBS_MODE = "manual"
        JOBS_DB = f"{tmp}/jobs.db"
        SIGNING_KEY = f"{tmp}/key.pem"
        SIGNING_CERT = f"{tmp}/cert.pem"

    app = create_app(BenchConfig)
    with app.test_request_context():
        from flask_migrate import upgrade

        from server.demo import seed_demo
        from server.documents.delivery import delivery_html
        from server.documents.pipeline import render_document, signing_paths
        from server.documents.render import html_to_pdf
        from server.documents.resources import PrintResources
        from server.models import Blob, ChecklistTemplate, Customer, Document, Store, User, Vehicle, uuid7
        from server.storage import LocalStorage

        upgrade()
        seed_demo()
        db.session.commit()
        signing_paths()
        store = db.session.scalar(select(Store).where(Store.code == "DEMO"))
        user = db.session.scalar(select(User).where(User.username == "consultant"))
        customer = db.session.scalar(select(Customer).where(Customer.store_id == store.id))
        vehicle = db.session.scalar(select(Vehicle).where(Vehicle.store_id == store.id))
        template = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.store_id == store.id))
        storage = LocalStorage(app.config["STORAGE_DIR"])
        blobs = []
        for seed in range(6):
            data = gradient_png(seed)
            sha = storage.put_bytes(data)
            db.session.add(Blob(store_id=store.id, sha256=sha, size=len(data), content_type="image/png"))
            blobs.append(sha)
        codes = template.item_codes()
        items = {code: {"result": "ok", "note": "", "photos": []} for code in codes}
        for n, code in enumerate(codes[20:24]):
            items[code] = {"result": "defect", "note": "漆面轻微划痕，已约定补漆", "photos": [blobs[n]]}
        snapshot = {
            "customer_id": customer.id,
            "customer_name": customer.name,
            "vehicle_id": vehicle.id,
            "vin": vehicle.vin,
            "vehicle_description": "启程 S5 1.5T 两驱 舒适版 · 极地白",
            "template_id": template.id,
            "items": items,
            "accessories": [],
            "documents": ["invoice"],
            "keys_count": 2,
            "odometer_km": 12,
            "explained_maintenance": True,
            "explained_operation": True,
            "we_owe": [{"text": "原厂脚垫", "due_date": "2026-12-20"}],
            "consent_version": "delivery-consent-1",
            "consent_accepted": True,
            "notes": "",
        }
        signatures = [
            {"role": "customer", "name": customer.name, "blob": blobs[4]},
            {"role": "consultant", "name": user.display_name, "blob": blobs[5]},
        ]
        document = Document(id=uuid7(), store_id=store.id)
        fake_hash = hashlib.sha256(b"bench").hexdigest()
        document.apply(
            {
                "entity": "delivery",
                "record_id": str(uuid7()),
                "contentHash": fake_hash,
                "state": "pending",
                "divergent": False,
                "pdf_sha256": None,
                "error": None,
                "snapshot": snapshot,
                "signatures": signatures,
                "signed_at": "2026-11-29T15:02:11+08:00",
                "signed_by": user.id,
                "events": [],
            },
            1,
        )
        db.session.add(document)
        db.session.commit()
        resources = PrintResources(store.id)
        html = delivery_html(document, resources)
        bare_html = html  # the same page for WeasyPrint alone: pictures by file: URL, no fetcher of ours
        for url, (path, _kind) in resources.blobs.items():
            bare_html = bare_html.replace(url, Path(path).as_uri())

        def full() -> None:
            doc = db.session.get(Document, document.id)
            doc.state = "pending"
            db.session.commit()
            assert render_document(document.id) == "ready"

        def bare() -> None:
            from weasyprint import HTML

            HTML(string=bare_html, base_url=str(Path(tmp))).write_pdf()

        timings = {"full": [], "bare": []}
        for run in range(RUNS + 1):
            for name, fn in (("bare", bare), ("full", full)):
                start = time.perf_counter()
                fn()
                if run:  # the first run of each warms fonts and caches
                    timings[name].append(time.perf_counter() - start)
        pages = page_count(html_to_pdf(html, resources))
        full_ms, bare_ms = (statistics.median(timings[k]) * 1000 for k in ("full", "bare"))
        print(
            f"sealed delivery PDF ({pages} pages, 4 defect photos, 2 signatures, CJK): pipeline {full_ms:.0f} ms; "
            f"bare WeasyPrint {bare_ms:.0f} ms; ratio {full_ms / bare_ms:.2f}x (goal <= 1.3x)"
        )


if __name__ == "__main__":
    main()
