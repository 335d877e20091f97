"""The dealership's vocabularies: roles, customer grades, lead sources, stock states.

Codes are stable (they go over the wire and into the database); labels go through gettext.
Sources: `shared/domain.md` §5.1 (grades), §5.5 (lead sources), DESIGN.md (roles).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "receptionist": _l("Receptionist"),
    "consultant": _l("Sales consultant"),
    "escort": _l("Test-drive escort"),
    "account_manager": _l("Account manager"),
    "manager": _l("Sales manager"),
    "back_office": _l("Back office"),
    "admin": _l("Administrator"),
}
#: Roles whose daily work is on the tablet, often offline.
TABLET_ROLES = ("consultant", "escort")
#: Roles who work in the office pages.
OFFICE_ROLES = ("receptionist", "account_manager", "manager", "back_office", "admin")
#: Roles who review what synced: conflicts, rejected changes, deliveries and their documents.
REVIEW_ROLES = ("account_manager", "manager", "back_office", "admin")

#: Intention grades (domain.md §5.1, recommended enum) with the default follow-up interval in days.
GRADES = {
    "N": (_l("New lead, not graded"), 1),
    "H": (_l("Hot: order within 7 days"), 2),
    "A": (_l("Order likely within 15 days"), 3),
    "B": (_l("Order within 30 days"), 7),
    "C": (_l("Order in 1-3 months"), 15),
    "O": (_l("Ordered, awaiting delivery"), 3),
    "D": (_l("Delivered owner"), None),
    "L": (_l("Lost (defeated)"), None),
    "X": (_l("Invalid"), None),
}

#: Lead sources (domain.md §5.5), first level of the channel dictionary.
LEAD_SOURCES = {
    "walk_in": _l("Walk-in"),
    "phone_in": _l("Phone-in"),
    "online": _l("Online lead (DCC)"),
    "oem": _l("Manufacturer lead"),
    "auto_media": _l("Auto media (Autohome, Dongchedi, Yiche)"),
    "social": _l("Short video and social (Douyin, WeChat)"),
    "search": _l("Search engine"),
    "advertising": _l("Print, radio, TV, outdoor ads"),
    "auto_show": _l("Auto show"),
    "roadshow": _l("Roadshow and outbound prospecting"),
    "referral": _l("Existing-customer referral"),
    "acquaintance": _l("Acquaintance referral"),
    "owner_repurchase": _l("Trade-in or repurchase by owner"),
    "fleet": _l("Fleet / key account"),
    "event": _l("Showroom event"),
}

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


def mask_phone(phone: str | None) -> str:
    """Mask a mobile number for lists and screens: first 3 and last 4 digits (domain.md §8.5)."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname only: 张三丰 → 张**."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
