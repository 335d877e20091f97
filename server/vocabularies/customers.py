"""Customer vocabularies: lead sources (domain.md §5.5). Grades are in grades.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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

#: Why a deal was lost (战败, domain.md §5.6): category → {reason code → label}. A `lost_request`'s `reason` is
#: "<category>.<reason>"; `COMPETITOR_CATEGORIES` name a competitor.
LOST_CATEGORIES = {
    "other_brand": _l("Lost to another brand"),
    "same_brand": _l("Lost to the same brand elsewhere"),
    "cancelled": _l("Customer cancelled the plan"),
    "unreachable": _l("Customer unreachable"),
    "no_intent": _l("No real intent (DCC)"),
}
LOST_REASONS = {
    "other_brand.price": _l("Low value for money"),
    "other_brand.exterior": _l("Exterior or colour"),
    "other_brand.resale": _l("Low resale value"),
    "other_brand.reliability": _l("Reliability"),
    "other_brand.power": _l("Fuel use or power"),
    "other_brand.comfort": _l("Handling or comfort"),
    "other_brand.service": _l("After-sales cost or service"),
    "other_brand.finance": _l("Finance support"),
    "other_brand.wait": _l("Long delivery wait"),
    "other_brand.brand": _l("Brand preference or reputation"),
    "other_brand.other": _l("Other reason"),
    "same_brand.used": _l("Bought used"),
    "same_brand.discount": _l("Smaller discount than elsewhere"),
    "same_brand.stock": _l("Model or stock not available"),
    "same_brand.finance": _l("Finance support"),
    "same_brand.wait": _l("Long delivery wait"),
    "cancelled.plate": _l("Cannot get a plate"),
    "cancelled.funds": _l("Not enough funds"),
    "cancelled.moving": _l("Moving away"),
    "cancelled.postponed": _l("Postponed"),
    "cancelled.other": _l("Other reason"),
    "unreachable.unreachable": _l("Cannot be reached"),
    "no_intent.wrong_number": _l("Wrong number"),
    "no_intent.no_answer": _l("Repeatedly unanswered"),
    "no_intent.no_intent": _l("No intent to buy"),
    "no_intent.bought": _l("Already bought"),
    "no_intent.out_of_area": _l("Out of area"),
}
COMPETITOR_CATEGORIES = frozenset({"other_brand", "same_brand"})
LOST_STATES = {"pending": _l("Waiting for the manager"), "approved": _l("Approved"), "rejected": _l("Rejected")}
