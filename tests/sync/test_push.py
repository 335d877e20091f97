"""Push (SYNC_PROTOCOL.md, Push): shape, exactly once in order, poison mutations, merge through the API,
permissions, cross-store ids, transient failures.

Data is made in short app contexts; requests are made outside them (they would share `g`).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from server import boundary
from server.extensions import db
from server.models import ClientGroup, Conflict, Customer, MutationLog, Store, SyncClient
from tests.factories.tablets import Tablet

CJK = re.compile(r"[\u4e00-\u9fff]")


def new_id() -> str:
    return str(uuid.uuid4())


def read(app, fn):
    """Run `fn` in a short app context and return its result."""
    with app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def customer(app, record_id: str) -> dict | None:
    def load():
        row = db.session.get(Customer, record_id)
        if row is None:
            return None
        return {
            **row.values(),
            "deleted": row.deleted,
            "version": row.version,
            "store_id": row.store_id,
            "field_versions": dict(row.field_versions or {}),
        }

    return read(app, load)


def store_version(app, store_id: int) -> int:
    return read(app, lambda: db.session.get(Store, store_id).version)


def log_count(app) -> int:
    return read(app, lambda: db.session.scalar(select(func.count()).select_from(MutationLog)))


def last_mutation_id(app, client_id: str) -> int:
    return read(app, lambda: c.last_mutation_id if (c := db.session.get(SyncClient, client_id)) else 0)


def raw_push(tablet: Tablet, body, **kwargs):
    if "data" in kwargs:
        return tablet.http.post("/api/sync/v1/push", headers=tablet.headers, **kwargs)
    return tablet.http.post("/api/sync/v1/push", headers=tablet.headers, json=body)


NEW = {"name": "张三", "phone": "13800138000", "grade": "H"}


# --- Shape --------------------------------------------------------------------------------------------------


def _bodies(group: str, client: str):
    good = {
        "clientID": client,
        "id": 1,
        "name": "put",
        "args": {"entity": "customer", "id": "00000000-0000-4000-8000-000000000001", "set": NEW},
    }
    return {
        "no clientGroupID": {"schemaVersion": 1, "mutations": [good]},
        "clientGroupID not a UUID": {"clientGroupID": "tablet-1", "mutations": [good]},
        "mutations not a list": {"clientGroupID": group, "mutations": {"0": good}},
        "no mutations": {"clientGroupID": group},
        "mutation without clientID": {"clientGroupID": group, "mutations": [good, {**good, "clientID": None, "id": 2}]},
        "mutation not an object": {"clientGroupID": group, "mutations": [good, "put"]},
        "string id": {"clientGroupID": group, "mutations": [good, {**good, "id": "2"}]},
        "float id": {"clientGroupID": group, "mutations": [good, {**good, "id": 2.0}]},
        "boolean id": {"clientGroupID": group, "mutations": [good, {**good, "id": True}]},
        "zero id": {"clientGroupID": group, "mutations": [good, {**good, "id": 0}]},
        "negative id": {"clientGroupID": group, "mutations": [good, {**good, "id": -1}]},
        "missing id": {"clientGroupID": group, "mutations": [good, {k: v for k, v in good.items() if k != "id"}]},
        "schemaVersion not a number": {"clientGroupID": group, "schemaVersion": "1", "mutations": [good]},
        "array body": [good],
        "string body": "push",
    }


@pytest.mark.parametrize("case", list(_bodies("g", "c")))
def test_a_body_not_of_the_shape_is_400_and_nothing_of_it_is_processed(app, world, case):
    tablet = world.tablet("a1")
    body = _bodies(tablet.group, tablet.client)[case]
    response = raw_push(tablet, body)
    assert response.status_code == 400
    error = response.get_json()
    assert set(error) == {"code", "message", "errors"} and error["code"] == "bad_request"
    assert error["message"] and CJK.search(error["message"])  # the consultant reads Chinese
    if isinstance(body, dict) and case not in ("no mutations",):
        assert error["errors"], error
    assert customer(app, "00000000-0000-4000-8000-000000000001") is None
    assert log_count(app) == 0 and last_mutation_id(app, tablet.client) == 0


@pytest.mark.parametrize("data", [b"not json", b'{"clientGroupID": ', b"null", b""])
def test_a_body_that_is_not_json_is_400(world, data):
    tablet = world.tablet("a1")
    response = raw_push(tablet, None, data=data, content_type="application/json")
    assert response.status_code == 400
    assert set(response.get_json()) == {"code", "message", "errors"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_is_400_and_the_queue_moves_on(app, world, constant):
    """Python reads NaN/Infinity, PostgreSQL's JSON refuses them at commit: refused up front, the tablet's next
    push (with the value fixed) is processed, and nothing of the bad one was stored."""
    tablet = world.tablet("a1")
    record = "00000000-0000-4000-8000-000000000001"
    good = {"clientID": tablet.client, "id": 1, "name": "put", "args": {"entity": "customer", "id": record, "set": NEW}}
    text = json.dumps({"clientGroupID": tablet.group, "mutations": [good]}, ensure_ascii=False)
    bad = text.replace('"grade": "H"', f'"grade": "H", "budget": {constant}')
    assert constant in bad
    response = raw_push(tablet, None, data=bad.encode(), content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "bad_request"
    assert customer(app, record) is None and last_mutation_id(app, tablet.client) == 0
    assert raw_push(tablet, {"clientGroupID": tablet.group, "mutations": [good]}).status_code == 200
    assert customer(app, record)["name"] == "张三"


def test_a_json_body_without_json_content_type_is_400(world):
    tablet = world.tablet("a1")
    response = raw_push(tablet, None, data=b'{"clientGroupID": "x"}', content_type="text/plain")
    assert response.status_code == 400


# --- Applied, exactly once, in order ------------------------------------------------------------------------


def test_put_creates_a_record_at_the_next_store_version(app, world):
    tablet = world.tablet("a1")
    record = new_id()
    before = store_version(app, world.ids["store_a"])
    result = tablet.push(tablet.put("customer", record, {**NEW, "owner_id": world.ids["a1"]}))
    version = before + 1
    assert result == {
        "lastMutationIDs": {tablet.client: 1},
        "storeVersion": version,
        "results": [{"clientID": tablet.client, "id": 1, "outcome": "applied", "version": version}],
        "outOfOrder": {},
    }
    row = customer(app, record)
    assert row["name"] == "张三" and row["owner_id"] == world.ids["a1"] and row["version"] == version
    assert row["store_id"] == world.ids["store_a"]
    assert set(row["field_versions"]) >= {"name", "phone", "grade", "source", "owner_id", "notes"}
    assert set(row["field_versions"].values()) == {version}


def test_record_ids_are_canonical_uuids_only(app, world):
    """An upper-case spelling would be a second name for one record: it is rejected on `id`, nothing stored."""
    tablet = world.tablet("a1")
    record = new_id()
    result = tablet.push(tablet.put("customer", record.upper(), NEW))["results"][0]
    assert result["outcome"] == "rejected" and "id" in result["error"]["errors"]
    assert customer(app, record) is None and customer(app, record.upper()) is None


def test_a_resent_mutation_is_a_duplicate_carrying_the_original_result(app, world):
    tablet = world.tablet("a1")
    first = tablet.put("customer", new_id(), NEW)
    bad = tablet.put("customer", new_id(), {"phone": "12"})  # rejected: no name, bad phone
    original = tablet.push(first, bad)["results"]
    version = store_version(app, world.ids["store_a"])
    again = tablet.push(first, bad)
    assert [r["outcome"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["original"] for r in again["results"]] == original
    assert again["lastMutationIDs"] == {tablet.client: 2}
    assert store_version(app, world.ids["store_a"]) == version  # nothing re-applied
    assert log_count(app) == 2


def test_a_duplicate_inside_one_push_is_recognised(world):
    tablet = world.tablet("a1")
    first = tablet.put("customer", new_id(), NEW)
    results = tablet.push(first, first)["results"]
    assert results[0]["outcome"] == "applied"
    assert results[1] == {"clientID": tablet.client, "id": 1, "outcome": "duplicate", "original": results[0]}


def test_a_gap_stops_that_client_and_names_the_expected_id(app, world):
    tablet = world.tablet("a1")
    tablet.push(tablet.put("customer", new_id(), NEW), tablet.put("customer", new_id(), NEW))
    skipped = tablet.put("customer", new_id(), NEW)  # id 3, never sent
    late = [tablet.put("customer", new_id(), NEW), tablet.put("customer", new_id(), NEW)]  # 4, 5
    result = tablet.push(*late)
    assert result["results"] == [] and result["outOfOrder"] == {tablet.client: {"expected": 3}}
    assert result["lastMutationIDs"] == {tablet.client: 2}
    assert customer(app, late[0]["args"]["id"]) is None
    result = tablet.push(skipped, *late)
    assert [r["outcome"] for r in result["results"]] == ["applied"] * 3 and result["outOfOrder"] == {}


def test_processing_stops_at_the_first_gap_even_when_later_ids_follow(app, world):
    """[3, 5, 4]: 3 is applied, the server stops at 5 (expects 4) and does not look at the 4 after it."""
    tablet = world.tablet("a1")
    tablet.push(*(tablet.put("customer", new_id(), NEW) for _ in range(2)))
    three, four, five = (tablet.put("customer", new_id(), NEW) for _ in range(3))
    result = tablet.push(three, five, four)
    assert [r["id"] for r in result["results"]] == [3]
    assert result["outOfOrder"] == {tablet.client: {"expected": 4}}
    assert customer(app, four["args"]["id"]) is None and customer(app, five["args"]["id"]) is None


def test_a_new_client_starting_past_one_is_out_of_order(world):
    tablet = world.tablet("a1")
    result = tablet.push(
        tablet.put(
            "customer",
            new_id(),
            NEW,
        ),
    )
    assert result["results"][0]["outcome"] == "applied"
    other = Tablet(world.http, tablet.token, group=tablet.group)  # a second tab of the same install
    other.next_id = 2
    result = other.push(other.put("customer", new_id(), NEW))
    assert result["outOfOrder"] == {other.client: {"expected": 1}} and result["results"] == []


def test_other_clients_in_the_same_push_go_on_after_one_stops(app, world):
    tab1 = world.tablet("a1")
    tab2 = Tablet(world.http, tab1.token, group=tab1.group)
    gap = tab1.mutation("put", {"entity": "customer", "id": new_id(), "set": NEW}, mid=2)
    ok = tab2.put("customer", new_id(), NEW)
    result = tab1.push(gap, ok)
    assert result["outOfOrder"] == {tab1.client: {"expected": 1}}
    assert [(r["clientID"], r["outcome"]) for r in result["results"]] == [(tab2.client, "applied")]
    assert result["lastMutationIDs"] == {tab1.client: 0, tab2.client: 1}


def test_an_empty_push_is_fine(world):
    tablet = world.tablet("a1")
    assert tablet.push()["results"] == []


# --- Poison mutations ---------------------------------------------------------------------------------------


def _poison(record: str) -> dict[str, tuple[str, dict]]:
    """name → (mutator name, args, expected error code, fields with messages)."""
    return {
        "unknown mutator": ("frobnicate", {"entity": "customer", "id": record}, "unknown_mutator", set()),
        "mutator name not a string": (7, {"entity": "customer", "id": record}, "unknown_mutator", set()),
        "args a list": ("put", ["customer", record], "invalid", {"args"}),
        "args a string": ("put", "customer", "invalid", {"args"}),
        "args null": ("put", None, "invalid", {"args"}),
        "unknown entity": ("put", {"entity": "spaceship", "id": record, "set": {}}, "invalid", {"entity"}),
        "entity not a string": ("put", {"entity": ["customer"], "id": record, "set": {}}, "invalid", {"entity"}),
        "bad id": ("put", {"entity": "customer", "id": "42", "set": NEW}, "invalid", {"id"}),
        "id not a string": ("put", {"entity": "customer", "id": 42, "set": NEW}, "invalid", {"id"}),
        "set not an object": ("put", {"entity": "customer", "id": record, "set": "x"}, "invalid", {"set"}),
        "base not a map": ("put", {"entity": "customer", "id": record, "set": NEW, "base": [1]}, "invalid", {"base"}),
        "base of a boolean": (
            "put",
            {"entity": "customer", "id": record, "set": NEW, "base": {"name": True}},
            "invalid",
            {"base"},
        ),
        "name missing": (
            "put",
            {"entity": "customer", "id": record, "set": {"phone": "13800138000"}},
            "invalid",
            {"name"},
        ),
        "bad phone and grade": (
            "put",
            {"entity": "customer", "id": record, "set": {**NEW, "phone": "12345", "grade": "Z"}},
            "invalid",
            {"phone", "grade"},
        ),
        "unknown field": (
            "put",
            {"entity": "customer", "id": record, "set": {**NEW, "colour": "red"}},
            "invalid",
            {"colour"},
        ),
        "wrong type": (
            "put",
            {"entity": "customer", "id": record, "set": {**NEW, "owner_id": "7"}},
            "invalid",
            {"owner_id"},
        ),
        "name too long": (
            "put",
            {"entity": "customer", "id": record, "set": {**NEW, "name": "长" * 81}},
            "invalid",
            {"name"},
        ),
        "huge owner id": (
            "put",
            {"entity": "customer", "id": record, "set": {**NEW, "owner_id": 2**70}},
            "invalid",
            {"owner_id"},
        ),
        "delete bad id": ("delete", {"entity": "customer", "id": None}, "invalid", {"id"}),
    }


@pytest.mark.parametrize("case", list(_poison("x")))
def test_a_poison_mutation_is_rejected_logged_and_the_queue_goes_on(app, world, case):
    tablet = world.tablet("a1")
    record = new_id()
    name, args, code, fields = _poison(record)[case]
    poison = tablet.mutation(name, args)
    after = tablet.put("customer", new_id(), NEW)
    result = tablet.push(poison, after)
    rejected, applied = result["results"]
    assert rejected["outcome"] == "rejected" and applied["outcome"] == "applied", result
    error = rejected["error"]
    assert set(error) == {"code", "message", "errors"} and error["code"] == code
    assert CJK.search(error["message"]), error
    assert fields <= set(error["errors"]), error
    assert result["lastMutationIDs"] == {tablet.client: 2}
    assert customer(app, record) is None

    def logged():
        row = db.session.scalar(
            select(MutationLog).where(MutationLog.client_id == tablet.client, MutationLog.mutation_id == 1)
        )
        return row.outcome, row.args, row.error

    outcome, logged_args, logged_error = read(app, logged)
    # kept verbatim, or as a storable copy when it holds what no database stores (an integer past 2^53 as text)
    assert outcome == "rejected" and logged_args == boundary.scrub(args) and logged_error == error


def test_validation_messages_are_in_the_users_language(world):
    zh, en = world.tablet("a1"), world.tablet("a2")
    bad = {"name": "", "phone": "12345", "grade": "Z"}
    zh_error = zh.push(zh.put("customer", new_id(), bad))["results"][0]["error"]
    en_error = en.push(en.put("customer", new_id(), bad))["results"][0]["error"]
    assert zh_error["message"] == "有些字段缺失或无效。"
    assert zh_error["errors"]["phone"] == ["请输入 11 位大陆手机号，例如 13800138000。"]
    assert zh_error["errors"]["grade"] == ["请从列出的选项中选择。"]
    assert zh_error["errors"]["name"] == ["此项为必填项。"]
    assert en_error["message"] == "Some fields are missing or invalid."
    assert en_error["errors"]["phone"] == ["Enter an 11-digit mainland mobile number, e.g. 13800138000."]
    assert en_error["errors"]["grade"] == ["Choose one of the listed values."]


def test_every_field_message_of_a_rejection_goes_through_the_catalogue(app, world):
    """No library default leaks through untranslated (unknown fields, wrong types): each message is Chinese, or
    one the zh_CN catalogue has no compiled translation for yet (then the catalogue is what to fix)."""
    from flask_babel import force_locale, gettext

    tablet = world.tablet("a1")
    sets = [{**NEW, "colour": "red"}, {**NEW, "owner_id": "seven"}, {**NEW, "name": 5}, {**NEW, "notes": ["x"]}]
    for values in sets:
        error = tablet.push(tablet.put("customer", new_id(), values))["results"][0]["error"]
        for messages in error["errors"].values():
            for message in messages:
                with app.test_request_context(), force_locale("zh_CN"):
                    untranslated = gettext(message) == message
                assert CJK.search(message) or untranslated, error
                if not CJK.search(message):
                    assert message == "Unknown field."  # see the report: its zh_CN entry is still fuzzy


def test_a_mutator_that_crashes_is_rejected_and_does_not_block_the_queue(app, world, monkeypatch):
    """A bug in a mutator (any exception that is not a transient database failure) must not make every push of
    that tablet fail forever: it is recorded as rejected with its payload, and the queue goes on."""
    from server.records import mutators

    tablet = world.tablet("a1")
    real = mutators.MUTATORS["put"]

    def crashing(ctx, args):
        if args["set"].get("name") == "boom":
            real(ctx, args)  # half-written, then a crash: the savepoint must undo it
            raise TypeError("a bug")
        return real(ctx, args)

    monkeypatch.setitem(mutators.MUTATORS, "put", crashing)
    record, other = new_id(), new_id()
    result = tablet.push(tablet.put("customer", record, {**NEW, "name": "boom"}), tablet.put("customer", other, NEW))
    assert [r["outcome"] for r in result["results"]] == ["rejected", "applied"]
    assert result["results"][0]["error"]["code"] == "server_error"
    assert customer(app, record) is None and customer(app, other) is not None
    assert result["lastMutationIDs"] == {tablet.client: 2}


def test_a_value_the_database_refuses_is_rejected_not_a_503_forever(app, world, monkeypatch):
    """A deterministic database error inside one mutation (here: a grade the CHECK constraint refuses, as if the
    schema and the table disagreed) is that mutation's rejection; a 503 would make the tablet retry it forever."""
    from server.records.registry import REGISTRY

    tablet = world.tablet("a1")
    schema = REGISTRY["customer"].schema
    monkeypatch.setattr(schema, "load", lambda self, data, **kw: {**NEW, "grade": "ZZ"}, raising=True)
    record, other = new_id(), new_id()
    first = tablet.push(tablet.put("customer", record, NEW))["results"][0]
    assert first["outcome"] == "rejected" and first["error"]["code"] == "server_error"
    monkeypatch.undo()
    assert tablet.push(tablet.put("customer", other, NEW))["results"][0]["outcome"] == "applied"
    assert customer(app, record) is None


