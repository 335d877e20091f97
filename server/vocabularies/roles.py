"""Staff roles (DESIGN.md): codes are stable (sessions, tokens, the database); labels go through gettext."""

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
