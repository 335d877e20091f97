"""Typed SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from ..extensions import db
from .base import SyncMixin, next_store_version, utcnow, uuid7
from .catalogue import Colour, Series, Trim, Vehicle
from .customer import Customer
from .delivery import ChecklistTemplate, Delivery, Document, FollowUp, WeOwe
from .store import Store
from .sync import Blob, ClientGroup, Conflict, MutationLog, SyncClient
from .test_drive import AgreementTemplate, DemoCar, DriveRoute, DriveRules, LicencePhoto, TestDrive, TestDriveLog
from .user import ApiToken, LoginAttempt, User
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
    "LoginAttempt",
    "MutationLog",
    "Series",
    "Store",
    "SyncClient",
    "SyncMixin",
    "Trim",
    "User",
    "Vehicle",
    "next_store_version",
    "utcnow",
    "uuid7",
]


def init_app(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login to the user table; office sessions carry the user id only."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None
