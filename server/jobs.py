"""Background jobs (Huey): rendering and sealing PDFs off the request path.

Modes (JOBS_MODE): `embedded` (default) keeps the queue in a SQLite file under instance/ and works it in a
thread of the web process — nothing else to run, and several web processes share the one queue;
`redis` (set REDIS_URL) keeps the queue in Redis for `huey_consumer server.worker.huey` processes;
`manual` (tests) queues and waits for `drain()`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session

huey = None
_app: Flask | None = None
_worker: threading.Thread | None = None
_lock = threading.Lock()


def render_task(document_id: str) -> str:
    """The job: render and seal one document inside an app context."""
    from .documents.pipeline import render_document
    from .extensions import db

    with _app.app_context():
        try:
            return render_document(document_id)
        finally:
            db.session.remove()


def init_app(app: Flask) -> None:
    """Create the queue for the app's mode and have committed sign mutations enqueue their renders."""
    global huey, _app, _render
    _app = app
    mode = app.config["JOBS_MODE"]
    if mode == "redis":
        huey = RedisHuey("showroom", url=app.config["REDIS_URL"])
    else:
        path = Path(app.config["JOBS_DB"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("showroom", filename=str(path))
    _render = huey.task(retries=2, retry_delay=5)(render_task)


def enqueue_render(document_id: str) -> None:
    """Queue the rendering of a document (idempotent: a ready document is left as it is)."""
    _render(document_id)
    if _app.config["JOBS_MODE"] == "embedded":
        _ensure_worker()


def drain(limit: int = 100) -> int:
    """Work the queue in this thread until it is empty (tests, `flask render-pending`); returns jobs run."""
    done = 0
    while done < limit and (task := huey.dequeue()) is not None:
        huey.execute(task)
        done += 1
    return done


def _ensure_worker() -> None:
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="showroom-jobs", daemon=True)
            _worker.start()


def _work() -> None:
    _resume_pending()
    while True:
        try:
            if not drain(limit=10):
                time.sleep(0.3)
        except Exception:  # noqa: BLE001 - a broken job must not stop the worker; it is logged by the task
            _app.logger.exception("job worker")
            time.sleep(1)


def _resume_pending() -> None:
    """Queue documents left pending by a previous process (a crash or restart between sign and render)."""
    from .documents.pipeline import pending_documents
    from .extensions import db

    try:
        with _app.app_context():
            ids = pending_documents()
            db.session.remove()
        for document_id in ids:
            _render(document_id)
    except Exception:  # noqa: BLE001 - resuming is best effort; the next enqueue tries again
        _app.logger.exception("resuming pending documents")


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    """Documents created by a transaction are queued once it commits (never for a rolled-back one).

    SQLAlchemy also fires after_commit when a SAVEPOINT is released; the outer transaction is still open then,
    and a worker would not yet see the document, so only the outermost commit queues.
    """
    if session.in_nested_transaction():  # during the event, the released savepoint is still the current one
        return
    pending = session.info.pop("render_after_commit", None)
    for document_id in pending or ():
        enqueue_render(document_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("render_after_commit", None)
