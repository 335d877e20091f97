"""The office review pages: conflicts settled by a person, rejected changes shown with their payload."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import db
from server.models import Conflict, Customer
from tests.conftest import csrf_token, login
from tests.factories import make_user
from tests.factories.tablets import tablet_for


@pytest.fixture
def scene(app, client):
    """Two consultants edit the same customer's phone offline; the second push overwrites the first."""
    with app.app_context():
        from tests.factories import make_store

        store = make_store("REV")
        first, second = make_user(store, "consultant", display_name="李明"), make_user(store, "consultant")
        manager = make_user(store, "manager")
        a, b = tablet_for(client, first), tablet_for(client, second)
        names = {"manager": manager.username, "first": first.id}
    record = str(uuid.uuid4())
    a.push(a.put("customer", record, {"name": "王五", "phone": "13800000001", "owner_id": names["first"]}))
    a.pull_all()
    seen = b.pull_all()[f"customer/{record}"]["fieldVersions"]["phone"]  # the version both tablets saw
    a.push(a.put("customer", record, {"phone": "13800000002"}, base={"phone": seen}))
    result = b.push(b.put("customer", record, {"phone": "13800000003"}, base={"phone": seen}))
    assert result["results"][0]["outcome"] == "conflict"
    return {
        "record": record,
        "a": a,
        "b": b,
        "manager": names["manager"],
        "conflict": result["results"][0]["conflictIDs"][0],
    }


def test_conflict_page_shows_both_values_and_who(client, scene):
    """A manager sees the overwritten and the applied phone, with the consultant who wrote each."""
    login(client, scene["manager"])
    page = client.get("/office/conflicts").get_data(as_text=True)
    assert "13800000002" in page and "13800000003" in page and "李明" in page
    assert "13800000001" in page  # the base both had seen


def test_restore_writes_the_other_value_back_and_it_syncs(app, client, scene):
    """Restore puts the overwritten phone back as a new version; tablets pull it and the conflict's new state."""
    login(client, scene["manager"])
    token = csrf_token(client, "/office/conflicts")
    response = client.post(
        f"/office/conflicts/{scene['conflict']}/restore",
        data={"csrf_token": token},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200 and "已恢复" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Customer, scene["record"]).phone == "13800000002"
        assert db.session.get(Conflict, scene["conflict"]).state == "restored"
    pulled = scene["b"].pull_all()
    assert pulled[f"customer/{scene['record']}"]["phone"] == "13800000002"
    assert pulled[f"conflict/{scene['conflict']}"]["state"] == "restored"


def test_keep_leaves_the_value_and_closes_the_conflict(app, client, scene):
    """Keep applied: the record keeps the later phone, the conflict is settled and leaves the open list."""
    login(client, scene["manager"])
    token = csrf_token(client, "/office/conflicts")
    assert client.post(f"/office/conflicts/{scene['conflict']}/keep", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(Customer, scene["record"]).phone == "13800000003"
        assert db.session.get(Conflict, scene["conflict"]).state == "kept"
    assert "13800000002" not in client.get("/office/conflicts?state=open").get_data(as_text=True)


def test_settling_after_the_record_moved_on_is_refused(app, client, scene):
    """If the phone changed again after the conflict, restoring would overwrite a newer value unseen: 409."""
    now = scene["a"].pull_all()[f"customer/{scene['record']}"]["fieldVersions"]["phone"]
    scene["a"].push(scene["a"].put("customer", scene["record"], {"phone": "13800000009"}, base={"phone": now}))
    login(client, scene["manager"])
    token = csrf_token(client, "/office/conflicts")
    response = client.post(
        f"/office/conflicts/{scene['conflict']}/restore",
        data={"csrf_token": token},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Customer, scene["record"]).phone == "13800000009"
        assert db.session.get(Conflict, scene["conflict"]).state == "open"


def test_unknown_action_is_404(client, scene):
    """Only keep and restore exist."""
    login(client, scene["manager"])
    token = csrf_token(client, "/office/conflicts")
    assert client.post(f"/office/conflicts/{scene['conflict']}/shred", data={"csrf_token": token}).status_code == 404


def test_rejected_change_is_listed_with_payload_and_reason(client, scene):
    """A bad phone pushed by a tablet appears with the tablet's payload and the field-level reason."""
    a = scene["a"]
    result = a.push(a.put("customer", scene["record"], {"phone": "12345"}))
    assert result["results"][0]["outcome"] == "rejected"
    login(client, scene["manager"])
    page = client.get("/office/rejections").get_data(as_text=True)
    assert "12345" in page and "请输入 11 位大陆手机号" in page