def test_a_rejection_is_pulled_by_the_sending_client_group_only(world):
    sender, same_user_other_install, colleague = world.tablet("a1"), world.tablet("a1"), world.tablet("a2")
    result = sender.push(sender.put("customer", new_id(), {"phone": "1"}))
    (rejected,) = result["results"]
    state = sender.pull_all()
    (key,) = [k for k in state if k.startswith("rejection/")]
    value = state[key]
    assert value["clientID"] == sender.client and value["mutationID"] == 1 and value["name"] == "put"
    assert value["args"]["set"] == {"phone": "1"} and value["error"] == rejected["error"]
    assert not any(k.startswith("rejection/") for k in same_user_other_install.pull_all())
    assert not any(k.startswith("rejection/") for k in colleague.pull_all())


# --- Merge through the API ----------------------------------------------------------------------------------


def _shared_customer(world) -> tuple[Tablet, Tablet, str, dict]:
    a, b = world.tablet("a1"), world.tablet("a2")
    record = new_id()
    a.push(a.put("customer", record, NEW))
    seen = a.pull_all()[f"customer/{record}"]["fieldVersions"]
    b.pull_all()
    return a, b, record, seen


def test_two_tablets_editing_different_fields_both_win(app, world):
    a, b, record, seen = _shared_customer(world)
    assert a.push(a.put("customer", record, {"phone": "13900000001"}, base=seen))["results"][0]["outcome"] == "applied"
    assert b.push(b.put("customer", record, {"grade": "A"}, base=seen))["results"][0]["outcome"] == "applied"
    row = customer(app, record)
    assert row["phone"] == "13900000001" and row["grade"] == "A"


