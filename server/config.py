"""Configuration, read once from the environment (microblog's pattern): tests subclass `Config`."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("SHOWROOM_INSTANCE", ROOT / "instance"))


class Config:
    """Everything the app reads from its environment, with defaults that run on one machine."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'showroom.db'}")
    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE / "storage"))  # blobs and PDFs
    REDIS_URL = os.environ.get("REDIS_URL")  # optional: Redis-backed job workers at scale

    # Sessions: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Bearer tokens for the tablet API.
    TOKEN_DAYS = int(os.environ.get("TOKEN_DAYS", "30"))
    # Failed logins: at most LOGIN_MAX_FAILURES per username or address in LOGIN_WINDOW_MINUTES.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LOGIN_WINDOW_MINUTES", "15"))

    # Sync (SYNC_PROTOCOL.md): blob limits published by the schema endpoint; tombstones kept this long.
    BLOB_MAX_BYTES = int(os.environ.get("BLOB_MAX_BYTES", str(20 * 1024 * 1024)))
    BLOB_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
    TOMBSTONE_DAYS = int(os.environ.get("TOMBSTONE_DAYS", "90"))

    # Jobs (server/jobs.py): embedded SQLite queue worked in-process, or Redis for separate workers.
    JOBS_MODE = os.environ.get("JOBS_MODE", "redis" if REDIS_URL else "embedded")
    JOBS_DB = os.environ.get("JOBS_DB", str(INSTANCE / "jobs.db"))
    # Sealing PDFs: the dealership's key and certificate (`flask make-dev-certificate` makes a development pair).
    SIGNING_KEY = os.environ.get("SIGNING_KEY", str(INSTANCE / "signing" / "key.pem"))
    SIGNING_CERT = os.environ.get("SIGNING_CERT", str(INSTANCE / "signing" / "cert.pem"))
    #: Where people reach the server: printed on documents as the verification link.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    BABEL_DEFAULT_LOCALE = "zh_CN"
    STORE_TIMEZONE = os.environ.get("STORE_TIMEZONE", "Asia/Shanghai")  # how times are shown to people
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    LANGUAGES = ("zh_CN", "en")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, not to a clock
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
