"""The synced entities, one line each (see registry.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Colour, Conflict, Customer, Series, Trim, User, Vehicle
from ..schemas import ColourSchema, ConflictSchema, CustomerSchema, SeriesSchema, TrimSchema, VehicleSchema
from .registry import register

CUSTOMER_WRITERS = frozenset({"receptionist", "consultant", "account_manager", "manager", "admin"})


def check_customer(values: dict, store_id: int) -> dict[str, list[str]]:
    """The owner must be an active consultant of the same store."""
    owner_id = values.get("owner_id")
    if owner_id is None:
        return {}
    owner = db.session.get(User, owner_id) if 0 < owner_id < 2**63 else None  # beyond BIGINT: no such user
    if owner is None or owner.store_id != store_id or owner.role != "consultant" or not owner.active:
        return {"owner_id": [_("Choose a consultant of this store.")]}
    return {}


register("customer", Customer, CustomerSchema, writers=CUSTOMER_WRITERS, check=check_customer)
register("series", Series, SeriesSchema, read_only=True)
register("trim", Trim, TrimSchema, read_only=True)
register("colour", Colour, ColourSchema, read_only=True)
register("vehicle", Vehicle, VehicleSchema, read_only=True)
register("conflict", Conflict, ConflictSchema, read_only=True)
