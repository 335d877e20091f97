"""Staff accounts, the tablet's bearer tokens, and the log of login attempts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import ROLES
from ..extensions import db
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


class LoginAttempt(db.Model):
    """Every login attempt, kept to throttle guessing across processes (the database is shared)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
