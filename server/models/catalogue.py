"""The vehicle catalogue (series → trims with MSRP, colours per series) and the store's vehicles."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabularies.catalogue import POWERTRAINS, STOCK_STATUSES
from .base import SyncMixin


def _in(column: str, values) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=column)


class Series(SyncMixin, db.Model):
    """A model line the store sells (车系), e.g. 星途 L7."""

    SYNC_FIELDS = ("name", "brand", "sort_order")

    name: Mapped[str] = mapped_column(String(80))
    brand: Mapped[str] = mapped_column(String(80), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    trims: Mapped[list[Trim]] = relationship(back_populates="series", order_by="Trim.msrp_yuan")
    colours: Mapped[list[Colour]] = relationship(back_populates="series", order_by="Colour.name")


class Trim(SyncMixin, db.Model):
    """A model/trim (车型/配置) of a series with its manufacturer's guide price in yuan."""

    __table_args__ = (_in("powertrain", POWERTRAINS), CheckConstraint("msrp_yuan > 0", name="msrp_positive"))
    SYNC_FIELDS = ("series_id", "name", "model_year", "powertrain", "msrp_yuan")

    series_id: Mapped[str] = mapped_column(ForeignKey("series.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    model_year: Mapped[int] = mapped_column(Integer)
    powertrain: Mapped[str] = mapped_column(String(8), default="ice")
    msrp_yuan: Mapped[int] = mapped_column(Integer)

    series: Mapped[Series] = relationship(back_populates="trims")


class Colour(SyncMixin, db.Model):
    """An exterior colour offered for a series, with its swatch and any paint premium."""

    SYNC_FIELDS = ("series_id", "name", "hex", "extra_yuan")

    series_id: Mapped[str] = mapped_column(ForeignKey("series.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    hex: Mapped[str] = mapped_column(String(7), default="#cccccc")
    extra_yuan: Mapped[int] = mapped_column(Integer, default=0)

    series: Mapped[Series] = relationship(back_populates="colours")


class Vehicle(SyncMixin, db.Model):
    """A physical car of the store, by VIN: stock, or one of the test-drive fleet."""

    __table_args__ = (
        UniqueConstraint("store_id", "vin"),
        _in("stock_status", STOCK_STATUSES),
        CheckConstraint("odometer_km >= 0", name="odometer_nonnegative"),
    )
    SYNC_FIELDS = ("vin", "trim_id", "colour_id", "stock_status", "is_test_drive", "odometer_km", "plate")

    vin: Mapped[str] = mapped_column(String(17))
    trim_id: Mapped[str] = mapped_column(ForeignKey("trim.id"), index=True)
    colour_id: Mapped[str] = mapped_column(ForeignKey("colour.id"))
    stock_status: Mapped[str] = mapped_column(String(16), default="in_stock")
    is_test_drive: Mapped[bool] = mapped_column(Boolean, default=False)
    odometer_km: Mapped[int] = mapped_column(Integer, default=0)
    plate: Mapped[str] = mapped_column(String(16), default="")

    trim: Mapped[Trim] = relationship()
    colour: Mapped[Colour] = relationship()
