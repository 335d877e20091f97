"""Account services: stores and staff accounts (used by the command line, the office's user pages and the demo)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Store, User
from ..vocabularies.roles import ROLES
from .handover import default_templates
from .test_drive import provision


def create_store(code: str, name: str, brand: str = "", address: str = "", templates: bool = True) -> Store:
    """Create a store with the shipped checklist templates, test-drive rules and agreement (unless `templates` is
    false), or raise ValueError when the code is taken."""
    if db.session.scalar(select(Store).where(Store.code == code)):
        raise ValueError(f"store {code} exists")
    store = Store(code=code, name=name, brand=brand, address=address)
    db.session.add(store)
    db.session.flush()
    if templates:
        default_templates(store)  # the shipped checklists (server/documents/checklists/*.json)
        provision(store)  # test-drive rules and the shipped agreement (server/documents/agreements/*.json)
    return store


def create_user(
    username: str, password: str, role: str, store: Store, display_name: str = "", language: str = "zh_CN"
) -> User:
    """Create a staff account with an argon2 password hash, or raise ValueError."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role}; one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    if db.session.scalar(select(User).where(User.username == username)):
        raise ValueError(f"user {username} exists")
    user = User(
        username=username, display_name=display_name or username, role=role, store_id=store.id, language=language
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def store_by_code(code: str) -> Store | None:
    """The store with this code, or None."""
    return db.session.scalar(select(Store).where(Store.code == code))


def user_by_name(username: str) -> User | None:
    """The account with this username, or None."""
    return db.session.scalar(select(User).where(User.username == username))
