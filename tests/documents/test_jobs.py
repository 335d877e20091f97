"""The render job is queued only when the sign's push has really committed."""

from __future__ import annotations

from server import jobs


def test_a_sign_queues_its_render_only_after_the_push_commits(app, bay, monkeypatch):
    """The sign runs in a SAVEPOINT inside the push; SQLAlchemy fires after_commit for the savepoint too. The job
    must be queued once, after the outer commit, when a worker can already read the document."""
    queued = []

    def spy(document_id: str) -> None:
        from server.extensions import db
        from server.models import Document

        with app.app_context():  # what a worker thread would see at that moment
            queued.append((document_id, db.session.get(Document, document_id) is not None))
            db.session.remove()

    monkeypatch.setattr(jobs, "enqueue_render", spy)
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert len(queued) == 1 and queued[0][1], queued


def _document(app):
    from sqlalchemy import select

    from server.extensions import db
    from server.models import Document

    with app.app_context():
        doc = db.session.scalars(select(Document)).one()
        db.session.expunge(doc)
        return doc


def _sign_args(bay, record_id: str, values: dict) -> dict:
    from tests.documents.conftest import content_hash

    return {
        "entity": "delivery",
        "id": record_id,
        "snapshot": values,
        "contentHash": content_hash(values),
        "signatures": bay.signatures(),
        "signedAt": "2026-11-29T15:02:11+08:00",
    }


def test_a_sign_followed_by_a_rejected_mutation_in_the_same_push_is_rendered(app, bay):
    """Each mutation runs in a SAVEPOINT; rolling back a later one (rejected) must not forget the render that the
    sign queued: the job is queued after the outer commit, whatever happened after the sign."""
    import uuid

    record_id, values = bay.create()
    tablet = bay.tablet
    results = tablet.push(
        tablet.mutation("sign", _sign_args(bay, record_id, values)),
        tablet.mutation("no_such_mutator", {}),
        tablet.put("delivery", str(uuid.uuid4()), {"customer_id": "not a customer of this store"}),
    )["results"]
    assert [r["outcome"] for r in results] == ["applied", "rejected", "rejected"], results
    assert jobs.drain(app) >= 1
    assert _document(app).state == "ready"


def test_a_rolled_back_push_queues_nothing(app, bay, monkeypatch):
    """The outer transaction rolled back (a database failure, 503): no document exists, nothing is queued."""
    from sqlalchemy.exc import OperationalError

    from server.sync import push as push_module

    record_id, values = bay.create()
    real = push_module.MUTATORS["sign"]

    def sign_then_fail(ctx, args):
        real(ctx, args)
        raise OperationalError("SELECT 1", {}, Exception("connection lost"))

    monkeypatch.setitem(push_module.MUTATORS, "sign", sign_then_fail)
    bay.tablet.push(bay.tablet.mutation("sign", _sign_args(bay, record_id, values)), expect=503)
    assert jobs.drain(app) == 0


def _embedded_app(app, tmp_path):
    """A second web process on the same database and storage, working its queue in a thread (JOBS_MODE=embedded)."""
    from server import create_app
    from server.config import Config

    class Embedded(Config):
        TESTING = True
        SECRET_KEY = "test-secret"  # noqa: S105
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        STORAGE_DIR = app.config["STORAGE_DIR"]
        JOBS_MODE = "embedded"
        JOBS_DB = str(tmp_path / "jobs.db")
        SIGNING_KEY = app.config["SIGNING_KEY"]
        SIGNING_CERT = app.config["SIGNING_CERT"]

    return create_app(Embedded)


def _wait_for(app, state: str, seconds: float = 60) -> str:
    import time

    deadline = time.monotonic() + seconds
    while (current := _document(app).state) != state and time.monotonic() < deadline:
        time.sleep(0.2)
    return current


