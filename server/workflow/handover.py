"""Handover rules (交车): what a delivery record must reference, when it may be signed, and what signing starts.

The seed: vehicle pre-checked, accessories verified installed, documents handed over, maintenance/warranty and
operation explained, then the customer signs; delivery opens the follow-up schedule (domain.md §4, §5.3).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import ChecklistTemplate, Customer, FollowUp, Store, Trim, Vehicle, WeOwe, uuid7
from ..records.lookup import store_record
from ..schemas.delivery import ChecklistTemplateSchema
from .handover_rules import contradictions, owed_codes, past_due, unanswered
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
    if template is not None and {"we_owe", "template_id"} & set(values):
        unknown = sorted(owed_codes(merged.get("we_owe") or []) - set(template.item_codes()))
        if unknown:
            problems["we_owe" if "we_owe" in values else "template_id"] = [
                _("Not on this checklist: %(codes)s", codes=", ".join(unknown))
            ]
    return problems


def store_today() -> date:
    """Today in the store's time zone."""
    return datetime.now(ZoneInfo(current_app.config["STORE_TIMEZONE"])).date()


def handover_day(signed_at: str | None) -> date:
    """The day of the handover in the store's time zone: the day the tablet says it was signed (a seal made
    offline keeps its day when it syncs later), never after the server's today (a clock running ahead cannot
    make a valid due date look past)."""
    zone = ZoneInfo(current_app.config["STORE_TIMEZONE"])
    today = store_today()
    try:
        signed = datetime.fromisoformat(signed_at or "")
    except ValueError:
        return today
    signed = signed if signed.tzinfo else signed.replace(tzinfo=zone)
    return min(today, signed.astimezone(zone).date())


def agreement_problems(values: dict, day: date) -> dict[str, list[str]]:
    """The checklist and the we-owe list disagree (an item ✓ or N.A. yet owed), or something is due before the
    handover day: field errors on we_owe, one per entry, in the list's order."""
    we_owe = values.get("we_owe") or []
    marks = {"ok": "✓", "na": "N.A."}
    messages = [
        (
            found["we_owe"],
            _(
                "%(code)s is marked %(mark)s on the checklist but is also on the list of items still owed. Clear "
                "the mark or take it off the list before signing.",
                code=found["item"],
                mark=marks[found["result"]],
            ),
        )
        for found in contradictions(values.get("items"), we_owe)
    ]
    messages += [
        (
            n,
            _(
                "“%(text)s” is due on %(date)s, before the handover day. Choose the handover day or a later one.",
                text=we_owe[n]["text"],
                date=we_owe[n]["due_date"],
            ),
        )
        for n in past_due(we_owe, day.isoformat())
    ]
    return {"we_owe": [text for _n, text in sorted(messages, key=lambda m: m[0])]} if messages else {}


def ready_to_sign(values: dict, store_id: int, signed_at: str | None = None) -> dict[str, list[str]]:
    """Every item that applies to this vehicle answered (or owed), explanations given, consent accepted, and the
    checklist agreeing with the we-owe list, nothing due before the handover day (`signed_at`'s day)."""
    problems: dict[str, list[str]] = agreement_problems(values, handover_day(signed_at))
    template = db.session.get(ChecklistTemplate, values["template_id"])
    vehicle = db.session.get(Vehicle, values["vehicle_id"])
    powertrain = db.session.get(Trim, vehicle.trim_id).powertrain if vehicle else None
    missing = unanswered(template.item_codes(powertrain), values.get("items"), values.get("we_owe"))
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
                "item_code": item.get("item_code"),
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
