"""What people call each synced entity and each of its fields, entity by entity: a trim's `name` is the trim's name,
never a person's (姓名). Errors, conflicts and rejected changes name a field through here; the tablet has the same
list in web/js/core/field-labels.js (tests/vocabularies/test_fields.py keeps both complete)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The pseudo-field of an edit-vs-delete conflict (server/records/merge.py).
DELETED = "deleted"

ENTITY_LABELS = {
    "customer": _l("Customer"),
    "series": _l("Series"),
    "trim": _l("Trim"),
    "colour": _l("Colour"),
    "vehicle": _l("Vehicle"),
    "delivery": _l("Delivery inspection"),
    "follow_up": _l("Follow-up"),
    "needs_analysis": _l("Needs analysis"),
    "grade_change": _l("Grade change"),
    "walkaround": _l("Walk-around"),
    "demo_car": _l("Test-drive car"),
    "test_drive": _l("Test drive"),
    "test_drive_log": _l("Drive log"),
    "licence_photo": _l("Licence photo"),
}

#: Names of the protocol's own parts, which a rejected change's errors may name whatever the entity.
COMMON_LABELS = {
    "id": _l("Record"),
    "entity": _l("Kind of record"),
    "args": _l("Change"),
    "set": _l("Changes"),
    "base": _l("Versions seen"),
    "snapshot": _l("Signed content"),
    "signatures": _l("Signatures"),
    "contentHash": _l("Content hash"),
    "deviceTime": _l("Device time"),
    "eligibility": _l("Eligibility"),
}

_PERSON = {"customer_id": _l("Customer"), "consultant_id": _l("Consultant"), "notes": _l("Notes")}

FIELD_LABELS = {
    "customer": {
        "name": _l("Name"),
        "phone": _l("Mobile"),
        "grade": _l("Grade"),
        "source": _l("Source"),
        "owner_id": _l("Consultant"),
        "notes": _l("Notes"),
    },
    "series": {"name": _l("Series name"), "brand": _l("Brand"), "sort_order": _l("Sort order")},
    "trim": {
        "series_id": _l("Series"),
        "name": _l("Trim name"),
        "model_year": _l("Model year"),
        "powertrain": _l("Powertrain"),
        "msrp_yuan": _l("MSRP (yuan)"),
    },
    "colour": {
        "series_id": _l("Series"),
        "name": _l("Colour name"),
        "hex": _l("Swatch"),
        "extra_yuan": _l("Paint premium (yuan)"),
    },
    "vehicle": {
        "vin": _l("VIN"),
        "trim_id": _l("Trim"),
        "colour_id": _l("Colour"),
        "stock_status": _l("Stock status"),
        "is_test_drive": _l("Test-drive fleet"),
        "odometer_km": _l("Odometer (km)"),
        "plate": _l("Plate"),
    },
    "delivery": {
        "customer_id": _l("Customer"),
        "customer_name": _l("Customer name"),
        "vehicle_id": _l("Vehicle"),
        "vin": _l("VIN"),
        "vehicle_description": _l("Vehicle description"),
        "template_id": _l("Checklist"),
        "items": _l("Inspection results"),
        "accessories": _l("Accessories"),
        "documents": _l("Documents handed over"),
        "keys_count": _l("Keys handed over"),
        "odometer_km": _l("Odometer (km)"),
        "explained_maintenance": _l("Maintenance and warranty explained"),
        "explained_operation": _l("Operation explained"),
        "we_owe": _l("Still owed to the customer"),
        "consent_version": _l("Confirmation text version"),
        "consent_accepted": _l("Customer's confirmation"),
        "notes": _l("Notes"),
    },
    "follow_up": {
        "customer_id": _l("Customer"),
        "owner_id": _l("Consultant"),
        "kind": _l("Kind"),
        "source_id": _l("Delivery inspection"),
        "due_date": _l("Due date"),
        "done_at": _l("Followed up at"),
        "result": _l("Follow-up result"),
        "notes": _l("Notes"),
    },
    "grade_change": {
        "customer_id": _l("Customer"),
        "from_grade": _l("Grade before"),
        "to_grade": _l("New grade"),
        "reason": _l("Why"),
        "needs_analysis_id": _l("Needs analysis"),
        "note": _l("Notes"),
        "changed_by": _l("Changed by"),
        "changed_by_name": _l("Changed by"),
        "changed_at": _l("Changed at"),
    },
    "needs_analysis": {
        **_PERSON,
        "series_id": _l("Model"),
        "usage": _l("Usage"),
        "users": _l("Who will drive it"),
        "decision_maker": _l("Decision maker"),
        "budget_min": _l("Budget from (10k yuan)"),
        "budget_max": _l("Budget up to (10k yuan)"),
        "payment": _l("Payment"),
        "current_car": _l("Current car"),
        "trade_in": _l("Trade in the current car"),
        "competitors": _l("Competitor models"),
        "focus_topics": _l("What matters most"),
        "timeline": _l("When to buy"),
        "suggested_grade": _l("Suggested grade"),
        "grade": _l("Confirmed grade"),
        "answered_at": _l("Asked at"),
    },
    "walkaround": {
        **_PERSON,
        "presentation_id": _l("Walk-around content"),
        "needs_analysis_id": _l("Needs analysis"),
        "trim_id": _l("Trim"),
        "started_at": _l("Start time"),
        "finished_at": _l("End time"),
        "current_position": _l("Position"),
        "positions": _l("Positions"),
        "brochure_given": _l("Brochure given"),
        "test_drive_invited": _l("Test drive offered"),
        "status": _l("Status"),
    },
    "demo_car": {
        "vehicle_id": _l("Vehicle"),
        "plate": _l("Plate"),
        "vin": _l("VIN"),
        "trim_id": _l("Trim"),
        "description": _l("Description"),
        "colour": _l("Colour"),
        "transmission": _l("Transmission"),
        "energy": _l("Energy"),
        "status": _l("Status"),
        "keys": _l("Keys"),
        "odometer_km": _l("Odometer (km)"),
        "current_drive_id": _l("Drive in progress"),
        "out_since": _l("Out since"),
        "out_by": _l("Taken out by"),
        "insurance_until": _l("Insured until"),
        "notes": _l("Notes"),
    },
    "test_drive": {
        **_PERSON,
        "customer_name": _l("Customer name"),
        "driver_is_customer": _l("The customer drives"),
        "driver_name": _l("Driver name"),
        "driver_phone": _l("Driver's mobile"),
        "escort_id": _l("Escort"),
        "demo_car_id": _l("Test-drive car"),
        "route_id": _l("Route"),
        "kind": _l("Kind"),
        "checked_at": _l("Eligibility checked at"),
        "has_licence": _l("The driver shows a driving licence"),
        "licence_document_type": _l("Licence document"),
        "licence_masked": _l("Licence number"),
        "licence_verified": _l("Licence checked"),
        "licence_class": _l("Licence class (准驾车型)"),
        "vehicle_class": _l("Licence class the car needs"),
        "licence_valid_to": _l("Valid until"),
        "licence_first_issued": _l("First issued (初次领证日期)"),
        "driver_age": _l("Driver's age"),
        "escort_present": _l("Escort riding along"),
        "eligibility_reasons": _l("Eligibility"),
        "outcome": _l("Test drive outcome"),
        "refusal_reasons": _l("Refusal reasons"),
        "refusal_note": _l("Note on the refusal"),
        "agreement_template_id": _l("Agreement"),
        "agreement_version": _l("Agreement version"),
        "agreement_accepted": _l("Agreement accepted"),
    },
    "test_drive_log": {
        "test_drive_id": _l("Test drive"),
        "demo_car_id": _l("Test-drive car"),
        "route_id": _l("Route"),
        "start_at": _l("Start of the drive"),
        "start_odometer_km": _l("Odometer at the start"),
        "start_fuel_pct": _l("Fuel at the start (%)"),
        "start_charge_pct": _l("Charge at the start (%)"),
        "damage_before": _l("Damage already on the car"),
        "end_at": _l("Returned at"),
        "end_odometer_km": _l("Odometer at return"),
        "end_fuel_pct": _l("Fuel at return (%)"),
        "end_charge_pct": _l("Charge at return (%)"),
        "damage_after": _l("Damage at return"),
        "incidents": _l("Incidents"),
        "feedback": _l("Feedback of the customer"),
        "notes": _l("Notes"),
    },
    "licence_photo": {
        "test_drive_id": _l("Test drive"),
        "photo": _l("Photo of the licence"),
        "consent": _l("Separate consent to the photo"),
        "consent_version": _l("Consent text version"),
        "taken_at": _l("Photo taken at"),
    },
}


def entity_label(entity: object) -> str:
    """What people call an entity ("A record" for one it has no name for)."""
    label = ENTITY_LABELS.get(entity) if isinstance(entity, str) else None
    return str(label if label is not None else _l("A record"))


def field_label(entity: object, field: object) -> str:
    """The label of `field` of `entity`, in the request's language: a nested error's path (`items.A01`) is named by
    its field, the tombstone of an edit-vs-delete conflict is "Deleted", the protocol's own parts by COMMON_LABELS,
    and anything else "Another field" — never a code."""
    if field == DELETED:
        return str(_l("Deleted"))
    head = str(field).split(".", 1)[0]
    own = FIELD_LABELS.get(entity, {}) if isinstance(entity, str) else {}
    label = own.get(head) or COMMON_LABELS.get(head)
    return str(label if label is not None else _l("Another field"))
