"""The policy layer: every route has a rule, and the rules hold for every role and for another store.

`EXAMPLES` names a request for every endpoint of the app. A new route without a policy rule, or without an
entry here, fails `test_every_route_has_a_rule_and_an_example` — so nobody can add a route that skips the
role-and-store check without a test noticing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from server.extensions import db
from server.models import ApiToken, LostRequest, Store, Visit, WeOwe
from server.policy import rule_for
from server.vocabularies.roles import ROLES
from tests.conftest import csrf_token, login
from tests.factories import (
    make_blob,
    make_colour,
    make_conflict,
    make_customer,
    make_demo_car,
    make_document,
    make_route,
    make_series,
    make_store,
    make_trim,
    make_user,
    make_vehicle,
    synced,
)

MARKERS = ("甲店专属车系", "LKHSA20STA0000017", "target-user-a", "13911112222")  # store A data that must never leak


@dataclass
class World:
    series: str
    trim: str
    colour: str
    user: int
    blob: str
    conflict: str
    document: str
    owed: str
    delivery: str
    wa: dict = field(default_factory=dict)  # walk-around ids (tests/walkaround_factories.py)
    td: dict = field(default_factory=dict)  # test-drive ids: car, route
    visit: str = ""  # a visit of store A's traffic log
    lost: str = ""  # a lost-deal request of store A


def _obj(method: str, url: str, **kw) -> tuple[str, str, dict, bool]:
    return method, url, kw, True  # the URL names a record of store A


def _plain(method: str, url: str, **kw) -> tuple[str, str, dict, bool]:
    return method, url, kw, False


EXAMPLES = {
    "static": lambda w: [_plain("GET", "/static/vendor/VENDOR.md")],
    "auth.login": lambda w: [_plain("GET", "/login"), _plain("POST", "/login", data={})],
    "auth.set_language": lambda w: [_plain("POST", "/language", data={"language": "zh_CN"})],
    "auth.logout": lambda w: [_plain("POST", "/logout")],
    "office.index": lambda w: [_plain("GET", "/")],
    "office.home": lambda w: [_plain("GET", "/office/")],
    "office.catalogue": lambda w: [_plain("GET", "/office/catalogue")],
    "office.create_series": lambda w: [_plain("POST", "/office/catalogue/series", data={"name": ""})],
    "office.catalogue_row": lambda w: [
        _obj("GET", f"/office/catalogue/trim/{w.trim}"),
        _obj("GET", f"/office/catalogue/series/{w.series}"),
        _obj("GET", f"/office/catalogue/colour/{w.colour}"),
    ],
    "office.edit_catalogue_row": lambda w: [_obj("GET", f"/office/catalogue/trim/{w.trim}/edit")],
    "office.save_catalogue_row": lambda w: [_obj("POST", f"/office/catalogue/trim/{w.trim}", data={"name": ""})],
    "office.add_to_series": lambda w: [_obj("POST", f"/office/catalogue/series/{w.series}/trim", data={})],
    "office.vehicles": lambda w: [_plain("GET", "/office/vehicles")],
    "office.customers": lambda w: [_plain("GET", "/office/customers")],
    "office.users": lambda w: [_plain("GET", "/office/users")],
    "office.create_user_view": lambda w: [_plain("POST", "/office/users", data={})],
    "office.edit_user": lambda w: [_obj("GET", f"/office/users/{w.user}/edit")],
    "office.user_row": lambda w: [_obj("GET", f"/office/users/{w.user}")],
    "office.save_user": lambda w: [_obj("POST", f"/office/users/{w.user}", data={"display_name": ""})],
    "office.save_idle": lambda w: [_plain("POST", "/office/users/idle", data={"office_idle_minutes": "x"})],
    "tablet.shell": lambda w: [_plain("GET", "/tablet/")],
    "tablet.offline": lambda w: [_plain("GET", "/offline")],
    "tablet.service_worker": lambda w: [_plain("GET", "/sw.js")],
    "tablet.manifest": lambda w: [_plain("GET", "/manifest.webmanifest")],
    "tablet.translations": lambda w: [_plain("GET", "/i18n/zh_CN.json")],
    "api.issue_token": lambda w: [_plain("POST", "/api/auth/token", json={})],
    "api.me": lambda w: [_plain("GET", "/api/me")],
    "api.update_me": lambda w: [_plain("PATCH", "/api/me", json={"language": "zh_CN"})],
    "api.revoke_token": lambda w: [_plain("DELETE", "/api/auth/token")],
    "documents.verify_document": lambda w: [_plain("GET", f"/verify/{w.document}")],
    "documents.verify_upload": lambda w: [_plain("GET", "/verify"), _plain("POST", "/verify", data={})],
    "documents.deliveries": lambda w: [_plain("GET", "/office/deliveries")],
    "documents.delivery": lambda w: [_obj("GET", f"/office/deliveries/{w.delivery}")],
    "documents.document_pdf": lambda w: [_obj("GET", f"/office/documents/{w.document}.pdf")],
    "documents.document_state": lambda w: [_obj("GET", f"/office/documents/{w.document}/state")],
    "documents.rerender": lambda w: [_obj("POST", f"/office/documents/{w.document}/rerender", data={})],
    "documents.close_we_owe": lambda w: [_obj("POST", f"/office/we-owe/{w.owed}/close", data={})],
    "review.conflicts": lambda w: [_plain("GET", "/office/conflicts")],
    "review.settle_conflict": lambda w: [_obj("POST", f"/office/conflicts/{w.conflict}/keep", data={})],
    "review.rejections": lambda w: [_plain("GET", "/office/rejections")],
    "presentations.index": lambda w: [_plain("GET", "/office/presentations")],
    "presentations.store_order": lambda w: [_plain("POST", "/office/presentations/order", data={"order": "roof"})],
    "presentations.editor": lambda w: [_obj("GET", f"/office/presentations/{w.series}")],
    "presentations.series_order": lambda w: [_obj("POST", f"/office/presentations/{w.series}/order", data={})],
    "presentations.save_position": lambda w: [
        _obj("POST", f"/office/presentations/{w.series}/positions/front", data={"title_zh_CN": ""})
    ],
    "presentations.add_point": lambda w: [_obj("POST", f"/office/presentations/{w.series}/positions/front/points")],
    "presentations.save_point": lambda w: [_obj("POST", f"/office/presentations/{w.series}/points/{w.wa['point']}")],
    "presentations.move_point": lambda w: [
        _obj("POST", f"/office/presentations/{w.series}/points/{w.wa['point']}/move", data={"direction": "up"})
    ],
    "presentations.delete_point": lambda w: [
        _obj("POST", f"/office/presentations/{w.series}/points/{w.wa['extra']}/delete")
    ],
    "presentations.publish": lambda w: [_obj("POST", f"/office/presentations/{w.series}/publish")],
    "presentations.picture": lambda w: [_obj("GET", f"/office/pictures/{w.wa['picture']}")],
    "walkaround.customer_file": lambda w: [_obj("GET", f"/office/customers/{w.wa['customer']}")],
    "walkaround.sessions": lambda w: [_plain("GET", "/office/walkarounds")],
    "walkaround.session": lambda w: [_obj("GET", f"/office/walkarounds/{w.wa['walkaround']}")],
    "walkaround.save_score": lambda w: [_obj("POST", f"/office/walkarounds/{w.wa['walkaround']}/score", data={})],
    "reception.today": lambda w: [_plain("GET", "/office/reception")],
    "reception.log_visit": lambda w: [_plain("POST", "/office/reception", data={})],
    "reception.left": lambda w: [_obj("POST", f"/office/reception/{w.visit}/left", data={})],
    "reception.log": lambda w: [_plain("GET", "/office/visits")],
    "sales.lost_requests": lambda w: [_plain("GET", "/office/lost-deals")],
    "sales.decide_request": lambda w: [_obj("POST", f"/office/lost-deals/{w.lost}", data={})],
    "sales.reactivate_customer": lambda w: [_obj("POST", f"/office/customers/{w.wa['customer']}/reactivate", data={})],
    "test_drives.board": lambda w: [_plain("GET", "/office/test-drives")],
    "test_drives.reports": lambda w: [_plain("GET", "/office/test-drives/reports")],
    "test_drives.fleet": lambda w: [_plain("GET", "/office/fleet")],
    "test_drives.add_car": lambda w: [_plain("POST", "/office/fleet", data={})],
    "test_drives.edit_car": lambda w: [_obj("GET", f"/office/fleet/{w.td['car']}")],
    "test_drives.save_car": lambda w: [_obj("POST", f"/office/fleet/{w.td['car']}", data={"plate": ""})],
    "test_drives.routes": lambda w: [_plain("GET", "/office/drive-routes")],
    "test_drives.add_route": lambda w: [_plain("POST", "/office/drive-routes", data={})],
    "test_drives.save_route": lambda w: [_obj("POST", f"/office/drive-routes/{w.td['route']}", data={"name": ""})],
    "test_drives.rules": lambda w: [_plain("GET", "/office/drive-rules")],
    "test_drives.save_rules": lambda w: [_plain("POST", "/office/drive-rules", data={})],
    "sync.push": lambda w: [_plain("POST", "/api/sync/v1/push", json={})],
    "sync.pull": lambda w: [_plain("POST", "/api/sync/v1/pull", json={})],
    "sync.schema": lambda w: [_plain("GET", "/api/sync/v1/schema")],
    "sync.put_blob": lambda w: [_plain("PUT", f"/api/sync/v1/blobs/{w.blob}", json={})],
    "sync.get_blob": lambda w: [
        _obj("GET", f"/api/sync/v1/blobs/{w.blob}"),
        _obj("HEAD", f"/api/sync/v1/blobs/{w.blob}"),
    ],
}
LAST = ("auth.logout", "api.revoke_token")  # they end the identity's session, so they run last

#: The intended policy of the sensitive routes, written out so a loosened rule fails here.
INTENDED = {
    "office.users": {"admin"},
    "office.create_user_view": {"admin"},
    "office.save_user": {"admin"},
    "office.save_idle": {"admin"},
    "office.save_catalogue_row": {"manager", "admin"},
    "office.create_series": {"manager", "admin"},
    "office.add_to_series": {"manager", "admin"},
    "office.customers": {"receptionist", "account_manager", "manager", "back_office", "admin"},
    "review.conflicts": {"account_manager", "manager", "back_office", "admin"},
    "documents.deliveries": {"account_manager", "manager", "back_office", "admin"},
    "documents.delivery": {"account_manager", "manager", "back_office", "admin"},
    "documents.document_pdf": {"account_manager", "manager", "back_office", "admin"},
    "documents.rerender": {"account_manager", "manager", "back_office", "admin"},
    "documents.close_we_owe": {"account_manager", "manager", "back_office", "admin"},
    "review.settle_conflict": {"account_manager", "manager", "back_office", "admin"},
    "review.rejections": {"account_manager", "manager", "back_office", "admin"},
    **dict.fromkeys(
        [
            "presentations.index",
            "presentations.store_order",
            "presentations.editor",
            "presentations.series_order",
            "presentations.save_position",
            "presentations.add_point",
            "presentations.save_point",
            "presentations.move_point",
            "presentations.delete_point",
            "presentations.publish",
            "walkaround.save_score",
        ],
        {"manager", "admin"},
    ),
    **dict.fromkeys(
        [
            "test_drives.fleet",
            "test_drives.add_car",
            "test_drives.edit_car",
            "test_drives.save_car",
            "test_drives.routes",
            "test_drives.add_route",
            "test_drives.save_route",
            "test_drives.rules",
            "test_drives.save_rules",
        ],
        {"manager", "admin"},
    ),
    "test_drives.board": {"receptionist", "account_manager", "manager", "back_office", "admin"},
    "reception.today": {"receptionist", "account_manager", "manager", "back_office", "admin"},
    "reception.log": {"receptionist", "account_manager", "manager", "back_office", "admin"},
    "reception.log_visit": {"receptionist", "manager"},
    "reception.left": {"receptionist", "manager"},
    "sales.lost_requests": {"account_manager", "manager", "back_office", "admin"},
    "sales.decide_request": {"manager", "admin"},
    "sales.reactivate_customer": {"manager", "admin"},
    "test_drives.reports": {"account_manager", "manager", "back_office", "admin"},
    "walkaround.sessions": {"account_manager", "manager", "back_office", "admin"},
    "walkaround.session": {"account_manager", "manager", "back_office", "admin"},
    "walkaround.customer_file": {"receptionist", "account_manager", "manager", "back_office", "admin"},
}


def test_every_route_has_a_rule_and_an_example(app):
    """Each endpoint declares a policy rule and has a request in EXAMPLES (new routes must add both)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if rule_for(app, e) is None} == set(), "routes without a policy rule"
    assert endpoints - set(EXAMPLES) == set(), "routes without an example in tests/api/test_policy.py"
    assert set(EXAMPLES) - endpoints == set(), "examples for routes that no longer exist"