def test_two_tablets_editing_the_same_field_the_later_wins_and_a_conflict_keeps_the_other(app, world):
    a, b, record, seen = _shared_customer(world)
    first = a.push(a.put("customer", record, {"phone": "13900000001"}, base=seen))["results"][0]
    result = b.push(b.put("customer", record, {"phone": "13900000002"}, base=seen))["results"][0]
    assert result["outcome"] == "conflict" and len(result["conflictIDs"]) == 1
    assert customer(app, record)["phone"] == "13900000002"
    pulled = a.pull_all()
    conflict = pulled[f"conflict/{result['conflictIDs'][0]}"]
    assert conflict["entity"] == "customer" and conflict["record_id"] == record and conflict["field"] == "phone"
    assert conflict["overwritten_value"] == "13900000001" and conflict["applied_value"] == "13900000002"
    assert conflict["base_version"] == seen["phone"] and conflict["base_value"] == "13800138000"
    assert conflict["state"] == "open"
    assert conflict["overwritten_by"]["user"] == "李明" and conflict["overwritten_by"]["clientGroupID"] == a.group
    assert conflict["applied_by"]["user"] == "Wang" and conflict["applied_by"]["clientGroupID"] == b.group
    assert conflict["version"] == result["version"] and first["version"] < result["version"]


