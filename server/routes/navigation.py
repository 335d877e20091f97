"""The office navigation: a few sections in the top bar, each section's pages as tabs under it.

One list, so the top bar stays one line at 1280 px in both languages however many pages the office grows: a new
page joins a section here, not the top bar. A link is shown only when the request policy lets the signed-in role
open it, so the navigation can never offer a page that answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..policy import rule_for


@dataclass(frozen=True)
class Page:
    """One tab: its label, the endpoint it links to, and the endpoints (by prefix) that count as being on it."""

    label: object
    endpoint: str
    match: tuple[str, ...] = ()

    def is_current(self, endpoint: str) -> bool:
        return endpoint.startswith(self.match or (self.endpoint,))


@dataclass(frozen=True)
class Section:
    """One top-bar entry; it links to its first page the role may open."""

    label: object
    pages: tuple[Page, ...]


FLEET_PAGES = ("test_drives.fleet", "test_drives.edit_car", "test_drives.add_car")
USER_PAGES = ("office.users", "office.edit_user", "office.create_user")

SECTIONS: tuple[Section, ...] = (
    Section(_l("Home"), (Page(_l("Home"), "office.home"),)),
    Section(
        _l("Customers"),
        (
            Page(_l("Reception"), "reception.today", ("reception.today", "reception.log_visit", "reception.left")),
            Page(_l("Visit log"), "reception.log"),
            Page(_l("Lost deals"), "sales.lost_requests"),
            Page(_l("Customers"), "office.customers", ("office.customers", "walkaround.customer_file")),
        ),
    ),
    Section(
        _l("Test drives"),
        (
            Page(_l("Today and fleet"), "test_drives.board"),
            Page(_l("Reports"), "test_drives.reports"),
            Page(
                _l("Fleet"), "test_drives.fleet", ("test_drives.fleet", "test_drives.edit_car", "test_drives.add_car")
            ),
            Page(_l("Routes"), "test_drives.routes", ("test_drives.routes", "test_drives.add_route")),
            Page(_l("Eligibility rules"), "test_drives.rules"),
        ),
    ),
    Section(
        _l("Walk-arounds"),
        (
            Page(_l("Walk-arounds"), "walkaround.sessions", ("walkaround.session",)),
            Page(_l("Walk-around content"), "presentations.index", ("presentations.",)),
        ),
    ),
    Section(
        _l("Deliveries"),
        (Page(_l("Deliveries"), "documents.deliveries", ("documents.deliveries", "documents.delivery")),),
    ),
    Section(
        _l("Stock"),
        (
            Page(_l("Vehicles"), "office.vehicles"),
            Page(_l("Catalogue"), "office.catalogue", ("office.catalogue", "office.create_series", "office.add_to")),
        ),
    ),
    Section(
        _l("Sync review"),
        (Page(_l("Conflicts"), "review.conflicts"), Page(_l("Rejected changes"), "review.rejections")),
    ),
    Section(
        _l("Users"), (Page(_l("Users"), "office.users", ("office.users", "office.edit_user", "office.create_user")),)
    ),
)


@dataclass(frozen=True)
class Shown:
    """A section as the signed-in role sees it: the pages it may open, and which one is current."""

    label: object
    pages: tuple[Page, ...]
    current: Page | None

    @property
    def href_endpoint(self) -> str:
        return self.pages[0].endpoint


def _allowed(app: Flask, endpoint: str, role: str) -> bool:
    rule = rule_for(app, endpoint)
    return rule is not None and rule.audience == "session" and rule.allows(role)


def visible_sections(role: str, endpoint: str | None) -> list[Shown]:
    """The sections `role` may open, each with its allowed pages and the page `endpoint` is on (if any)."""
    app, here = current_app._get_current_object(), endpoint or ""
    shown = []
    for section in SECTIONS:
        pages = tuple(page for page in section.pages if _allowed(app, page.endpoint, role))
        if pages:
            current = next((page for page in pages if page.is_current(here)), None)
            shown.append(Shown(section.label, pages, current))
    return shown


def init_app(app: Flask) -> None:
    """Give every office template `navigation()`: the visible sections for the signed-in user and this request."""

    @app.context_processor
    def navigation_context() -> dict:
        def navigation() -> list[Shown]:
            if not current_user.is_authenticated:
                return []
            return visible_sections(current_user.role, request.endpoint)

        return {"navigation": navigation}
