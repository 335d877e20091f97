"""Upgrading a database that already holds a dealership keeps every row (SQLite rebuilds tables to alter them)."""

import sqlite3

from flask_migrate import upgrade

from server import create_app
from server.config import Config
from server.extensions import db


def test_upgrade_from_the_first_revision_keeps_the_data(tmp_path):
    """A store, its users and customers made at revision 0001 survive the upgrade to head, with foreign keys
    enforced (as the app runs them), and each store gets its own sync epoch."""

    class OldConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.db'}"
        STORAGE_DIR = str(tmp_path / "storage")

    app = create_app(OldConfig)
    with app.app_context():
        upgrade(revision="0001_foundation")
        db.engine.dispose()
    raw = sqlite3.connect(tmp_path / "old.db")
    raw.execute(
        "INSERT INTO store (id, code, name, brand, address, version, created_at) "
        "VALUES (1, 'OLD', '老店', '', '', 3, '2026-01-01')"
    )
    raw.execute(
        "INSERT INTO user (id, store_id, username, display_name, role, language, active, password_hash, "
        "created_at) VALUES (1, 1, 'old', '老李', 'consultant', 'zh_CN', 1, 'x', '2026-01-01')"
    )
    raw.execute(
        "INSERT INTO customer (id, store_id, version, field_versions, created_at, updated_at, deleted, name, "
        "phone, grade, source, owner_id, notes) VALUES ('c1', 1, 3, '{}', '2026-01-01', '2026-01-01', 0, "
        "'张三', '13800138000', 'A', 'walk_in', 1, '')"
    )
    raw.commit()
    raw.close()
    with app.app_context():
        upgrade()
        db.engine.dispose()
    raw = sqlite3.connect(tmp_path / "old.db")
    assert raw.execute("SELECT name, owner_id, field_origins FROM customer").fetchall() == [("张三", 1, "{}")]
    (epoch,) = raw.execute("SELECT sync_epoch FROM store").fetchone()
    assert len(epoch) == 36
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
