"""Handover schemas: the delivery record as the tablet edits it, and the checklist template as data."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..vocabularies.visits import FOLLOW_UP_METHODS
from .fields import REQUIRED, BlobRef, Moment, Trimmed, choice, integer, text

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error=_l("Not a valid photo reference."))
DATE = validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error=_l("Use a date like 2026-12-31."))
RESULTS = ("ok", "defect", "na")
ITEM_CODE = "The code of the checklist item this entry concerns (e.g. B07), or absent."
LEGACY_DOCUMENTS = (
    "The old shape: a second list of the documents handed over. They are the checklist's items (group A of the "
    "delivery template); tablets no longer send this field and new records leave it out. Accepted so that records "
    "made and signed before keep their shape."
)
DONE_AT = validate.Regexp(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*)?$", error=_l("Use a date and time like 2026-12-31T14:30.")
)

#: The old shape's documents handed over (domain.md §4.2 A), still printed for records that hold them; since then
#: the checklist's group A is their only record. Codes go over the wire, labels through gettext.
HANDOVER_DOCUMENTS = {
    "invoice": _l("Vehicle sales invoice"),
    "certificate": _l("Certificate of conformity (合格证)"),
    "coc": _l("CoC (一致性证书)"),
    "warranty": _l("Three-guarantees certificate (三包凭证)"),
    "maintenance_booklet": _l("Warranty and maintenance booklet"),
    "manual": _l("Owner's manual"),
    "contract": _l("Contract copy"),
    "settlement": _l("Settlement and receipts"),
    "insurance": _l("Insurance policies"),
    "purchase_tax": _l("Purchase tax proof"),
    "registration": _l("Driving permit and plates"),
    "loan": _l("Loan documents"),
}


def photos(maximum: int = 10) -> fields.List:
    """A list of photo references (SHA-256 of the JPEG blobs)."""
    return fields.List(
        BlobRef(validate=SHA256),
        load_default=list,
        validate=validate.Length(max=maximum, error=_l("At most {max} photos.")),
    )


class ItemResultSchema(Schema):
    """One checklist item: ✓ ok / ✗ defect / N.A., a note, photos — at least one photo on a defect."""

    result = choice(RESULTS, required=True)
    note = text(500, required=False, load_default="")
    photos = photos()

    @validates_schema
    def _photo_on_defect(self, data, **_kw):
        if data.get("result") == "defect" and not data.get("photos"):
            raise ValidationError(_l("Take a photo of the defect."), "photos")


class AccessorySchema(Trimmed, Schema):
    """An accessory promised in the contract, verified installed (with a photo)."""

    name = text(80)
    installed = fields.Boolean(load_default=False)
    photos = photos(4)


class WeOweSchema(Trimmed, Schema):
    """Something still owed to the customer (待交付事项), with a due date and, optionally, the checklist item it
    concerns: that item then needs no mark of its own, and may not be ticked ✓ or N.A. (workflow/handover_rules.py).
    An entry without `item_code` (all of them before it existed) names no item."""

    text = text(200)
    due_date = fields.String(allow_none=True, load_default=None, validate=DATE)
    # No load_default: an entry stored without it must load unchanged, or a record drafted before it existed
    # would differ from its own snapshot at the seal.
    item_code = fields.String(allow_none=True, validate=validate.Length(max=16), metadata={"description": ITEM_CODE})


class DeliverySchema(Trimmed, Schema):
    """The delivery inspection record (交车检验表) as the tablet fills it in."""

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    customer_name = text(80)
    vehicle_id = fields.String(required=True, error_messages=REQUIRED)
    vin = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.Regexp(r"^[A-HJ-NPR-Z0-9]{17}$", error=_l("A VIN has 17 letters and digits.")),
    )
    vehicle_description = text(200, required=False, load_default="")
    template_id = fields.String(required=True, error_messages=REQUIRED)
    items = fields.Dict(keys=fields.String(), values=fields.Nested(ItemResultSchema), load_default=dict)
    accessories = fields.List(fields.Nested(AccessorySchema), load_default=list)
    documents = fields.List(
        choice(HANDOVER_DOCUMENTS), load_default=list, metadata={"description": LEGACY_DOCUMENTS, "deprecated": True}
    )
    keys_count = integer(0, 10, load_default=0)
    odometer_km = integer(0, 100_000, load_default=0)
    explained_maintenance = fields.Boolean(load_default=False)
    explained_operation = fields.Boolean(load_default=False)
    we_owe = fields.List(fields.Nested(WeOweSchema), load_default=list)
    consent_version = text(32, required=False, load_default="")
    consent_accepted = fields.Boolean(load_default=False)
    notes = text(2000, required=False, load_default="")


class ChecklistTemplateSchema(Schema):
    """A checklist template file (server/documents/checklists/*.json); adding one needs no code."""

    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]{2,32}$"))
    template_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    groups = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))
    consent = fields.Dict(required=True)

    @validates_schema
    def _items_have_codes_and_labels(self, data, **_kw):
        codes = []
        for group in data.get("groups", []):
            for item in group.get("items", []):
                if not isinstance(item.get("code"), str) or not isinstance(item.get("label"), dict):
                    raise ValidationError("every item needs a code and a label", "groups")
                codes.append(item["code"])
        if len(codes) != len(set(codes)):
            raise ValidationError("item codes must be unique", "groups")


class FollowUpSchema(Trimmed, Schema):
    """A follow-up task; the consultant marks it done with a result and notes."""

    customer_id = fields.String(required=True, error_messages=REQUIRED)
    owner_id = fields.Integer(allow_none=True, load_default=None, strict=True)
    kind = choice(("post_delivery", "prospect"), load_default="post_delivery")
    source_id = fields.String(allow_none=True, load_default=None)
    due_date = fields.String(required=True, validate=DATE, error_messages=REQUIRED)
    done_at = Moment(allow_none=True, load_default=None, validate=DONE_AT)
    method = choice(("", *FOLLOW_UP_METHODS), load_default="")
    result = choice(("", "reached", "no_answer", "wrong_number", "closed"), load_default="")
    notes = text(2000, required=False, load_default="")


class WeOweRecordSchema(Schema):
    """A tracked we-owe item as tablets see it (read-only there; the office closes it)."""

    delivery_id = fields.String()
    customer_id = fields.String()
    text = fields.String()
    due_date = fields.String(allow_none=True)
    item_code = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)
    closed_by = fields.Integer(allow_none=True)


class DocumentSchema(Schema):
    """A signed record's document (SYNC_PROTOCOL.md, Signing)."""

    entity = fields.String()
    record_id = fields.String()
    contentHash = fields.String()  # noqa: N815 - the contract's field name
    state = fields.String()
    divergent = fields.Boolean()
    pdf_sha256 = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


class TemplateRecordSchema(Schema):
    """A checklist template as tablets receive it."""

    key = fields.String()
    template_version = fields.Integer()
    title = fields.Dict()
    groups = fields.List(fields.Dict())
    consent = fields.Dict()
