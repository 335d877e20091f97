"""A refused settle is shown where the person clicked: restoring a conflict whose record changed again since
answers 409 with the row and its reason, and the row replaces the old one (htmx swapped only 2xx and 422 before,
so the manager saw a generic "server could not complete" and nothing else)."""

from __future__ import annotations

from playwright.sync_api import expect

from .live_data import make_conflict, push, put
from .test_office import sign_in


def test_restoring_a_conflict_whose_record_moved_on_says_why_in_its_row(office_page, live_server, screenshot):
    record, conflict = make_conflict(live_server, "冲突后又改")
    consultant = live_server.sign_in("consultant")
    seen = live_server.pull_all("consultant")[f"customer/{record}"]["fieldVersions"]["phone"]
    [moved] = push(live_server, consultant["token"], put("customer", record, {"phone": "13900000009"}, {"phone": seen}))
    assert moved["outcome"] == "applied", moved

    sign_in(office_page, "manager")
    office_page.goto("/office/conflicts")
    row = office_page.locator(f"#conflict-{conflict}")
    row.get_by_role("button", name="恢复另一个值").click()
    expect(row.get_by_role("alert")).to_contain_text("冲突发生后记录又有变动")
    expect(row.locator(".tag")).to_have_text("待处理")
    screenshot(office_page, "office-conflict-refused-restore")