def test_a_tablets_own_successive_offline_edits_never_conflict(app, world):
    a, _b, record, seen = _shared_customer(world)
    results = a.push(
        a.put("customer", record, {"phone": "13900000001"}, base=seen),
        a.put("customer", record, {"phone": "13900000002"}, base=seen),
    )["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied"]


def test_an_edit_of_a_deleted_record_restores_it_and_keeps_the_delete(app, world):
    a, b, record, seen = _shared_customer(world)
    b.push(b.mutation("delete", {"entity": "customer", "id": record, "base": seen}))
    assert customer(app, record)["deleted"] is True
    assert f"customer/{record}" not in a.pull_all()  # a `del` op reached A
    result = a.push(a.put("customer", record, {"grade": "B"}, base=seen))["results"][0]
    assert result["outcome"] == "conflict"
    row = customer(app, record)
    assert row["deleted"] is False and row["grade"] == "B" and row["name"] == "张三"
    conflict = read(app, lambda: db.session.get(Conflict, result["conflictIDs"][0]).values())
    assert conflict["field"] == "deleted" and conflict["overwritten_value"] is True
    assert conflict["applied_value"] is False
    assert f"customer/{record}" in b.pull_all()  # back on every tablet


def test_a_delete_after_a_foreign_edit_wins_and_keeps_the_live_values(app, world):
    a, b, record, seen = _shared_customer(world)
    a.push(a.put("customer", record, {"phone": "13900000001"}, base=seen))
    result = b.push(b.mutation("delete", {"entity": "customer", "id": record, "base": seen}))["results"][0]
    assert result["outcome"] == "conflict"
    assert customer(app, record)["deleted"] is True
    conflict = read(app, lambda: db.session.get(Conflict, result["conflictIDs"][0]).values())
    assert conflict["field"] == "deleted" and conflict["applied_value"] is True
    assert conflict["overwritten_value"]["phone"] == "13900000001"
    assert conflict["overwritten_value"]["name"] == "张三"


