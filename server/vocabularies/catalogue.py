"""Catalogue vocabularies: stock states and powertrains."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STOCK_STATUSES = {
    "in_transit": _l("In transit"),
    "in_stock": _l("In stock"),
    "reserved": _l("Reserved"),
    "sold": _l("Sold"),
    "delivered": _l("Delivered"),
}

POWERTRAINS = {
    "ice": _l("Petrol"),
    "hev": _l("Hybrid"),
    "phev": _l("Plug-in hybrid"),
    "bev": _l("Battery electric"),
}
