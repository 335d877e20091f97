"""Who may sync what (SYNC_PROTOCOL.md, Identities): bearer tokens, client groups and clients bound at first use,
the schema endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from server.extensions import db
from server.models import ApiToken, User, utcnow
from server.records.registry import REGISTRY
from tests.factories.tablets import Tablet
from tests.sync.test_push import NEW, customer, log_count, new_id

SHA = "a" * 64
CALLS = [
    ("post", "/api/sync/v1/push", {"clientGroupID": "6f1d4a8e-8a4b-4b0e-9a55-0c7f3c1d2e3f", "mutations": []}),
    ("post", "/api/sync/v1/pull", {"clientGroupID": "6f1d4a8e-8a4b-4b0e-9a55-0c7f3c1d2e3f", "cookie": None}),
    ("get", "/api/sync/v1/schema", None),
    ("get", f"/api/sync/v1/blobs/{SHA}", None),
    ("head", f"/api/sync/v1/blobs/{SHA}", None),
    ("put", f"/api/sync/v1/blobs/{SHA}", None),
]


def call(http, method: str, path: str, body, headers: dict):
    if method == "put":
        return http.put(path, data=b"x", content_type="image/png", headers=headers)
    return getattr(http, method)(path, json=body, headers=headers)


def _headers(world, app, kind: str) -> dict:
    if kind == "missing":
        return {}
    if kind == "malformed":
        return {"Authorization": f"Token {world.tokens['a1']}"}
    if kind == "empty bearer":
        return {"Authorization": "Bearer "}
    if kind == "unknown":
        return {"Authorization": "Bearer not-a-token"}
    with app.app_context():
        from server.models.user import hash_token

        values = {"expired": {"expires_at": utcnow() - timedelta(seconds=1)}, "revoked": {"revoked_at": utcnow()}}[kind]
        db.session.execute(
            update(ApiToken).where(ApiToken.token_hash == hash_token(world.tokens["a1"])).values(**values)
        )
        db.session.commit()
    return {"Authorization": f"Bearer {world.tokens['a1']}"}


@pytest.mark.parametrize("kind", ["missing", "malformed", "empty bearer", "unknown", "expired", "revoked"])
@pytest.mark.parametrize(("method", "path", "body"), CALLS, ids=[f"{m} {p.split('/')[4]}" for m, p, _b in CALLS])
def test_every_sync_call_needs_a_live_bearer_token(app, world, kind, method, path, body):
    response = call(world.http, method, path, body, _headers(world, app, kind))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    if method != "head":
        assert response.get_json()["code"] == "unauthorized"


def test_a_deactivated_user_is_401_mid_batch(app, world):
    """Permission revoked while the tablet was offline: its next push is refused whole (nothing processed), and
    the outbox stays on the tablet for a person to sort out."""
    tablet = world.tablet("a1")
    tablet.push(tablet.put("customer", new_id(), NEW))
    with app.app_context():
        db.session.execute(update(User).where(User.id == world.ids["a1"]).values(active=False))
        db.session.commit()
    record = new_id()
    tablet.push(tablet.put("customer", record, NEW), expect=401)
    assert customer(app, record) is None and log_count(app) == 1


def test_a_client_group_used_by_another_user_of_the_same_store_is_403(app, world):
    mine = world.tablet("a1")
    mine.push(mine.put("customer", new_id(), NEW))
    thief = Tablet(world.http, world.tokens["a2"], group=mine.group)
    record = new_id()
    assert thief.push(thief.put("customer", record, NEW), expect=403)["code"] == "forbidden"
    assert thief.pull(expect=403)["code"] == "forbidden"
    assert customer(app, record) is None


def test_a_client_group_used_by_a_user_of_another_store_is_403(app, world):
    mine = world.tablet("a1")
    mine.pull()  # pull binds the group too
    thief = Tablet(world.http, world.tokens["b1"], group=mine.group)
    thief.push(thief.put("customer", new_id(), NEW), expect=403)
    thief.pull(expect=403)


def test_a_client_presented_under_another_group_is_403_and_nothing_is_processed(app, world):
    mine = world.tablet("a1")
    mine.push(mine.put("customer", new_id(), NEW))
    other_install = Tablet(world.http, world.tokens["a1"], client=mine.client)
    other_install.next_id = 2
    record = new_id()
    other_install.push(other_install.put("customer", record, NEW), expect=403)
    assert customer(app, record) is None and log_count(app) == 1


def test_a_foreign_client_in_a_push_blocks_the_whole_push(app, world):
    mine, theirs = world.tablet("a1"), world.tablet("a2")
    theirs.push(theirs.put("customer", new_id(), NEW))
    stolen = Tablet(world.http, mine.token, group=mine.group, client=theirs.client)
    stolen.next_id = 2
    record = new_id()
    mine.push(mine.put("customer", record, NEW), stolen.put("customer", new_id(), NEW), expect=403)
    assert customer(app, record) is None


def test_the_same_user_may_have_several_installs(world):
    first, second = world.tablet("a1"), world.tablet("a1")
    for tablet in (first, second):
        assert tablet.push(tablet.put("customer", new_id(), NEW))["results"][0]["outcome"] == "applied"


# --- Schema endpoint ----------------------------------------------------------------------------------------


def test_the_schema_endpoint_publishes_every_registered_entity(world):
    tablet = world.tablet("a1")
    schema = tablet.http.get("/api/sync/v1/schema", headers=tablet.headers).get_json()
    assert schema["schemaVersion"] == {"min": 1, "max": 1}
    assert set(schema["entities"]) == {*REGISTRY, "rejection"}  # the sync engine's own: a group's refused mutations
    assert schema["entities"]["rejection"]["readOnly"] is True
    for name, entity in REGISTRY.items():
        published = schema["entities"][name]
        json_schema = published["jsonSchema"]
        assert json_schema["type"] == "object"
        assert set(json_schema["properties"]) == set(entity.fields)
        assert isinstance(json_schema["required"], list) and set(json_schema["required"]) <= set(entity.fields)
        assert published["readOnly"] is entity.read_only and published["signable"] is entity.signable
        if entity.signable:
            assert published["signatureRoles"] == list(entity.signature_roles)
    customer_schema = schema["entities"]["customer"]
    assert customer_schema["readOnly"] is False and "name" in customer_schema["jsonSchema"]["required"]
    assert customer_schema["jsonSchema"]["properties"]["grade"]["enum"]
    assert all(schema["entities"][n]["readOnly"] for n in ("series", "trim", "colour", "vehicle", "conflict"))
    assert {"put", "delete"} <= set(schema["mutators"])
    assert schema["blobs"]["maxBytes"] > 0 and "image/jpeg" in schema["blobs"]["types"]


def test_every_role_may_read_the_schema_and_pull(world):
    for name in ("a1", "manager", "escort", "back_office"):
        tablet = world.tablet(name)
        assert tablet.http.get("/api/sync/v1/schema", headers=tablet.headers).status_code == 200
        tablet.pull()
