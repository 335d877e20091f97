"""Shared fixtures: an app on a fresh database built by the migrations, a client, factories.

The database is SQLite in a temporary folder, or — when DATABASE_URL names a PostgreSQL server — a fresh
database created on that server for this run and dropped after it. The schema is made by running the
Alembic migrations (not `create_all`), so drift between models and migrations fails tests/unit.
Every test starts with empty tables.

The suite runs in parallel (`make test`: pytest-xdist) or serially (`pytest`, `make test PYTEST_ARGS=-n0`). Each
process has its own database, live server and temporary folders; nothing a test writes may be shared between them.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Before server.config is imported (it reads the environment once): whatever a test's config leaves at its default
# path (the jobs queue, the signing pair, the SQLite database) lands in a folder of this process alone — never in
# the working tree's instance/ (a developer's own database and queue), nor in one that parallel workers share.
_INSTANCE = tempfile.mkdtemp(prefix="showroom-test-instance-")
atexit.register(shutil.rmtree, _INSTANCE, ignore_errors=True)
os.environ["SHOWROOM_INSTANCE"] = _INSTANCE

import pytest  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402

#: Fixtures shared by every folder: the sync world and protocol client (tests/factories/tablets.py).
pytest_plugins = ["tests.factories.tablets"]


def _fresh_postgres(url: str) -> tuple[str, callable]:
    """Create a throwaway database beside the one in `url`; returns its URL and a dropper."""
    import psycopg

    base = make_url(url)
    name = f"showroom_test_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The URL of this run's empty database."""
    env = os.environ.get("DATABASE_URL", "")
    if env.startswith("postgresql"):
        url, drop = _fresh_postgres(env)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app under test, its schema built by `flask db upgrade`."""
    from flask_migrate import upgrade

    class TestConfig(Config):
        TESTING = True
        SECRET_KEY = "test-secret"  # noqa: S105
        SQLALCHEMY_DATABASE_URI = database_url
        STORAGE_DIR = str(tmp_path_factory.mktemp("storage"))
        SERVER_NAME = None
        JOBS_MODE = "manual"  # tests work the queue with server.jobs.drain(app)
        JOBS_DB = str(tmp_path_factory.mktemp("jobs") / "jobs.db")
        SIGNING_KEY = str(tmp_path_factory.mktemp("signing") / "key.pem")
        SIGNING_CERT = str(Path(SIGNING_KEY).with_name("cert.pem"))

    app = create_app(TestConfig)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close pooled connections before the database is dropped


@pytest.fixture(autouse=True)
def _empty_tables(request) -> Iterator[None]:
    """Every test starts with empty tables (browser tests have their own server and database)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def ctx(app) -> Iterator[None]:
    """An app context for tests that use the models directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client with cookies (an office browser)."""
    return app.test_client()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page the way a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = "correct-horse-9"):
    """Sign in through the office form; returns the response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def database(app):
    """`with database() as session:` — a fresh app context and session, closed at the end of the block (requests
    made by the test client must stay outside it, or they would share its `g`)."""

    @contextmanager
    def open_session() -> Iterator:
        with app.app_context():
            yield db.session
            db.session.remove()

    return open_session


@pytest.fixture
def cheap_hashing(monkeypatch):
    """argon2id at its cheapest settings, for tests about tokens and forms rather than the hash's cost
    (tests/unit/test_models.py checks the production hasher)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("server.models.user._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