def test_deleting_a_record_the_server_never_had_or_already_deleted_changes_nothing(app, world):
    a, _b, record, seen = _shared_customer(world)
    results = a.push(
        a.mutation("delete", {"entity": "customer", "id": new_id()}),
        a.mutation("delete", {"entity": "customer", "id": record, "base": seen}),
        a.mutation("delete", {"entity": "customer", "id": record, "base": seen}),
    )["results"]
    assert [r["outcome"] for r in results] == ["applied"] * 3
    assert customer(app, record)["deleted"] is True


@pytest.mark.parametrize(
    "device_time",
    ["1970-01-01T00:00:00Z", "2099-12-31T23:59:59+08:00", "not a time", 12, None, "2026-03-08T02:30:00-05:00"],
)
def test_device_clocks_decide_nothing(app, world, device_time):
    """A tablet whose clock says 1970 or 2099 (or DST's missing hour) neither wins nor loses because of it."""
    a, b, record, seen = _shared_customer(world)
    early = a.put("customer", record, {"phone": "13900000001"}, base=seen)
    early["deviceTime"] = device_time
    a.push(early)
    late = b.put("customer", record, {"phone": "13900000002"}, base=seen)
    late["deviceTime"] = "1970-01-01T00:00:00Z"
    assert b.push(late)["results"][0]["outcome"] == "conflict"
    assert customer(app, record)["phone"] == "13900000002"  # arrival order decides, not clocks


