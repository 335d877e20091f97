"""Pull (SYNC_PROTOCOL.md, Pull): full state, (version, key) paging, cookies, `clear`, lastMutationIDChanges,
tenancy, the tombstone horizon and its purge."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import update

from server.extensions import db
from server.models import Customer, Store, utcnow
from server.records import registry
from server.records.registry import REGISTRY
from server.sync.pull import MAX_LIMIT, make_cookie
from tests.factories.tablets import Tablet, server_state
from tests.sync.test_push import NEW, customer, new_id

META = set(registry.META)  # the META fields every pulled value carries (device_created_at included)


def position(app, cookie: str) -> tuple[int, str]:
    """What an opaque cookie encodes (white-box: tests only)."""
    data = URLSafeSerializer(app.config["SECRET_KEY"], salt="showroom.sync.cookie").loads(cookie)
    return data["v"], data["k"]


def raw_pull(tablet: Tablet, **body):
    payload = {"clientGroupID": tablet.group, "schemaVersion": 1, "cookie": None, "limit": 1000, **body}
    return tablet.http.post("/api/sync/v1/pull", headers=tablet.headers, json=payload)


def op_position(op: dict) -> tuple[int, str]:
    return (op["value"]["version"] if op["op"] == "put" else -1), op["key"]


def populate(world, count: int = 12) -> tuple[Tablet, Tablet, list[str]]:
    """Customers of store A in several pushes, with edits, conflicts, deletes and a rejection."""
    a, b = world.tablet("a1"), world.tablet("a2")
    ids = [new_id() for _ in range(count)]
    a.push(*(a.put("customer", i, {**NEW, "name": f"客户{n}"}) for n, i in enumerate(ids[: count // 2])))
    b.push(*(b.put("customer", i, {**NEW, "name": f"客户{n}"}) for n, i in enumerate(ids[count // 2 :])))
    a.push(a.put("customer", ids[0], {"phone": "13900000001"}), a.put("customer", ids[1], {"grade": "B"}))
    b.push(
        b.put("customer", ids[0], {"phone": "13900000002"}),  # conflict: same version as the record
        b.mutation("delete", {"entity": "customer", "id": ids[2]}),
        b.put("customer", new_id(), {"phone": "bad"}),
    )  # rejection of B's group
    a.push(a.put("customer", ids[3], {"notes": "回访"}))
    return a, b, ids


def truth(app, store_id: int) -> dict[str, dict]:
    """Key → fields and version of every live record of the store, read from the database."""
    with app.app_context():
        state = project(server_state(store_id))
        db.session.remove()
    return state


def project(state: dict[str, dict]) -> dict[str, dict]:
    """Pulled values reduced to their entity's fields and version (rejections are not records of the store)."""
    out = {}
    for key, value in state.items():
        kind = key.split("/")[0]
        if kind == "rejection":
            continue
        out[key] = {f: value[f] for f in REGISTRY[kind].fields} | {"version": value["version"]}
    return out


# --- Full state ---------------------------------------------------------------------------------------------


def test_a_null_cookie_gets_the_full_state_without_clear_or_tombstones(app, world):
    a, _b, ids = populate(world)
    page = a.pull(cookie=None, limit=MAX_LIMIT)
    assert page["hasMore"] is False and all(op["op"] == "put" for op in page["patch"])
    keys = [op["key"] for op in page["patch"]]
    assert f"customer/{ids[2]}" not in keys  # deleted: nothing to send to an empty client
    value = next(op["value"] for op in page["patch"] if op["key"] == f"customer/{ids[1]}")
    assert set(value) == META | set(Customer.SYNC_FIELDS)
    assert value["grade"] == "B" and value["deleted"] is False and value["store_id"] == world.ids["store_a"]
    assert value["fieldVersions"]["grade"] > value["fieldVersions"]["name"]
    assert value["created_at"].endswith("+00:00")
    assert project({op["key"]: op["value"] for op in page["patch"]}) == truth(app, world.ids["store_a"])


def test_pull_never_shows_another_stores_records(app, world):
    populate(world)
    theirs = world.tablet("b1")
    record = new_id()
    theirs.push(theirs.put("customer", record, {"name": "B店客户"}))
    state = theirs.pull_all()
    assert [key for key in state if key.startswith("customer/")] == [f"customer/{record}"]
    assert all(f"customer/{record}" not in world.tablet(n).pull_all() for n in ("a1", "a2", "manager"))


