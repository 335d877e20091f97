"""Vocabularies of the needs analysis (进店五问) and the six-position walk-around (六方位绕车介绍).

Kept beside `domain.py` rather than in it so that two features do not edit one file. Codes are stable (they go
over the wire, into the database and into the tablet's JavaScript); labels go through gettext.
Sources: `shared/domain.md` §1 steps 3–4, §2.2 (positions, FAB), §2.3 (rubric), §5.1 (grades).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The six positions (domain.md §2.2) with their default titles and where the customer stands.
POSITIONS = {
    "front_left": (_l("Front-left, 45°"), _l("2-3 m from the front corner")),
    "front": (_l("Front / engine bay"), _l("In front of the open hood")),
    "side": (_l("Side"), _l("Along the side of the car")),
    "rear": (_l("Rear"), _l("Behind the car")),
    "rear_seat": (_l("Rear seat"), _l("Inside, rear: the customer sits in")),
    "driver_seat": (_l("Driver's seat"), _l("Inside, driver: the customer sits in")),
}
#: Titles and standing hints a new presentation starts with (content data, edited per series in the office).
DEFAULT_POSITION_TEXT = {
    "front_left": (
        {"zh_CN": "左前方 45°", "en": "Front-left, 45°"},
        {"zh_CN": "距车头角 2-3 米", "en": "2-3 m from the front corner"},
    ),
    "front": (
        {"zh_CN": "正前方 / 发动机舱", "en": "Front / engine bay"},
        {"zh_CN": "打开机舱盖，站在车头前", "en": "In front of the open hood"},
    ),
    "side": ({"zh_CN": "车侧方", "en": "Side"}, {"zh_CN": "沿乘客侧车身", "en": "Along the passenger side"}),
    "rear": ({"zh_CN": "车后方", "en": "Rear"}, {"zh_CN": "车尾后方", "en": "Behind the car"}),
    "rear_seat": (
        {"zh_CN": "后排座", "en": "Rear seat"},
        {"zh_CN": "请客户坐进后排", "en": "The customer sits in the rear"},
    ),
    "driver_seat": (
        {"zh_CN": "驾驶座", "en": "Driver's seat"},
        {"zh_CN": "请客户坐进驾驶座，顾问在副驾或车门旁", "en": "The customer sits in the driver's seat"},
    ),
}
#: Variant A (the most common Chinese ordering) is the default; variant B is the Toyota-style one.
ORDER_VARIANTS = {
    "A": ("front_left", "front", "side", "rear", "rear_seat", "driver_seat"),
    "B": ("front_left", "driver_seat", "rear_seat", "rear", "side", "front"),
}
DEFAULT_ORDER = ORDER_VARIANTS["A"]
#: Positions where the customer sits in the car (the "sat in" tick applies there).
SEAT_POSITIONS = ("rear_seat", "driver_seat")

#: What a talking point is about; the needs analysis records the customer's focus with the same codes.
TOPICS = {
    "safety": _l("Safety"),
    "space": _l("Space"),
    "economy": _l("Economy"),
    "technology": _l("Technology"),
    "comfort": _l("Comfort"),
    "performance": _l("Performance"),
    "design": _l("Design"),
    "value": _l("Value for money"),
}

USAGES = {
    "commute": _l("Commuting"),
    "family": _l("Family"),
    "business": _l("Business"),
    "long_trips": _l("Long trips"),
    "leisure": _l("Leisure and outings"),
    "other": _l("Other use"),
}
DECISION_MAKERS = {
    "self": _l("The customer decides"),
    "joint": _l("Decides together with family"),
    "other": _l("Someone else decides"),
    "unknown": _l("Not known yet"),
}
PAYMENTS = {
    "cash": _l("Full payment"),
    "loan": _l("Loan"),
    "lease": _l("Lease"),
    "undecided": _l("Undecided"),
}
TIMELINES = {
    "7d": _l("Within 7 days"),
    "15d": _l("Within 15 days"),
    "30d": _l("Within 30 days"),
    "90d": _l("Within 3 months"),
    "later": _l("Later than 3 months"),
    "unknown": _l("Not known yet"),
}
#: The grades a needs analysis may suggest or confirm (domain.md §5.1: O, D, L, X come from other events).
NEEDS_GRADES = ("N", "H", "A", "B", "C")

#: The presentation review rubric (domain.md §2.3): 12 items, each scored 0, 1 or 2.
RUBRIC = {
    "needs_first": _l("Walk-around preceded by needs analysis"),
    "positions": _l("All six positions covered, in the brand's sequence"),
    "timing": _l("About 1-3 minutes per position, 10-20 minutes in all"),
    "fab": _l("FAB used: a benefit tied to a stated need at each position"),
    "involvement": _l("Customer invited to touch, open and sit in"),
    "objections": _l("Objections handled without disparaging competitors"),
    "evidence": _l("Tablet, brochure or configurator used as evidence"),
    "trial_close": _l("Checked understanding and interest (trial close)"),
    "test_drive": _l("Invited a test drive at the end"),
    "contact": _l("Captured contact details or WeChat"),
    "no_false_promises": _l("No false promises"),
    "etiquette": _l("Professional etiquette"),
}
RUBRIC_MAX = 2 * len(RUBRIC)
