"""The synced entities, one line each (see registry.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import (
    ChecklistTemplate,
    Colour,
    Conflict,
    Customer,
    Delivery,
    Document,
    FollowUp,
    Series,
    Trim,
    User,
    Vehicle,
    WeOwe,
)
from ..models.walkaround import NeedsAnalysis, Presentation, Walkaround
from ..schemas import ColourSchema, ConflictSchema, CustomerSchema, SeriesSchema, TrimSchema, VehicleSchema
from ..schemas.delivery import DeliverySchema, DocumentSchema, FollowUpSchema, TemplateRecordSchema, WeOweRecordSchema
from ..schemas.walkaround import NeedsAnalysisSchema, PresentationRecordSchema, WalkaroundSchema
from ..workflow.handover import check_delivery, on_signed, ready_to_sign
from ..workflow.walkaround import check_needs_analysis, check_walkaround
from .registry import register

CUSTOMER_WRITERS = frozenset({"receptionist", "consultant", "account_manager", "manager", "admin"})
HANDOVER_WRITERS = frozenset({"consultant", "manager"})


def check_customer(values: dict, store_id: int) -> dict[str, list[str]]:
    """The owner must be an active consultant of the same store."""
    owner_id = values.get("owner_id")
    if owner_id is None:
        return {}
    owner = db.session.get(User, owner_id) if 0 < owner_id < 2**63 else None  # beyond BIGINT: no such user
    if owner is None or owner.store_id != store_id or owner.role != "consultant" or not owner.active:
        return {"owner_id": [_("Choose a consultant of this store.")]}
    return {}


register(
    "customer", Customer, CustomerSchema, writers=CUSTOMER_WRITERS, check=check_customer, refs={"owner_id": (User,)}
)
register("series", Series, SeriesSchema, read_only=True)
register("trim", Trim, TrimSchema, read_only=True)
register("colour", Colour, ColourSchema, read_only=True)
register("vehicle", Vehicle, VehicleSchema, read_only=True)
register("conflict", Conflict, ConflictSchema, read_only=True)
register("checklist_template", ChecklistTemplate, TemplateRecordSchema, read_only=True)
register(
    "delivery",
    Delivery,
    DeliverySchema,
    writers=HANDOVER_WRITERS,
    check=check_delivery,
    refs={"customer_id": (Customer,), "vehicle_id": (Vehicle,), "template_id": (ChecklistTemplate,)},
    signable=True,
    signature_roles=("customer", "consultant"),
    extra={"sign_check": ready_to_sign, "on_sign": on_signed},
)
register("document", Document, DocumentSchema, read_only=True)
register("we_owe", WeOwe, WeOweRecordSchema, read_only=True)
register(
    "follow_up",
    FollowUp,
    FollowUpSchema,
    writers=frozenset({"consultant", "manager", "account_manager"}),
    refs={"customer_id": (Customer,), "owner_id": (User,), "source_id": (Delivery,)},
)
# walk-around (issue 6): content is office-authored; needs analyses and sessions come from consultants' tablets
register("presentation", Presentation, PresentationRecordSchema, read_only=True)
register(
    "needs_analysis",
    NeedsAnalysis,
    NeedsAnalysisSchema,
    writers=HANDOVER_WRITERS,
    check=check_needs_analysis,
    refs={"customer_id": (Customer,), "consultant_id": (User,), "series_id": (Series,)},
)
register(
    "walkaround",
    Walkaround,
    WalkaroundSchema,
    writers=HANDOVER_WRITERS,
    check=check_walkaround,
    refs={
        "customer_id": (Customer,),
        "consultant_id": (User,),
        "presentation_id": (Presentation,),
        "needs_analysis_id": (NeedsAnalysis,),
        "trim_id": (Trim,),
    },
)
