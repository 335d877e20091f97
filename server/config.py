"""Configuration, read once from the environment (microblog's pattern): tests subclass `Config`."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("SHOWROOM_INSTANCE", ROOT / "instance"))
#: The tablet app and office scripts, served as /static (the service worker and manifest from the root).
WEB = ROOT / "web"


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
    # Failed logins (server/routes/auth.py), counted in LOGIN_WINDOW_MINUTES: at most LOGIN_MAX_FAILURES per
    # (username, address) pair, and LOGIN_ADDRESS_CEILING from one address over all usernames (far above what a
    # showroom behind one NAT address mistypes in a day). A browser or tablet where the user signed in before
    # carries a signed device cookie (kept LOGIN_DEVICE_DAYS) and is judged only by its own LOGIN_MAX_FAILURES,
    # so nobody can lock staff out from elsewhere.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LOGIN_WINDOW_MINUTES", "15"))
    LOGIN_ADDRESS_CEILING = int(os.environ.get("LOGIN_ADDRESS_CEILING", "100"))
    LOGIN_DEVICE_DAYS = int(os.environ.get("LOGIN_DEVICE_DAYS", "365"))
    # Reverse proxies in front of the app: with N > 0, X-Forwarded-For/-Proto/-Host are trusted from the N
    # nearest hops (werkzeug's ProxyFix). Leave 0 unless a proxy you run sets them, or anyone can forge them.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Sync (SYNC_PROTOCOL.md): blob limits published by the schema endpoint; tombstones kept this long.
    BLOB_MAX_BYTES = int(os.environ.get("BLOB_MAX_BYTES", str(20 * 1024 * 1024)))
    BLOB_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
    TOMBSTONE_DAYS = int(os.environ.get("TOMBSTONE_DAYS", "90"))
    # The input boundary (server/boundary.py): a JSON body, and one mutation of a push as it is kept in the log.
    # A push of 500 signed records is a few MB; the tablet halves its batch on 413.
    JSON_MAX_BYTES = int(os.environ.get("JSON_MAX_BYTES", str(16 * 1024 * 1024)))
    MUTATION_MAX_BYTES = int(os.environ.get("MUTATION_MAX_BYTES", str(256 * 1024)))
    MAX_CONTENT_LENGTH = BLOB_MAX_BYTES + 1024 * 1024  # any other body: a blob or an office upload

    # Jobs (server/jobs.py): embedded SQLite queue worked in-process, or Redis for separate workers.
    JOBS_MODE = os.environ.get("JOBS_MODE", "redis" if REDIS_URL else "embedded")
    JOBS_DB = os.environ.get("JOBS_DB", str(INSTANCE / "jobs.db"))
    # Sealing PDFs: the dealership's key and certificate (`flask make-dev-certificate` makes a development pair).
    SIGNING_KEY = os.environ.get("SIGNING_KEY", str(INSTANCE / "signing" / "key.pem"))
    SIGNING_CERT = os.environ.get("SIGNING_CERT", str(INSTANCE / "signing" / "cert.pem"))
    # Rendering PDFs (server/documents/sandbox.py): each render runs in a child process, killed after this many
    # seconds, its address space limited to this many MB above what it starts with.
    RENDER_TIMEOUT_SECONDS = float(os.environ.get("RENDER_TIMEOUT_SECONDS", "60"))
    RENDER_MEMORY_MB = int(os.environ.get("RENDER_MEMORY_MB", "1024"))
    #: Where people reach the server: printed on documents as the verification link.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    BABEL_DEFAULT_LOCALE = "zh_CN"
    STORE_TIMEZONE = os.environ.get("STORE_TIMEZONE", "Asia/Shanghai")  # how times are shown to people
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")
    LANGUAGES = ("zh_CN", "en")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, not to a clock
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
