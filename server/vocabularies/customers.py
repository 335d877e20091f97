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