@pytest.mark.parametrize("endpoint", sorted(INTENDED))
def test_sensitive_routes_admit_exactly_the_intended_roles(app, endpoint):
    """Admin-only and manager-only routes admit no other role."""
    rule = rule_for(app, endpoint)
    assert {role for role in ROLES if rule.allows(role)} == INTENDED[endpoint]


def _world():
    store_a, store_b = make_store("A", templates=True), make_store("B", templates=True)
    series = make_series(store_a, name="甲店专属车系")
    trim, colour = make_trim(series), make_colour(series)
    vehicle = make_vehicle(trim, colour, vin="LKHSA20STA0000017")
    make_customer(store_a)
    target = make_user(store_a, "consultant", username="target-user-a")
    blob = make_blob(store_a, b"%PDF-1.7 store A only")
    conflict = make_conflict(make_customer(store_a, name="甲店专属客户", phone="13900139000"), "phone", "13911112222")
    customer = make_customer(store_a, name="甲店专属客户", phone="13900139001")
    document, owed = make_document(customer, vehicle, target, blob)
    wa = _walkaround_world(series, customer, target)
    td = {"car": make_demo_car(trim, vin="LKHSA20STA0000018").id, "route": make_route(store_a).id}
    delivery = db.session.get(WeOwe, owed).delivery_id
    received = {"customer_id": customer.id, "consultant_id": target.id, "arrived_at": "2026-12-01T10:00:00+08:00"}
    visit = synced(Visit, store_a, recorded_by=target.id, **received)
    asked = {"customer_id": customer.id, "reason": "cancelled.funds", "requested_at": "2026-12-01T10:00:00+08:00"}
    lost = synced(LostRequest, store_a, requested_by=target.id, state="pending", **asked)
    return (
        store_a,
        store_b,
        World(
            series.id,
            trim.id,
            colour.id,
            target.id,
            blob,
            conflict.id,
            document,
            owed,
            delivery,
            wa,
            td,
            visit.id,
            lost.id,
        ),
    )


