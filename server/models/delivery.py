"""Vehicle handover: checklist templates as data, the delivery record, what is still owed, follow-ups,
and the sealed documents rendered from signed records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import AwaitsBlobs, SyncMixin


class ChecklistTemplate(SyncMixin, db.Model):
    """A versioned checklist (e.g. the 74-item 交车检验表). A record keeps the template id it was made with,
    so an old record renders the same forever; a new version is a new row."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("store_id", "key", "template_version"),)
    SYNC_FIELDS = ("key", "template_version", "title", "groups", "consent")

    key: Mapped[str] = mapped_column(String(32))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)  # {"zh_CN": …, "en": …}
    groups: Mapped[list] = mapped_column(JSON)  # [{code, title{…}, items: [{code, label{…}, when?}]}]
    consent: Mapped[dict] = mapped_column(JSON)  # {"version": …, "text": {"zh_CN": …, "en": …}}

    def item_codes(self, powertrain: str | None = None) -> list[str]:
        """Codes of the items that apply to a vehicle with this powertrain (all when None)."""
        return [
            item["code"]
            for group in self.groups
            for item in group["items"]
            if powertrain is None or _applies(item, powertrain)
        ]


def _applies(item: dict, powertrain: str) -> bool:
    when = item.get("when")
    return not when or powertrain in when.get("powertrain", [powertrain])


class Delivery(AwaitsBlobs, SyncMixin, db.Model):
    """The delivery inspection with the customer; signed by customer and consultant, then sealed."""

    SYNC_FIELDS = (
        "customer_id",
        "customer_name",
        "vehicle_id",
        "vin",
        "vehicle_description",
        "template_id",
        "items",
        "accessories",
        "documents",
        "keys_count",
        "odometer_km",
        "explained_maintenance",
        "explained_operation",
        "we_owe",
        "consent_version",
        "consent_accepted",
        "notes",
    )

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    #: As the customer saw it when signing (the snapshot must render the same forever).
    customer_name: Mapped[str] = mapped_column(String(80), default="")
    vehicle_id: Mapped[str] = mapped_column(ForeignKey("vehicle.id"))
    vin: Mapped[str] = mapped_column(String(17))
    vehicle_description: Mapped[str] = mapped_column(String(200), default="")
    template_id: Mapped[str] = mapped_column(ForeignKey("checklist_template.id"))
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    accessories: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    keys_count: Mapped[int] = mapped_column(Integer, default=0)
    odometer_km: Mapped[int] = mapped_column(Integer, default=0)
    explained_maintenance: Mapped[bool] = mapped_column(Boolean, default=False)
    explained_operation: Mapped[bool] = mapped_column(Boolean, default=False)
    we_owe: Mapped[list] = mapped_column(JSON, default=list)
    consent_version: Mapped[str] = mapped_column(String(32), default="")
    consent_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Set by the `sign` mutator; a database trigger refuses any later change to a sealed row.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)


class Document(SyncMixin, db.Model):
    """The signed snapshot of a record (the legal record, stored verbatim) and its sealed PDF."""

    __table_args__ = (UniqueConstraint("entity", "record_id", "contentHash"),)
    SYNC_FIELDS = ("entity", "record_id", "contentHash", "state", "divergent", "pdf_sha256", "error")

    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    contentHash: Mapped[str] = mapped_column(String(64))  # noqa: N815 - the contract's field name
    state: Mapped[str] = mapped_column(String(16), default="pending")
    divergent: Mapped[bool] = mapped_column(Boolean, default=False)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict] = mapped_column(JSON)
    signatures: Mapped[list] = mapped_column(JSON)
    signed_at: Mapped[str] = mapped_column(String(40))  # the device's clock, shown, not trusted
    signed_by: Mapped[int] = mapped_column(ForeignKey("user.id"))
    client_group_id: Mapped[str | None] = mapped_column(String(36))
    events: Mapped[list] = mapped_column(JSON, default=list)  # [{"at", "event", "by"}] creation → seal


class WeOwe(SyncMixin, db.Model):
    """Something still owed to the customer at handover (待交付事项), tracked until handed over (closed)."""

    __tablename__ = "we_owe"
    SYNC_FIELDS = ("delivery_id", "customer_id", "text", "due_date", "item_code", "closed_at", "closed_by")

    delivery_id: Mapped[str] = mapped_column(ForeignKey("delivery.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"))
    text: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[str | None] = mapped_column(String(10))
    #: The checklist item it concerns (e.g. B07), when the entry named one.
    item_code: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[str | None] = mapped_column(String(40))
    closed_by: Mapped[int | None] = mapped_column(Integer)


class FollowUp(SyncMixin, db.Model):
    """A follow-up call the consultant owes a customer (e.g. 1, 3, 7 and 30 days after handover)."""

    __tablename__ = "follow_up"
    SYNC_FIELDS = ("customer_id", "owner_id", "kind", "source_id", "due_date", "done_at", "method", "result", "notes")

    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str | None] = mapped_column(String(36))
    due_date: Mapped[str] = mapped_column(String(10))
    done_at: Mapped[str | None] = mapped_column(String(40))
    #: how the customer was contacted (vocabularies/visits.py FOLLOW_UP_METHODS); a reached phone call keeps the
    #: customer with its owner under the attribution rule
    method: Mapped[str] = mapped_column(String(16), default="")
    result: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
