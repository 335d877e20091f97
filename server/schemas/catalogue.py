"""Catalogue schemas: series, trims with MSRP, colours."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ..vocabularies.catalogue import POWERTRAINS, STOCK_STATUSES
from .fields import REQUIRED, Trimmed, choice, integer, text


class SeriesSchema(Trimmed, Schema):
    """A series (车系)."""

    name = text(80)
    brand = text(80, required=False)  # no default: a form without the field must not blank the brand
    sort_order = integer(0, 999, load_default=0)


class TrimSchema(Trimmed, Schema):
    """A trim (车型/配置) with its MSRP in whole yuan."""

    series_id = fields.String(required=True, error_messages=REQUIRED)
    name = text(120)
    model_year = integer(2000, 2100, required=True)
    powertrain = choice(POWERTRAINS, required=True)
    msrp_yuan = integer(1, 99_999_999, required=True)


class ColourSchema(Trimmed, Schema):
    """An exterior colour of a series."""

    series_id = fields.String(required=True, error_messages=REQUIRED)
    name = text(60)
    hex = fields.String(
        required=True,
        error_messages=REQUIRED,
        validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$", error=_l("Use a colour like #1a2b3c.")),
    )
    extra_yuan = integer(0, 999_999, load_default=0)


class VehicleSchema(Trimmed, Schema):
    """A vehicle of the store, by VIN (read-only on tablets)."""

    vin = fields.String(required=True, validate=validate.Regexp(r"^[A-HJ-NPR-Z0-9]{17}$"))
    trim_id = fields.String(required=True)
    colour_id = fields.String(required=True)
    stock_status = choice(STOCK_STATUSES, required=True)
    is_test_drive = fields.Boolean(load_default=False)
    odometer_km = integer(0, 9_999_999, load_default=0)
    plate = text(16, required=False, load_default="")