def test_an_up_to_date_tablet_pulls_nothing_and_never_clear(world):
    tablet = world.tablet("a1")
    tablet.pull_all()
    for _ in range(3):
        page = tablet.pull()
        assert page["patch"] == [] and page["hasMore"] is False


# --- Paging -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_pages_follow_version_key_order_and_their_union_is_the_full_state(app, world, limit):
    a, b, _ids = populate(world)
    tablet = world.tablet("a1")
    seen: dict[str, dict] = {}
    last, cookies = (-1, ""), []
    while True:
        page = tablet.pull(limit=limit)
        assert len([op for op in page["patch"] if op["op"] != "clear"]) <= limit
        for op in page["patch"]:
            if op["op"] == "del":  # a tombstone past the first page: the tablet never had it, nothing to do
                assert op["key"] not in seen
                continue
            assert op["op"] == "put"
            here = op_position(op)
            assert here > last, (here, last)  # strictly increasing (version, key)
            last = here
            seen[op["key"]] = op["value"]
        cookies.append(position(app, page["cookie"]))
        if not page["hasMore"]:
            break
        assert len(page["patch"]) == limit
    assert cookies == sorted(cookies)  # cookies never go backwards
    assert project(seen) == truth(app, world.ids["store_a"])
    assert tablet.pull()["patch"] == []


def test_incremental_pulls_send_changes_and_deletes_once_in_order(app, world):
    a, b, ids = populate(world)
    a.pull_all()
    b.push(
        b.put("customer", ids[7], {"grade": "C"}),
        b.put("customer", ids[7], {"grade": "H"}),
        b.mutation("delete", {"entity": "customer", "id": ids[8]}),
    )
    page = a.pull(limit=10)
    assert [(op["op"], op["key"]) for op in page["patch"]] == [
        ("put", f"customer/{ids[7]}"),
        ("del", f"customer/{ids[8]}"),
    ]
    assert page["patch"][0]["value"]["grade"] == "H"


def test_writes_between_pages_are_not_missed(app, world):
    """A tablet pages through while others push: the union of its pages (puts and dels in order) is the state."""
    a, b, ids = populate(world)
    tablet = world.tablet("a1")
    seen: dict[str, dict] = {}
    step = 0
    while True:
        page = tablet.pull(limit=2)
        for op in page["patch"]:
            if op["op"] == "put":
                seen[op["key"]] = op["value"]
            else:
                seen.pop(op["key"], None)
        step += 1
        if step < 8:  # keep writing while paging: edits of sent and unsent records, creates, deletes
            b.push(
                b.put("customer", ids[step], {"notes": f"第{step}次"}),
                b.put("customer", new_id(), NEW),
                b.mutation("delete", {"entity": "customer", "id": ids[-step]}),
            )
        elif not page["hasMore"]:
            break
    assert project(seen) == truth(app, world.ids["store_a"])


@pytest.mark.parametrize("limit", [0, -1, True, "10", 2.5])
def test_a_bad_limit_is_400(world, limit):
    response = raw_pull(world.tablet("a1"), limit=limit)
    assert response.status_code == 400 and "limit" in response.get_json()["errors"]


def test_the_server_lowers_a_huge_limit(app, world):
    tablet = world.tablet("a1")
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        start = store.version
        for n in range(MAX_LIMIT + 3):
            row = Customer(id=str(uuid.UUID(int=n + 1)), store_id=store.id, name=f"c{n}")
            row.apply({"name": f"c{n}"}, start + n + 1)
            db.session.add(row)
        store.version = start + MAX_LIMIT + 3
        db.session.commit()
    with app.app_context():
        total = len(server_state(world.ids["store_a"]))
        db.session.remove()
    page = tablet.pull(limit=10**9)
    assert len(page["patch"]) == MAX_LIMIT and page["hasMore"] is True
    page = tablet.pull(limit=10**9)
    assert len(page["patch"]) == total - MAX_LIMIT and page["hasMore"] is False


@pytest.mark.parametrize("body", [[], "pull", {"schemaVersion": 1}, {"clientGroupID": "x"}])
def test_a_pull_body_not_of_the_shape_is_400(world, body):
    tablet = world.tablet("a1")
    response = tablet.http.post("/api/sync/v1/pull", headers=tablet.headers, json=body)
    assert response.status_code == 400 and set(response.get_json()) == {"code", "message", "errors"}


