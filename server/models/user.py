"""Staff accounts, the tablet's bearer tokens, office sessions, and the log of login attempts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabularies.roles import ROLES
from .base import as_utc, utcnow
from .store import Store

_hasher = PasswordHasher()  # argon2id with the library's current defaults


class User(UserMixin, db.Model):
    """A member of a store's staff. Usernames are unique across stores: a login names one person."""

    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    store: Mapped[Store] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        """Hash with argon2id; the clear password is never stored."""
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        """True when `password` matches; rehashes transparently when the parameters have moved on."""
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def revoke_tokens(self) -> int:
        """Revoke every live tablet token of this user (lost tablet, leaver); returns how many."""
        tokens = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == self.id, ApiToken.revoked_at.is_(None))
        ).all()
        for token in tokens:
            token.revoked_at = utcnow()
        return len(tokens)

    def end_office_sessions(self) -> int:
        """Revoke every open office session of this user, wherever it was opened; returns how many."""
        result = db.session.execute(
            update(OfficeSession)
            .where(OfficeSession.user_id == self.id, OfficeSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    def sign_out_everywhere(self) -> None:
        """Revoke all tablet tokens and office sessions (deactivation): recorded on each, so reactivating the
        account later brings none of them back. The caller commits."""
        self.revoke_tokens()
        self.end_office_sessions()

    def to_public(self) -> dict:
        """What a client may know about the signed-in user."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "language": self.language,
        }


def hash_token(token: str) -> str:
    """Tokens are stored as their SHA-256: a stolen database holds no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    """A bearer token of one user in one store, for one device; expires, and can be revoked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")

    @classmethod
    def issue(cls, user: User, device_label: str, days: int) -> tuple[ApiToken, str]:
        """Make a token for `user`; returns the row and the clear token, which is shown once."""
        clear = secrets.token_urlsafe(32)
        row = cls(
            user_id=user.id,
            store_id=user.store_id,
            token_hash=hash_token(clear),
            device_label=device_label[:120],
            expires_at=utcnow() + timedelta(days=days),
        )
        db.session.add(row)
        return row, clear

    @classmethod
    def find_valid(cls, clear: str) -> ApiToken | None:
        """The live token for `clear`: not expired, not revoked, its user active and still in the store."""
        row = db.session.scalar(select(cls).where(cls.token_hash == hash_token(clear)))
        if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
            return None
        if not row.user.active or row.user.store_id != row.store_id:
            return None
        return row


class OfficeSession(db.Model):
    """One office sign-in of one browser. Its random id travels in the signed Flask session cookie and only its
    SHA-256 is stored; the user loader accepts a cookie only while this row is live, so sign-out (one row) and
    deactivation (all of a user's rows) end the session on the server, and a copied cookie replayed later is
    signed out. Deliberately not bound to the browser's address or user agent."""

    #: The key of the clear id in the Flask session.
    SESSION_KEY = "office_session"
    #: `last_seen_at` is written at most this often, not on every request.
    SEEN_EVERY = timedelta(minutes=5)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")

    @classmethod
    def open(cls, user: User) -> str:
        """Start a session for `user`; returns the clear id to keep in the Flask session (the caller commits)."""
        clear = secrets.token_urlsafe(32)
        db.session.add(cls(user_id=user.id, token_hash=hash_token(clear)))
        return clear

    @classmethod
    def find_live(cls, clear: object, user_id: int) -> OfficeSession | None:
        """The unrevoked session of `user_id` named by `clear`, or None."""
        if not isinstance(clear, str) or not clear:
            return None
        row = db.session.scalar(select(cls).where(cls.token_hash == hash_token(clear)))
        if row is None or row.revoked_at is not None or row.user_id != user_id:
            return None
        return row

    def is_stale(self) -> bool:
        """True when `last_seen_at` is older than SEEN_EVERY (time to write it again)."""
        return utcnow() - as_utc(self.last_seen_at) >= self.SEEN_EVERY

    def is_idle(self, minutes: int) -> bool:
        """True when nobody used this session for `minutes` (its store's idle time). `last_seen_at` lags by up to
        SEEN_EVERY, so the session ends between `minutes` and `minutes` + SEEN_EVERY after the last request."""
        return utcnow() - as_utc(self.last_seen_at) > timedelta(minutes=minutes) + self.SEEN_EVERY

    def revoke(self) -> None:
        """End this session (sign-out); the caller commits."""
        if self.revoked_at is None:
            self.revoked_at = utcnow()


class LoginAttempt(db.Model):
    """Every login attempt, kept to throttle guessing across processes (the database is shared).

    `device_id` names the known device (signed device cookie, see server/routes/auth.py) the attempt was made
    with, or the one a successful sign-in was given; None for an attempt from an unknown browser.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str | None] = mapped_column(String(32), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
