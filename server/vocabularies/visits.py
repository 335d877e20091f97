"""The showroom traffic log's vocabularies (domain.md §5.4): how a visitor came, why, what happened, and why a
customer changed owner."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: 来访方式: walked in, phoned in, came on an appointment.
VISIT_KINDS = {
    "walk_in": _l("Walk-in"),
    "call_in": _l("Phone-in"),
    "invited": _l("Invited (appointment)"),
}

#: 来店目的. Only `new_car` is sales traffic: the rest is kept out of the funnel's figures.
VISIT_PURPOSES = {
    "new_car": _l("New car enquiry"),
    "pickup": _l("Collecting a car"),
    "payment": _l("Payment or paperwork"),
    "after_sales": _l("After-sales"),
    "other": _l("Other"),
}
SALES_PURPOSES = frozenset({"new_car"})

#: 经过情形: what happened during the visit.
VISIT_OUTCOMES = {
    "needs_analysis": _l("Needs analysis"),
    "walkaround": _l("Walk-around"),
    "test_drive": _l("Test drive"),
    "quote": _l("Quote"),
    "order": _l("Order"),
}

#: Why a customer has the owner it has (an `ownership_change`'s reason): the rule's reasons
#: (workflow/attribution.py RULE_REASONS) and the office's own.
OWNERSHIP_REASONS = {
    "first_reception": _l("First received"),
    "appointment": _l("Came on this consultant's appointment"),
    "customer_choice": _l("The customer chose (sales policy)"),
    "requested_owner": _l("The customer asked for the owner"),
    "same_consultant": _l("Received by the owner"),
    "within_week": _l("Back within a week"),
    "owner_called": _l("The owner phoned in between"),
    "week_rule": _l("Back after more than a week with no call from the owner"),
    "made_by": _l("Made by this consultant"),
    "manager": _l("Reassigned by the manager"),
}

#: How a follow-up reached (or tried to reach) the customer (domain.md §5.2).
FOLLOW_UP_METHODS = {
    "phone": _l("Phone call"),
    "wechat": _l("WeChat"),
    "sms": _l("Text message"),
    "visit": _l("In the showroom"),
    "home": _l("Home visit"),
}