# --- Permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["series", "trim", "colour", "vehicle", "conflict"])
def test_read_only_entities_are_rejected(app, world, entity):
    tablet = world.tablet("manager")
    result = tablet.push(
        tablet.put(entity, new_id(), {"name": "x"}), tablet.mutation("delete", {"entity": entity, "id": new_id()})
    )
    assert [r["error"]["code"] for r in result["results"]] == ["read_only", "read_only"]


@pytest.mark.parametrize("role", ["back_office"])  # an escort may add a walk-in: tests/workflow/test_grade_changes.py
def test_a_role_not_allowed_to_write_customers_is_rejected_forbidden(app, world, role):
    tablet = world.tablet(role)
    record = new_id()
    result = tablet.push(tablet.put("customer", record, NEW))["results"][0]
    assert result["outcome"] == "rejected" and result["error"]["code"] == "forbidden"
    assert customer(app, record) is None


@pytest.mark.parametrize("owner", ["b1", "manager", "missing"])
def test_owner_must_be_an_active_consultant_of_the_same_store(app, world, owner):
    tablet = world.tablet("a1")
    owner_id = world.ids.get(owner, 999_999)
    record = new_id()
    result = tablet.push(tablet.put("customer", record, {**NEW, "owner_id": owner_id}))["results"][0]
    assert result["outcome"] == "rejected" and set(result["error"]["errors"]) == {"owner_id"}
    assert customer(app, record) is None