# --- Starting over: clear + full state ----------------------------------------------------------------------


def _first_sync(world) -> tuple[Tablet, list[str]]:
    a, _b, ids = populate(world)
    tablet = world.tablet("a1")
    tablet.pull_all()
    return tablet, ids


def _expect_clear(app, world, tablet: Tablet, cookie) -> None:
    page = tablet.pull(cookie=cookie, limit=MAX_LIMIT)
    assert page["patch"][0] == {"op": "clear"}
    assert all(op["op"] == "put" for op in page["patch"][1:])
    state = {op["key"]: op["value"] for op in page["patch"][1:]}
    assert project(state) == truth(app, world.ids["store_a"])
    assert tablet.pull()["patch"] == []  # and from its new cookie it is up to date, no second clear


@pytest.mark.parametrize("cookie", ["garbage", "", "eyJzIjoxfQ.forged", 42, {"v": 1}, ["x"]])
def test_an_unknown_or_garbage_cookie_gets_clear_and_the_full_state(app, world, cookie):
    tablet, _ids = _first_sync(world)
    _expect_clear(app, world, tablet, cookie)


def test_another_stores_cookie_gets_clear(app, world):
    tablet, _ids = _first_sync(world)
    theirs = world.tablet("b1")
    theirs.push(theirs.put("customer", new_id(), {"name": "B"}))
    foreign = theirs.pull()["cookie"]
    _expect_clear(app, world, tablet, foreign)


def test_another_client_groups_cookie_gets_clear(app, world):
    tablet, _ids = _first_sync(world)
    same_user_other_install = world.tablet("a1")
    _expect_clear(app, world, same_user_other_install, tablet.cookie)


def test_a_cookie_from_before_a_restore_gets_clear(app, world):
    """Restore from backup: the store's sync_epoch changes, and every earlier cookie is refused."""
    tablet, _ids = _first_sync(world)
    with app.app_context():
        db.session.execute(update(Store).where(Store.id == world.ids["store_a"]).values(sync_epoch=str(uuid.uuid4())))
        db.session.commit()
    _expect_clear(app, world, tablet, tablet.cookie)


def test_a_cookie_ahead_of_the_store_gets_clear(app, world):
    """A restored backup without a new epoch: the tablet has seen versions the server no longer has."""
    tablet, _ids = _first_sync(world)
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        ahead = make_cookie(store, tablet.group, store.version + 5, "customer/0")
    _expect_clear(app, world, tablet, ahead)


def test_a_cookie_older_than_the_tombstone_floor_gets_clear(app, world):
    tablet, ids = _first_sync(world)
    old = tablet.cookie
    b = world.tablet("a2")
    b.push(b.mutation("delete", {"entity": "customer", "id": ids[6]}))
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        store.tombstone_floor = store.version
        db.session.commit()
    _expect_clear(app, world, tablet, old)


def test_purge_deletes_old_tombstones_and_tablets_that_missed_them_start_over(app, world):
    """purge_tombstones: old tombstones go, the floor rises to the highest purged version; a tablet whose cookie
    is older gets clear + full state (without the purged record), a tablet already past it does not."""
    from server.sync.purge import purge_tombstones

    tablet, ids = _first_sync(world)
    behind = tablet.cookie
    b = world.tablet("a2")
    b.push(
        b.mutation("delete", {"entity": "customer", "id": ids[6]}),
        b.mutation("delete", {"entity": "customer", "id": ids[7]}),
    )
    up_to_date = world.tablet("a1")
    up_to_date.pull_all()
    b.push(b.put("customer", ids[8], {"notes": "之后"}))  # a later live change, above the floor
    with app.app_context():
        db.session.execute(
            update(Customer).where(Customer.id == ids[6]).values(updated_at=utcnow() - timedelta(days=100))
        )
        db.session.commit()
        assert purge_tombstones(world.ids["store_a"], utcnow() - timedelta(days=90)) == 1
        floor = db.session.get(Store, world.ids["store_a"]).tombstone_floor
        db.session.remove()
    assert customer(app, ids[6]) is None and customer(app, ids[7])["deleted"] is True
    assert floor > 0
    assert {op["op"] for op in up_to_date.pull()["patch"]} == {"put"}  # the later change (and its conflict)
    _expect_clear(app, world, tablet, behind)


