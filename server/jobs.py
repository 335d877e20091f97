"""Background jobs (Huey): rendering and sealing PDFs off the request path.

Modes (JOBS_MODE): `embedded` (default) keeps the queue in a SQLite file under instance/ and works it in a
thread of the web process — nothing else to run, and several web processes share the one queue;
`redis` (set REDIS_URL) keeps the queue in Redis for `huey_consumer server.worker.huey` processes;
`manual` (tests) queues and waits for `drain()`.

Each app has its own queue and job (app.extensions["jobs"]), so several apps in one process never mix.

No document stays pending: a sign's render is queued when the push's OUTERMOST transaction commits (a savepoint
of a later mutation rolled back changes nothing), and documents left pending by a crash are queued again when a
worker starts — in embedded mode at the process's first request, for `huey_consumer` by the queue's start-up hook.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import event
from sqlalchemy.orm import Session

from .documents import pipeline
from .extensions import db


@dataclass
class Jobs:
    """One app's queue, its render job, and (embedded mode) the thread that works it."""

    app: Flask
    huey: Huey
    render: object
    worker: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    resumed: bool = False

    def ensure_worker(self) -> None:
        """Start the in-process worker once (embedded mode); it first queues the documents left pending."""
        with self.lock:
            if self.worker is None or not self.worker.is_alive():
                self.stopping.clear()
                self.worker = threading.Thread(target=self._work, name="showroom-jobs", daemon=True)
                self.worker.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop the in-process worker after the job it is running (tests; a process shutting down)."""
        self.stopping.set()
        if self.worker is not None:
            self.worker.join(timeout)

    def drain(self, limit: int = 100) -> int:
        """Work the queue in this thread until it is empty or `limit` jobs ran; returns how many ran."""
        done = 0
        while done < limit and (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            done += 1
        return done

    def _work(self) -> None:
        self.warm_up()
        self.resume_pending()
        while not self.stopping.is_set():
            try:
                if not self.drain(limit=10):
                    self.stopping.wait(0.3)
            except Exception:  # noqa: BLE001 - a broken job must not stop the worker; it is logged by the job
                self.app.logger.exception("job worker")
                self.stopping.wait(1)

    def warm_up(self) -> None:
        """Ready the renderer before the first job (pipeline.warm_up). Best effort: a failure is logged, and the
        first render then starts the renderer itself."""
        try:
            with self.app.app_context():
                pipeline.warm_up()
        except Exception:  # noqa: BLE001 - warming must never stop a worker from starting
            self.app.logger.exception("warming up the renderer")

    def resume_pending(self) -> int:
        """Queue documents left pending by a previous process (a crash or restart between sign and render);
        returns how many. Best effort: a failure is logged, and the office can still "Render again"."""
        try:
            with self.app.app_context():
                ids = pipeline.pending_documents()
                db.session.remove()
            for document_id in ids:
                self.render(document_id)
        except Exception:  # noqa: BLE001 - resuming must never stop a worker from starting
            self.app.logger.exception("resuming pending documents")
            return 0
        if ids:
            self.app.logger.info("%d pending document(s) queued again", len(ids))
        return len(ids)

    def resume_pending_once(self) -> int:
        """`resume_pending` for the first caller of this process only: each of a consumer's workers runs the start-up
        hook, and one pass is enough (a later crash is resumed by the next start)."""
        with self.lock:
            if self.resumed:
                return 0
            self.resumed = True
        return self.resume_pending()


def init_app(app: Flask) -> None:
    """Create the app's queue for its mode and register the render job on it."""
    mode = app.config["JOBS_MODE"]
    if mode == "redis":
        huey = RedisHuey("showroom", url=app.config["REDIS_URL"])
    else:
        path = Path(app.config["JOBS_DB"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("showroom", filename=str(path))

    def render_document(document_id: str) -> str:
        """The job: render and seal one document inside this app's context."""
        with app.app_context():
            try:
                return pipeline.render_document(document_id)
            finally:
                db.session.remove()

    task = huey.task(retries=2, retry_delay=5, name="render_document")(render_document)
    jobs = app.extensions["jobs"] = Jobs(app, huey, task)
    # `huey_consumer server.worker.huey`: each worker runs the start-up hooks as it starts; the first one queues the
    # documents a crash left pending.
    huey.on_startup("warm_up_renderer")(jobs.warm_up)
    huey.on_startup("resume_pending_documents")(jobs.resume_pending_once)
    if mode == "embedded":

        @app.before_request
        def start_jobs_worker() -> None:
            """The first request of a web process starts its worker, which resumes pending documents at once."""
            if jobs.worker is None:
                jobs.ensure_worker()


def jobs_of(app: Flask | None = None) -> Jobs:
    """The jobs of `app` (default: the current app)."""
    return (app or current_app).extensions["jobs"]


def enqueue_render(document_id: str, app: Flask | None = None) -> None:
    """Queue the rendering of a document (idempotent: a ready document is left as it is)."""
    jobs = jobs_of(app)
    jobs.render(document_id)
    if jobs.app.config["JOBS_MODE"] == "embedded":
        jobs.ensure_worker()


def drain(app: Flask | None = None, limit: int = 100) -> int:
    """Work `app`'s queue in this thread (tests, `flask render-pending`); returns the number of jobs run."""
    return jobs_of(app).drain(limit)


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


@event.listens_for(Session, "after_transaction_end")
def _forget_after_outer_end(session: Session, transaction) -> None:
    """What the outermost transaction did not commit is forgotten when it ends (a rollback). A SAVEPOINT rolled back
    inside it — a later mutation of the same push rejected — forgets nothing: the sign before it still commits.
    (A sign's own savepoint never rolls back after queueing; if it did, the job would find no document.)"""
    if transaction.parent is None:
        session.info.pop("render_after_commit", None)


@click.command("render-pending")
@with_appcontext
def render_pending_command() -> None:
    """Render every document still waiting for its PDF (after a restart), in this process."""
    ids = pipeline.pending_documents()
    if current_app.config["JOBS_MODE"] == "redis":
        for document_id in ids:
            enqueue_render(document_id)
        click.echo(f"{len(ids)} pending document(s) queued for the workers")
        return
    states = [pipeline.render_document(document_id) for document_id in ids]
    click.echo(f"{len(ids)} pending document(s): {states.count('ready')} ready, {states.count('failed')} failed")


COMMANDS = (render_pending_command,)