# --- Cross-store ids ----------------------------------------------------------------------------------------


def test_a_mutation_naming_another_stores_record_never_changes_or_reveals_it(app, world):
    theirs = world.tablet("b1")
    record = new_id()
    theirs.push(theirs.put("customer", record, {"name": "机密客户", "phone": "13911112222"}))
    before = customer(app, record)
    mine = world.tablet("a1")
    result = mine.push(
        mine.put("customer", record, {"name": "偷看", "phone": "13800000000"}),
        mine.put("customer", record, {"grade": "H"}, base={"grade": before["field_versions"]["grade"]}),
        mine.mutation("delete", {"entity": "customer", "id": record}),
    )
    assert [r["outcome"] for r in result["results"]] == ["rejected"] * 3
    assert {r["error"]["code"] for r in result["results"]} == {"not_found"}
    assert "机密客户" not in str(result) and "13911112222" not in str(result)
    assert customer(app, record) == before
    assert not any(record in key for key in mine.pull_all())
    assert store_version(app, world.ids["store_b"]) == before["version"]


# --- Transient failures -------------------------------------------------------------------------------------


def test_a_database_failure_mid_push_is_503_and_nothing_of_the_push_is_committed(app, world, monkeypatch):
    from server.sync import push as push_module

    tablet = world.tablet("a1")
    tablet.push(tablet.put("customer", new_id(), NEW))
    mutations = [tablet.put("customer", new_id(), {**NEW, "name": f"客户{i}"}) for i in range(5)]
    version = store_version(app, world.ids["store_a"])
    real, calls = push_module.process, []

    def failing(mutation, *args):
        calls.append(mutation.id)
        if len(calls) == 4:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real(mutation, *args)

    monkeypatch.setattr(push_module, "process", failing)
    response = raw_push(tablet, {"clientGroupID": tablet.group, "schemaVersion": 1, "mutations": mutations})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["code"] == "unavailable"
    assert all(customer(app, m["args"]["id"]) is None for m in mutations)
    assert last_mutation_id(app, tablet.client) == 1 and store_version(app, world.ids["store_a"]) == version
    assert log_count(app) == 1

    monkeypatch.setattr(push_module, "process", real)
    result = tablet.push(*mutations)
    assert [r["outcome"] for r in result["results"]] == ["applied"] * 5
    assert store_version(app, world.ids["store_a"]) == version + 5 and log_count(app) == 6
    assert [r["outcome"] for r in tablet.push(*mutations)["results"]] == ["duplicate"] * 5


def test_a_lost_push_response_is_recovered_by_pull_and_a_retry_changes_nothing(app, world):
    """The push committed but its response never arrived: the next pull's lastMutationIDChanges tells the tablet
    to drop those outbox entries; if it resends them anyway, they are duplicates."""
    tablet = world.tablet("a1")
    mutations = [tablet.put("customer", new_id(), NEW) for _ in range(3)]
    tablet.push(*mutations)  # response "lost"
    version = store_version(app, world.ids["store_a"])
    page = tablet.pull(cookie=None)
    assert page["lastMutationIDChanges"] == {tablet.client: 3}
    assert [r["outcome"] for r in tablet.push(*mutations)["results"]] == ["duplicate"] * 3
    assert store_version(app, world.ids["store_a"]) == version


# --- Versions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("schema_version", [0, -1, 2, 99])
def test_push_outside_the_schema_version_window_is_426_and_nothing_is_processed(app, world, schema_version):
    tablet = world.tablet("a1")
    mutation = tablet.put("customer", new_id(), NEW)
    response = raw_push(
        tablet, {"clientGroupID": tablet.group, "schemaVersion": schema_version, "mutations": [mutation]}
    )
    assert response.status_code == 426 and response.get_json()["code"] == "version_not_supported"
    assert customer(app, mutation["args"]["id"]) is None and log_count(app) == 0


