"""Customer rules that need the database (the customer file's own field rules are in schemas/customer.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import User


def check_customer(values: dict, store_id: int, _current: dict | None = None) -> dict[str, list[str]]:
    """The owner must be an active consultant of the same store."""
    owner_id = values.get("owner_id")
    if owner_id is None:
        return {}
    owner = db.session.get(User, owner_id) if 0 < owner_id < 2**63 else None  # beyond BIGINT: no such user
    if owner is None or owner.store_id != store_id or owner.role != "consultant" or not owner.active:
        return {"owner_id": [_("Choose a consultant of this store.")]}
    return {}