def test_purge_tombstones_command(app, world):
    tablet, ids = _first_sync(world)
    tablet.push(tablet.mutation("delete", {"entity": "customer", "id": ids[9]}))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-tombstones", "--days", "0", "--store", "A"])
    assert result.exit_code == 0 and "store A: 2 tombstone(s) purged" in result.output, result.output
    assert customer(app, ids[9]) is None and customer(app, ids[2]) is None
    assert runner.invoke(args=["purge-tombstones"]).exit_code == 0
    assert runner.invoke(args=["purge-tombstones", "--store", "NOPE"]).exit_code != 0


def test_after_a_reset_the_cookie_is_not_behind_the_floor_again(app, world):
    """The floor can lie above every live record (all recent changes were purged deletes): the cookie of the full
    state must still pass it, or the tablet would get `clear` on every pull."""
    tablet, ids = _first_sync(world)
    b = world.tablet("a2")
    b.push(*(b.mutation("delete", {"entity": "customer", "id": i}) for i in ids[6:]))
    with app.app_context():
        store = db.session.get(Store, world.ids["store_a"])
        store.tombstone_floor = store.version
        db.session.commit()
    _expect_clear(app, world, tablet, tablet.cookie)
    assert tablet.pull()["patch"] == []


def test_a_full_state_paged_after_a_purge_gets_through_the_floor(app, world):
    """After a purge, a tablet that starts over pages through the full state with a small limit: its cookies lie
    below the floor (the live records are older than the purged tombstones), yet it must not be reset each page."""
    from server.sync.purge import purge_tombstones

    tablet, ids = _first_sync(world)
    b = world.tablet("a2")
    b.push(*(b.mutation("delete", {"entity": "customer", "id": i}) for i in ids[8:]))
    with app.app_context():
        assert purge_tombstones(world.ids["store_a"], utcnow() + timedelta(days=1)) == len(ids[8:]) + 1
        db.session.remove()
    pages, seen = 0, {}
    while True:
        page = tablet.pull(limit=2)
        pages += 1
        assert pages < 50, "reset on every page"
        assert (page["patch"][:1] == [{"op": "clear"}]) == (pages == 1)
        seen.update({op["key"]: op["value"] for op in page["patch"] if op["op"] == "put"})
        if not page["hasMore"]:
            break
    assert project(seen) == truth(app, world.ids["store_a"])


# --- lastMutationIDChanges, versions ------------------------------------------------------------------------


def test_last_mutation_id_changes_name_this_groups_clients_changed_since_the_cookie(world):
    a = world.tablet("a1")
    tab2 = Tablet(world.http, a.token, group=a.group)
    other = world.tablet("a2")
    a.push(a.put("customer", new_id(), NEW), tab2.put("customer", new_id(), NEW))
    other.push(other.put("customer", new_id(), NEW))
    assert a.pull()["lastMutationIDChanges"] == {a.client: 1, tab2.client: 1}
    assert a.pull()["lastMutationIDChanges"] == {}
    a.push(a.put("customer", new_id(), {"phone": "x"}))  # rejected mutations count too
    assert a.pull()["lastMutationIDChanges"] == {a.client: 2}


def test_last_mutation_id_changes_wait_for_the_page_that_holds_the_effects(world):
    """With paging, a client's new lastMutationID is reported only once the pages reached its mutation's
    version, so the tablet never drops a pending change before it holds what the server made of it."""
    a = world.tablet("a1")
    others = world.tablet("a2")
    others.push(*(others.put("customer", new_id(), NEW) for _ in range(5)))
    a.push(a.put("customer", new_id(), NEW))
    reported = []
    while True:
        page = a.pull(limit=2)
        reported.append(page["lastMutationIDChanges"])
        if not page["hasMore"]:
            break
    assert len(reported) >= 3 and reported[-1] == {a.client: 1} and not any(reported[:-1])


@pytest.mark.parametrize("schema_version", [0, -3])
def test_pull_below_the_minimum_schema_version_is_426(world, schema_version):
    response = raw_pull(world.tablet("a1"), schemaVersion=schema_version)
    assert response.status_code == 426 and response.get_json()["code"] == "version_not_supported"


def test_pull_above_the_maximum_schema_version_is_also_refused(world):
    """A client newer than the server (a rollback of the server) is not served data it may misread."""
    response = raw_pull(world.tablet("a1"), schemaVersion=2)
    assert response.status_code == 426