def test_a_document_left_pending_by_a_crash_is_rendered_when_the_next_process_serves_its_first_request(
    app, bay, tmp_path
):
    """Signed, committed, then the process died before rendering (nothing drained the queue). A fresh embedded-mode
    process resumes pending documents as soon as it serves its first request — not only at the next signature."""
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert _document(app).state == "pending"
    jobs.jobs_of(app).huey.flush()  # the crash: the job queued by the sign is lost with the process
    embedded = _embedded_app(app, tmp_path)
    worker = jobs.jobs_of(embedded)
    try:
        assert worker.worker is None  # nothing runs before a request
        embedded.test_client().get("/login")
        assert _wait_for(app, "ready") == "ready"
    finally:
        worker.stop()
        from server.extensions import db

        with embedded.app_context():
            db.engine.dispose()


def test_the_job_consumer_queues_pending_documents_when_it_starts(app, bay):
    """`huey_consumer server.worker.huey` (Redis mode) runs the queue's start-up hooks in each worker as it starts:
    documents left pending by a crash are queued then, once per consumer process."""
    import threading

    from huey.consumer import Worker

    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert jobs.drain(app) >= 1  # rendered; now left pending again by a "crash" (as a re-render might be)
    from server.extensions import db
    from server.models import Document

    with app.app_context():
        doc = db.session.get(Document, _document(app).id)
        doc.state = "pending"
        db.session.commit()
        db.session.remove()
    huey = jobs.jobs_of(app).huey
    for _ in range(2):  # two workers of one consumer start
        Worker(huey, threading.Event(), 0.1, 1.0, 1.15).initialize()
    assert huey.pending_count() == 1
    assert jobs.drain(app) == 1 and _document(app).state == "ready"


WARM_UP_IN_A_FRESH_PROCESS = """
import json, os
from server import create_app, jobs
from server.documents import certificate

def fork_servers():
    mine = str(os.getpid())
    found = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            stat = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
            cmdline = open(f'/proc/{pid}/cmdline', 'rb').read()
        except OSError:
            continue
        if stat[1] == mine and b'forkserver' in cmdline:
            found.append(pid)
    return found

app = create_app()
before = (fork_servers(), certificate.signer_for.cache_info().currsize)
jobs.jobs_of(app).warm_up()
after = (fork_servers(), certificate.signer_for.cache_info().currsize)
print(json.dumps({"before": before, "after": after}))
"""


def test_a_starting_worker_readies_the_renderer_before_the_first_document(tmp_path):
    """The first render of a process used to start the render fork server (WeasyPrint imported, fonts warmed) and
    load pyHanko and the signing key: 2-2.5x a warm render, paid by the first customer of the day (bench/
    pdf_render.py). A worker now does it as it starts: in a fresh process, before warm-up there is no fork server
    and no signer; after it, the fork server runs and the signer is loaded."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "SHOWROOM_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'warm.db'}",
        "JOBS_MODE": "manual",
        "SIGNING_KEY": str(tmp_path / "key.pem"),
        "SIGNING_CERT": str(tmp_path / "cert.pem"),
    }
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", WARM_UP_IN_A_FRESH_PROCESS], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["before"] == [[], 0]
    servers, signers = result["after"]
    assert len(servers) == 1 and signers == 1


def test_a_failed_warm_up_is_logged_and_the_worker_still_renders(app, bay, monkeypatch, caplog):
    """Warming is best effort: should it fail (say the signing key cannot be read yet), the worker logs it and
    goes on; the document is still rendered by its job."""
    from server.documents import pipeline

    def broken() -> None:
        raise OSError("key not readable")

    monkeypatch.setattr(pipeline, "warm_up", broken)
    jobs.jobs_of(app).warm_up()
    assert "warming up the renderer" in caplog.text
    record_id, values = bay.create()
    assert bay.sign(record_id, values)["outcome"] == "applied"
    assert jobs.drain(app) >= 1 and _document(app).state == "ready"
