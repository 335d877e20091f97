"""Sync fixtures: a store with a consultant holding a bearer token, and a small protocol client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from server.extensions import db
from server.models import ApiToken
from tests.factories import make_store, make_user


@dataclass
class Tablet:
    """A protocol client as a tablet would be: one client group, one client, numbered mutations."""

    http: object
    token: str
    group: str = field(default_factory=lambda: str(uuid.uuid4()))
    client: str = field(default_factory=lambda: str(uuid.uuid4()))
    next_id: int = 1
    cookie: str | None = None

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def mutation(self, name: str, args: dict, mid: int | None = None) -> dict:
        """A mutation with the next id (or `mid`)."""
        if mid is None:
            mid, self.next_id = self.next_id, self.next_id + 1
        return {
            "clientID": self.client,
            "id": mid,
            "name": name,
            "args": args,
            "deviceTime": "2026-11-29T10:14:07.512+08:00",
        }

    def put(self, entity: str, record_id: str, values: dict, base: dict | None = None) -> dict:
        return self.mutation("put", {"entity": entity, "id": record_id, "set": values, "base": base or {}})

    def push(self, *mutations: dict, expect: int = 200):
        response = self.http.post(
            "/api/sync/v1/push",
            headers=self.headers,
            json={"clientGroupID": self.group, "schemaVersion": 1, "mutations": list(mutations)},
        )
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.get_json()

    def pull(self, limit: int = 1000, cookie: object = "mine", expect: int = 200) -> dict:
        body = {
            "clientGroupID": self.group,
            "schemaVersion": 1,
            "limit": limit,
            "cookie": self.cookie if cookie == "mine" else cookie,
        }
        response = self.http.post("/api/sync/v1/pull", headers=self.headers, json=body)
        assert response.status_code == expect, response.get_data(as_text=True)
        data = response.get_json()
        if expect == 200:
            self.cookie = data["cookie"]
        return data

    def pull_all(self) -> dict[str, dict]:
        """Pull until hasMore is false; returns key → value of every put seen (dels remove)."""
        seen: dict[str, dict] = {}
        while True:
            page = self.pull()
            for op in page["patch"]:
                if op["op"] == "clear":
                    seen.clear()
                elif op["op"] == "put":
                    seen[op["key"]] = op["value"]
                else:
                    seen.pop(op["key"], None)
            if not page["hasMore"]:
                return seen


@pytest.fixture
def store(ctx):
    return make_store("SYNC")


def tablet_for(http, user) -> Tablet:
    """A Tablet holding a fresh token of `user`."""
    _row, clear = ApiToken.issue(user, "test tablet", 1)
    db.session.commit()
    return Tablet(http, clear)


@pytest.fixture
def consultant(store):
    return make_user(store, "consultant", display_name="李明")


@pytest.fixture
def tablet(client, consultant):
    return tablet_for(client, consultant)


# --- A small world for API tests: stores, users and tablets made in short app contexts -------------------------
#
# Requests are never made inside `with app.app_context()` (they would share `g` with the test). Users get a
# password hash computed once per run: argon2 is slow on purpose, and these tests never sign in with a password.

_HASH: list[str] = []


def quick_user(store, role: str = "consultant", language: str = "zh_CN", display_name: str | None = None):
    """A user of `store` with a shared, precomputed password hash (commits)."""
    from server.models import User
    from tests.factories import PASSWORD, _seq

    if not _HASH:
        from argon2 import PasswordHasher

        _HASH.append(PasswordHasher().hash(PASSWORD))
    n = next(_seq)
    user = User(
        username=f"{role}{n}",
        display_name=display_name or f"{role}{n}",
        role=role,
        store_id=store.id,
        language=language,
        password_hash=_HASH[0],
    )
    db.session.add(user)
    db.session.commit()
    return user


def issue_token(user, days: int = 1) -> str:
    """A fresh bearer token of `user` (commits)."""
    _row, clear = ApiToken.issue(user, "test tablet", days)
    db.session.commit()
    return clear


@dataclass
class World:
    """Two stores. Store A: consultants a1 (zh_CN) and a2 (en), a manager, an escort, a back-office clerk.
    Store B: consultant b1. `tablet(name)` makes a fresh install (client group + client) for that user."""

    http: object
    ids: dict
    tokens: dict

    def tablet(self, name: str) -> Tablet:
        return Tablet(self.http, self.tokens[name])


@pytest.fixture
def world(app, client) -> World:
    from tests.factories import make_store

    with app.app_context():
        a, b = make_store("A"), make_store("B")
        users = {
            "a1": quick_user(a, "consultant", display_name="李明"),
            "a2": quick_user(a, "consultant", language="en", display_name="Wang"),
            "manager": quick_user(a, "manager"),
            "escort": quick_user(a, "escort"),
            "back_office": quick_user(a, "back_office"),
            "b1": quick_user(b, "consultant", display_name="赵六"),
        }
        ids = {name: u.id for name, u in users.items()} | {"store_a": a.id, "store_b": b.id}
        tokens = {name: issue_token(u) for name, u in users.items()}
        db.session.remove()
    return World(client, ids, tokens)


def server_state(store_id: int, group_id: str | None = None) -> dict[str, dict]:
    """What a complete pull of this store shows, read straight from the database (call in an app context):
    key → value of every live record of every shared entity, plus the group's own rejections."""
    from sqlalchemy import select

    from server.i18n import device_moment
    from server.models import MutationLog
    from server.records.registry import REGISTRY
    from server.sync.pull import _json

    state = {}
    for name, entity in REGISTRY.items():
        if not entity.shared:
            continue
        model = entity.model
        for row in db.session.scalars(select(model).where(model.store_id == store_id, model.deleted.is_(False))):
            state[f"{name}/{row.id}"] = {
                "id": row.id,
                "store_id": row.store_id,
                "version": row.version,
                "fieldVersions": row.field_versions or {},
                "created_at": _json(row.created_at),
                "updated_at": _json(row.updated_at),
                "deleted": False,
                "device_created_at": row.device_created_at,
                **{f: _json(getattr(row, f)) for f in entity.fields},
                **({"awaitingBlobs": row.awaiting_blobs or []} if entity.blob_fields else {}),
            }
    if group_id is not None:
        rejected = select(MutationLog).where(MutationLog.client_group_id == group_id, MutationLog.outcome == "rejected")
        for log in db.session.scalars(rejected):
            state[f"rejection/{log.id:012d}"] = {
                "id": str(log.id),
                "store_id": log.store_id,
                "version": log.version,
                "fieldVersions": {},
                "created_at": _json(log.created_at),
                "updated_at": _json(log.created_at),
                "deleted": False,
                "device_created_at": device_moment(log.device_time),
                "clientID": log.client_id,
                "mutationID": log.mutation_id,
                "name": log.name,
                "args": log.args,
                "error": log.error,
            }
    return state
