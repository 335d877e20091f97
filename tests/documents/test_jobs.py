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