def _walkaround_world(series, customer, consultant) -> dict:
    from tests.factories.walkaround import make_content, make_walkaround

    manager = make_user(db.session.get(Store, series.store_id), "manager")
    ids = make_content(series, manager)
    ids["walkaround"] = make_walkaround(customer, ids["presentation"], consultant).id
    return {**ids, "customer": customer.id}


IDENTITIES = ["anonymous"] + [f"{role}@own" for role in ROLES] + [f"{role}@other" for role in ROLES]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_walk_every_route(app, client, identity):
    """Walk every route as this identity: anonymous callers are sent to sign in (office) or refused (API);
    a role outside a rule gets 403; an allowed role of store A is served; an allowed role of store B gets 404
    for store A's records and never sees store A's data anywhere."""
    role, _sep, where = identity.partition("@")
    headers, username = {}, None
    with app.app_context():  # no requests inside: they would share this context's `g`
        store_a, store_b, world = _world()
        if role != "anonymous":
            user = make_user(store_a if where == "own" else store_b, role)
            _token, clear = ApiToken.issue(user, "policy walk", 1)
            db.session.commit()
            headers["Authorization"] = f"Bearer {clear}"
            username = user.username
    if username:
        assert login(client, username).status_code == 303
    token = csrf_token(client, "/login" if role == "anonymous" else "/office/")

    failures = []
    for endpoint in sorted(EXAMPLES, key=lambda e: (e in LAST, e)):
        rule = rule_for(app, endpoint)
        for method, url, kwargs, names_record in EXAMPLES[endpoint](world):
            form = "json" not in kwargs and method == "POST"
            data = {**kwargs.get("data", {}), "csrf_token": token} if form else None
            response = client.open(
                url,
                method=method,
                data=data,
                json=kwargs.get("json"),
                headers=headers if endpoint.startswith(("api.", "sync.")) else {},
            )
            status = response.status_code
            body = response.get_data().decode("utf-8", "replace")  # pictures are binary
            response.close()  # static files are streamed from an open file
            expected = _expected(rule, role, where, names_record)
            if not expected(status, response):
                failures.append(f"{method} {url} ({endpoint}) as {identity}: {status}")
            if where == "other" and any(marker in body for marker in MARKERS):
                failures.append(f"{method} {url} ({endpoint}) as {identity}: store A data leaked")
    assert failures == []


def _expected(rule, role: str, where: str, names_record: bool):
    if rule.audience == "public":
        return lambda status, r: status != 403 and status < 500
    if role == "anonymous":
        if rule.audience == "token":
            return lambda status, r: status == 401
        return lambda status, r: status == 302 and "/login" in r.headers["Location"]
    if not rule.allows(role):
        return lambda status, r: status == 403
    if where == "other" and names_record:
        return lambda status, r: status == 404
    return lambda status, r: status not in (401, 403, 404) and status < 500
