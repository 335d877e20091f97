"""Handover rules (交车): what a delivery record must reference, when it may be signed, and what signing starts.

The seed: vehicle pre-checked, accessories verified installed, documents handed over, maintenance/warranty and
operation explained, then the customer signs; delivery opens the follow-up schedule (domain.md §4, §5.3).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import ChecklistTemplate, Customer, FollowUp, Store, Trim, Vehicle, WeOwe, uuid7
from ..records.lookup import store_record
from ..schemas.delivery import ChecklistTemplateSchema
from .templates import load_versioned

CHECKLISTS = Path(__file__).resolve().parent.parent / "documents" / "checklists"


def check_delivery(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """The customer, vehicle and template belong to this store, the VIN is the vehicle's, item codes exist; what
    the `put` does not send is read from the stored record (`current`)."""
    problems: dict[str, list[str]] = {}
    merged = {**(current or {}), **values}

    def mine(model, key):
        return store_record(model, merged.get(key), store_id)

    if "customer_id" in values and mine(Customer, "customer_id") is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    vehicle = mine(Vehicle, "vehicle_id")
    if "vehicle_id" in values and vehicle is None:
        problems["vehicle_id"] = [_("Choose a vehicle of this store.")]
    if vehicle is not None and {"vin", "vehicle_id"} & set(values) and merged.get("vin") not in ("", None, vehicle.vin):
        problems["vin" if "vin" in values else "vehicle_id"] = [_("The VIN is not the chosen vehicle's.")]
    template = mine(ChecklistTemplate, "template_id")
    if "template_id" in values and template is None:
        problems["template_id"] = [_("Unknown checklist.")]
    if template is not None and {"items", "template_id"} & set(values):
        unknown = sorted(set(merged.get("items") or {}) - set(template.item_codes()))
        if unknown:
            problems["items" if "items" in values else "template_id"] = [
                _("Not on this checklist: %(codes)s", codes=", ".join(unknown))
            ]
    return problems


def ready_to_sign(values: dict, store_id: int) -> dict[str, list[str]]:
    """Every item that applies to this vehicle answered, explanations given, consent accepted."""
    problems: dict[str, list[str]] = {}
    template = db.session.get(ChecklistTemplate, values["template_id"])
    vehicle = db.session.get(Vehicle, values["vehicle_id"])
    powertrain = db.session.get(Trim, vehicle.trim_id).powertrain if vehicle else None
    missing = [code for code in template.item_codes(powertrain) if code not in values.get("items", {})]
    if missing:
        problems["items"] = [_("%(count)s items are not checked yet.", count=len(missing))]
    if not values.get("explained_maintenance"):
        problems["explained_maintenance"] = [_("Explain maintenance and warranty before signing.")]
    if not values.get("explained_operation"):
        problems["explained_operation"] = [_("Explain the vehicle's operation before signing.")]
    if not values.get("consent_accepted") or values.get("consent_version") != template.consent.get("version"):
        problems["consent_accepted"] = [_("The customer must accept the confirmation text.")]
    return problems


def on_signed(ctx, delivery, values: dict) -> None:
    """Signing opens the follow-up schedule and starts tracking what is still owed to the customer."""
    store = db.session.get(Store, ctx.store_id)
    customer = db.session.get(Customer, delivery.customer_id)
    today = datetime.now(ZoneInfo(current_app.config["STORE_TIMEZONE"])).date()
    for days in store.follow_up_days or []:
        follow_up = FollowUp(id=uuid7(), store_id=ctx.store_id)
        follow_up.apply(
            {
                "customer_id": delivery.customer_id,
                "owner_id": customer.owner_id or ctx.user.id,
                "kind": "post_delivery",
                "source_id": delivery.id,
                "due_date": (today + timedelta(days=int(days))).isoformat(),
                "result": "",
                "notes": "",
            },
            ctx.version,
            ctx.origin,
        )
        db.session.add(follow_up)
    for item in values.get("we_owe", []):
        owed = WeOwe(id=uuid7(), store_id=ctx.store_id)
        owed.apply(
            {
                "delivery_id": delivery.id,
                "customer_id": delivery.customer_id,
                "text": item["text"],
                "due_date": item.get("due_date"),
            },
            ctx.version,
            ctx.origin,
        )
        db.session.add(owed)


def load_template(store: Store, path: Path) -> ChecklistTemplate:
    """Add a checklist template file to a store as a new version (or find the same version); no code needed."""
    return load_versioned(store, ChecklistTemplate, ChecklistTemplateSchema, path)


def default_templates(store: Store) -> list[ChecklistTemplate]:
    """Every template shipped in server/documents/checklists/, added to `store`."""
    return [load_template(store, path) for path in sorted(CHECKLISTS.glob("*.json"))]
