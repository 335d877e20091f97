"""Database engine behaviour the sync contract depends on, for SQLite and PostgreSQL alike.

SQLite: Python's sqlite3 driver does not begin a transaction before a SELECT, so a pull made of several
queries would not read one snapshot. We take over transaction control: the driver's own is switched off and
every SQLAlchemy transaction starts with BEGIN, or BEGIN IMMEDIATE for writers (`write_transaction`), so two
pushes never deadlock upgrading a read lock. WAL lets readers go on while one writer commits; busy_timeout
makes a writer wait for the lock instead of failing at once.

PostgreSQL: a pull runs at REPEATABLE READ (`snapshot`), so all its queries see the same snapshot; writers
serialise on the store's counter row (`next_store_version`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

BUSY_TIMEOUT_MS = 10_000


def is_sqlite() -> bool:
    """True when the app runs on SQLite."""
    return db.engine.dialect.name == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable across application crashes
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that reads, then writes after another connection committed, fails at once
        # with "database is locked" (its snapshot is stale; busy_timeout cannot help). So a request that may
        # write (anything but GET/HEAD) takes the write lock up front; read-only snapshots say so explicitly.
        immediate = connection.get_execution_options().get("sqlite_immediate")
        if immediate is None:
            immediate = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    """Install the SQLite transaction hooks on the app's engine (nothing to do for PostgreSQL)."""
    with app.app_context():
        if is_sqlite():
            _configure_sqlite(db.engine)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction that takes the database's write lock first (SQLite: BEGIN IMMEDIATE).

    Commits when the block ends, rolls back on any exception. The session must not be inside a transaction.
    """
    session = db.session()  # the Session itself: the scoped proxy lacks in_transaction()
    if session.in_transaction():
        session.commit()
    connection = session.connection(execution_options={"sqlite_immediate": True} if is_sqlite() else {})
    try:
        if not is_sqlite():  # wait for a lock as long as SQLite's busy_timeout, then fail (503), never hang
            timeout = int(current_app.config.get("LOCK_TIMEOUT_MS", BUSY_TIMEOUT_MS))
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout}")
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def snapshot() -> Iterator[None]:
    """A read-only transaction in which every query sees the same snapshot of the database."""
    session = db.session()  # the Session itself: the scoped proxy lacks in_transaction()
    if session.in_transaction():
        session.commit()
    options = {"sqlite_immediate": False} if is_sqlite() else {"isolation_level": "REPEATABLE READ"}
    session.connection(execution_options=options)
    try:
        yield
    finally:
        session.rollback()