def test_every_processed_mutation_takes_exactly_one_store_version(app, world):
    tablet = world.tablet("a1")
    before = store_version(app, world.ids["store_a"])
    record = new_id()
    results = tablet.push(
        tablet.put("customer", record, NEW),
        tablet.put("customer", new_id(), {"phone": "1"}),
        tablet.mutation("delete", {"entity": "customer", "id": record}),
    )["results"]
    assert [r.get("version") for r in results] == [before + 1, None, before + 3]
    assert store_version(app, world.ids["store_a"]) == before + 3


def test_groups_and_clients_are_bound_at_first_use(app, world):
    tablet = world.tablet("a1")
    tablet.push(tablet.put("customer", new_id(), NEW))

    def bound():
        group = db.session.get(ClientGroup, tablet.group)
        client = db.session.get(SyncClient, tablet.client)
        return group.user_id, group.store_id, client.client_group_id, client.last_mutation_id

    assert read(app, bound) == (world.ids["a1"], world.ids["store_a"], tablet.group, 1)


# --- One push, several mutations of one record --------------------------------------------------------------


def test_create_then_edits_and_delete_of_one_record_in_one_push(app, world):
    tablet = world.tablet("a1")
    record = new_id()
    results = tablet.push(
        tablet.put("customer", record, NEW),
        tablet.put("customer", record, {"grade": "B"}),
        tablet.put("customer", record, {"notes": "回访"}),
        tablet.mutation("delete", {"entity": "customer", "id": record}),
        tablet.put("customer", record, {"grade": "C"}),
    )["results"]
    assert [r["outcome"] for r in results] == ["applied"] * 5
    row = customer(app, record)
    assert (row["grade"], row["notes"], row["deleted"]) == ("C", "回访", False)
    assert row["version"] == results[-1]["version"]


def test_a_custom_mutator_finds_a_record_created_earlier_in_the_same_push(app, world, monkeypatch):
    """Named mutators other than put/delete (e.g. `sign`) run with a savepoint each; they must see what the fast
    pass wrote before them in the same push."""
    from server.records import mutators

    seen = []

    def touch(ctx, args):
        entity, record_id, record = mutators._target(ctx, args)
        seen.append(record is not None and record.name)
        return []

    monkeypatch.setitem(mutators.MUTATORS, "touch", touch)
    tablet = world.tablet("a1")
    record = new_id()
    results = tablet.push(
        tablet.put("customer", record, NEW), tablet.mutation("touch", {"entity": "customer", "id": record})
    )["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied"] and seen == ["张三"]


# --- Office writes racing a push ----------------------------------------------------------------------------


def test_an_office_edit_made_while_a_push_commits_keeps_the_pushed_field_versions(app, world):
    """The office loaded the customer, a tablet's push changed its phone and committed, then the office saves
    another field. The office write must merge with what is there now: the phone's field version must stay the
    push's (a regressed version would let a later stale tablet edit overwrite the phone without a conflict).

    On SQLite an office POST holds the write lock from its first statement (server/database.py), so the push
    cannot commit in between; on PostgreSQL (READ COMMITTED) it can, and the record in the session is stale."""
    import threading

    from server.database import is_sqlite
    from server.models import User
    from server.records.writes import server_put

    a = world.tablet("a1")
    record = new_id()
    a.push(a.put("customer", record, NEW))
    seen = a.pull_all()[f"customer/{record}"]["fieldVersions"]
    with app.app_context():
        if is_sqlite():
            db.session.remove()
            pytest.skip("SQLite: the office request serialises with pushes (BEGIN IMMEDIATE)")
        loaded = db.session.get(Customer, record)  # the office form was rendered from this
        manager = db.session.get(User, world.ids["manager"])
        results = []
        thread = threading.Thread(
            target=lambda: results.append(a.push(a.put("customer", record, {"phone": "13900000009"}, base=seen)))
        )
        thread.start()
        thread.join(30)
        pushed = results[0]["results"][0]["version"]
        server_put(loaded, {"notes": "办公室备注"}, manager)
        db.session.commit()
        db.session.remove()
    row = customer(app, record)
    assert row["phone"] == "13900000009" and row["notes"] == "办公室备注"
    assert row["field_versions"]["phone"] == pushed
    stale = world.tablet("a2")  # had seen only the first phone
    result = stale.push(stale.put("customer", record, {"phone": "13700000000"}, base=seen))["results"][0]
    assert result["outcome"] == "conflict"
