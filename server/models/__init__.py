"""Typed SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from __future__ import annotations

from flask import Flask, session
from flask_login import LoginManager
from sqlalchemy import update

from ..extensions import db
from .base import SyncMixin, as_utc, utcnow, uuid7
from .catalogue import Colour, Series, Trim, Vehicle
from .customer import Customer, GradeChange, LostRequest, OwnershipChange, Visit
from .delivery import ChecklistTemplate, Delivery, Document, FollowUp, WeOwe
from .store import Store, next_store_version
from .sync import Blob, ClientGroup, Conflict, MutationLog, SyncClient
from .test_drive import AgreementTemplate, DemoCar, DriveRoute, DriveRules, LicencePhoto, TestDrive, TestDriveLog
from .user import ApiToken, LoginAttempt, OfficeSession, User
from .walkaround import NeedsAnalysis, Presentation, PresentationDraft, Walkaround, WalkaroundScore, WalkaroundSetting

__all__ = [
    "AgreementTemplate",
    "DemoCar",
    "DriveRoute",
    "DriveRules",
    "LicencePhoto",
    "TestDrive",
    "TestDriveLog",
    "ApiToken",
    "ChecklistTemplate",
    "Delivery",
    "Document",
    "FollowUp",
    "WeOwe",
    "NeedsAnalysis",
    "Presentation",
    "PresentationDraft",
    "Walkaround",
    "WalkaroundScore",
    "WalkaroundSetting",
    "Blob",
    "ClientGroup",
    "Colour",
    "Conflict",
    "Customer",
    "GradeChange",
    "LostRequest",
    "OwnershipChange",
    "Visit",
    "LoginAttempt",
    "MutationLog",
    "OfficeSession",
    "Series",
    "Store",
    "SyncClient",
    "SyncMixin",
    "Trim",
    "User",
    "Vehicle",
    "as_utc",
    "next_store_version",
    "utcnow",
    "uuid7",
]


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login to the user table; an office cookie counts only while its `office_session` row is live."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Sessions end on the server (OfficeSession), not by guessing from the address or user agent: both change
    # under one NAT, behind proxies and with browser updates, and "strong" signed people out for it.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The cookie's user, when the server-side session it names is neither missing nor revoked."""
        if not user_id.isdigit():
            return None
        clean = not db.session().in_transaction()  # nothing of the request's own is in the transaction yet
        row = OfficeSession.find_live(session.get(OfficeSession.SESSION_KEY), int(user_id))
        if row is None:
            return None
        user, row_id = row.user, row.id
        if not clean:
            return user
        idle = row.is_idle(user.store.office_idle_minutes)
        if idle or row.is_stale():  # idle: the session ends; stale: time to note that it was seen
            # End the read first: SQLite cannot turn a read snapshot into a write once another writer committed.
            db.session.commit()
            moment = {"revoked_at" if idle else "last_seen_at": utcnow()}
            db.session.execute(update(OfficeSession).where(OfficeSession.id == row_id).values(moment))
            db.session.commit()
        if idle:
            session["idle_signed_out"] = True  # the sign-in page says why
            return None
        return user
