"""A deterministic simulation of tablets syncing with the real server over a faulty network.

Used by tests/sync/test_simulation.py (seeded, ~10,000 steps in the default suite) and bench/sync_soak.py
(as many steps as asked). The server is the real one (Flask test client, real database); the tablets are Python
models of the PWA's sync loop:

- `Disk` is what survives a restart: the outbox (mutations numbered 1, 2, 3… per client), the server truth as
  pulled (`state`), the pull cookie, the token. A restart drops everything else (requests in flight, responses).
- The local view is the pulled state with the outbox rebased on top (what the consultant sees).
- Pushes travel through `Network`: lost before the server, delivered late, reordered, delivered twice (a stale
  retry), or their response lost after the commit. Pulls are lost, or applied without saving the cookie.

Faults are switched on by probabilities; `quiesce()` turns them off and syncs everyone to the end; `check()`
asserts the contract's promise: every view equals the server, nothing lost, nothing applied twice.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from server.extensions import db
from server.models import ApiToken, Conflict, Customer, GradeChange, MutationLog, Store, User, utcnow
from server.records.merge import DELETED, FieldState, Merge, merge_delete, merge_put
from server.sync import push as push_module

NAMES = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十"]
GRADES = ["N", "H", "A", "B", "C"]
SOURCES = ["walk_in", "phone_in", "online", "referral"]
CLOCKS = [
    "2026-11-29T10:14:07.512+08:00",
    "1970-01-01T00:00:00Z",
    "2099-12-31T23:59:59+08:00",
    "2026-03-08T02:30:00-05:00",
    "2026-11-01T01:30:00-04:00",
    None,
    "garbage",
]
FIELDS = ("name", "phone", "grade", "source", "owner_id", "notes")
DEFAULTS = {"phone": "", "grade": "N", "source": "walk_in", "owner_id": None, "notes": ""}  # CustomerSchema's


@dataclass
class Faults:
    """Probabilities per opportunity; `Faults()` is a quiet network."""

    lose_request: float = 0.0  # a push never reaches the server
    lose_response: float = 0.0  # the server committed, the tablet never hears of it
    duplicate: float = 0.0  # a delivered push stays in the network and arrives again later
    die_mid_batch: float = 0.0  # a database failure inside the push transaction
    crash_before_cookie: float = 0.0  # a pull applied but its cookie not saved
    restart: float = 0.0  # the app is killed: memory lost, disk kept
    revoke_token: float = 0.0  # the token is revoked (expired) mid-batch: 401, sign in again
    partition: float = 0.0  # chance per step to flip into / out of a partition (everything lost)
    purge: float = 0.0  # the server purges every tombstone (a tablet is now offline past the horizon)
    new_epoch: float = 0.0  # the store is restored from backup (new sync epoch)
    office: float = 0.0  # an office edit, delete or conflict settlement
    poison: float = 0.0  # a tablet write the server will reject (invalid phone, another store's record)

    @classmethod
    def all(cls, rng: random.Random) -> Faults:
        """Every fault at once, at random strengths (fault class 24)."""
        return cls(
            lose_request=rng.uniform(0.05, 0.3),
            lose_response=rng.uniform(0.05, 0.3),
            duplicate=rng.uniform(0.05, 0.3),
            die_mid_batch=rng.uniform(0.02, 0.1),
            crash_before_cookie=rng.uniform(0.02, 0.15),
            restart=rng.uniform(0.005, 0.03),
            revoke_token=rng.uniform(0.002, 0.01),
            partition=rng.uniform(0.005, 0.02),
            purge=rng.uniform(0.001, 0.004),
            new_epoch=rng.uniform(0.0005, 0.002),
            office=rng.uniform(0.01, 0.04),
            poison=rng.uniform(0.02, 0.08),
        )


@dataclass
class Disk:
    """What a tablet keeps across restarts."""

    token: str
    outbox: list[dict] = field(default_factory=list)
    next_id: int = 1
    cookie: Any = None
    state: dict[str, dict] = field(default_factory=dict)


class SimTablet:
    """One app install (client group) with one client, as the PWA's sync loop behaves."""

    def __init__(self, sim: Simulation, name: str, user_id: int, store_id: int, token: str):
        self.sim, self.name, self.user_id, self.store_id = sim, name, user_id, store_id
        self.group, self.client = str(uuid.uuid4()), str(uuid.uuid4())
        self.disk = Disk(token)
        self.session = 0  # a restart starts a new session; replies to an older one are dropped
        self.written: list[dict] = []  # every mutation ever made (the test's ledger, not the tablet's)
        self.clears = 0

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.disk.token}"}

    # -- the local view ------------------------------------------------------------------------------------

    def view(self) -> dict[str, dict]:
        """Pulled customers with the outbox rebased on top."""
        view = {k[9:]: dict(v) for k, v in self.disk.state.items() if k.startswith("customer/")}
        for mutation in self.disk.outbox:
            args = mutation["args"]
            if args.get("entity") != "customer":
                continue
            if mutation["name"] == "delete":
                view.pop(args["id"], None)
            elif mutation["name"] == "put" and isinstance(args.get("set"), dict):
                view.setdefault(args["id"], {"fieldVersions": {}}).update(args["set"])
        return view

    # -- writing -------------------------------------------------------------------------------------------

    def write(self, rng: random.Random) -> None:
        """A consultant's change, made offline: create, edit, delete, or (sometimes) one the server rejects."""
        view = self.view()
        pulled = {k[9:]: v for k, v in self.disk.state.items() if k.startswith("customer/")}
        roll = rng.random()
        if roll < self.sim.faults.poison:
            if rng.random() < 0.5 or not self.sim.foreign_ids:
                args = {
                    "entity": "customer",
                    "id": str(uuid.uuid4()),
                    "set": {"name": rng.choice(NAMES), "phone": "12345"},
                }
            else:  # a record of another store, named by id
                args = {"entity": "customer", "id": rng.choice(self.sim.foreign_ids), "set": {"grade": "H"}}
            self._add("put", args, rng)
        elif roll < 0.35 or not view:
            record = str(uuid.uuid4())
            values = {f: self.sim.value(f, rng, self.store_id) for f in FIELDS}
            self._add("put", {"entity": "customer", "id": record, "set": values, "base": {}}, rng)
        elif roll < 0.9:
            record = rng.choice(sorted(view))
            names = rng.sample(FIELDS, rng.randint(1, 3))
            values = {f: self.sim.value(f, rng, self.store_id) for f in names}
            seen = (pulled.get(record) or {}).get("fieldVersions", {})
            base = {f: seen.get(f, 0) for f in names}
            self._add("put", {"entity": "customer", "id": record, "set": values, "base": base}, rng)
        else:
            record = rng.choice(sorted(view))
            seen = (pulled.get(record) or {}).get("fieldVersions", {})
            self._add("delete", {"entity": "customer", "id": record, "base": dict(seen)}, rng)

    def _add(self, name: str, args: dict, rng: random.Random) -> None:
        mutation = {
            "clientID": self.client,
            "id": self.disk.next_id,
            "name": name,
            "args": args,
            "deviceTime": rng.choice(CLOCKS),
        }
        self.disk.next_id += 1
        self.disk.outbox.append(mutation)
        self.written.append(mutation)

    # -- sync ----------------------------------------------------------------------------------------------

    def push_body(self, rng: random.Random | None) -> dict | None:
        if not self.disk.outbox:
            return None
        count = len(self.disk.outbox) if rng is None else rng.randint(1, min(20, len(self.disk.outbox)))
        return {"clientGroupID": self.group, "schemaVersion": 1, "mutations": self.disk.outbox[:count]}

    def on_push(self, status: int, body: dict | None) -> None:
        if status == 401:
            self.sign_in_again()
            return
        if status != 200:
            assert status == 503, (status, body)
            return
        last = body["lastMutationIDs"].get(self.client, 0)
        self.drop_sent(last)
        if self.client in body["outOfOrder"]:
            expected = body["outOfOrder"][self.client]["expected"]
            assert expected == last + 1
            assert not self.disk.outbox or self.disk.outbox[0]["id"] == expected, "the outbox lost a mutation"

    def drop_sent(self, last: int) -> None:
        self.disk.outbox = [m for m in self.disk.outbox if m["id"] > last]

    def pull_body(self, limit: int) -> dict:
        return {"clientGroupID": self.group, "schemaVersion": 1, "cookie": self.disk.cookie, "limit": limit}

    def on_pull(self, status: int, body: dict | None, save_cookie: bool = True) -> bool:
        """Apply a pull page; returns hasMore."""
        if status == 401:
            self.sign_in_again()
            return True
        assert status == 200, (status, body)
        for op in body["patch"]:
            if op["op"] == "clear":
                self.clears += 1
                self.disk.state = {}
            elif op["op"] == "put":
                self.disk.state[op["key"]] = op["value"]
            else:
                self.disk.state.pop(op["key"], None)
        last = body["lastMutationIDChanges"].get(self.client)
        if last is not None:
            self.drop_sent(last)
        if save_cookie:
            self.disk.cookie = body["cookie"]
        return body["hasMore"]

    def restart(self) -> None:
        """Killed and started again: memory lost (replies in flight are never read), disk kept."""
        self.session += 1

    def sign_in_again(self) -> None:
        self.disk.token = self.sim.issue_token(self.user_id)


@dataclass
class InFlight:
    tablet: SimTablet
    session: int
    body: dict


class Simulation:
    """Tablets of two stores, a manager in the office, the real server, and a faulty network between them."""

    def __init__(self, app, http, seed: int, faults: Faults, tablets: int = 3):
        from tests.factories import make_store
        from tests.factories.tablets import issue_token, quick_user

        self.app, self.http, self.rng, self.faults = app, http, random.Random(seed), faults
        self.network: list[InFlight] = []
        self.acks: list[dict] = []
        self.partitioned = False
        self.purges: list[int] = []  # store versions after which every tombstone was purged
        self.steps = 0
        self.fail_at: int | None = None
        with app.app_context():
            a, b = make_store(f"SIM{seed}A"), make_store(f"SIM{seed}B")
            consultants = [quick_user(a, "consultant") for _ in range(2)]
            manager = quick_user(a, "manager")
            other = quick_user(b, "consultant")
            self.store_a, self.store_b, self.manager_id = a.id, b.id, manager.id
            self.start_versions = {a.id: a.version, b.id: b.version}
            self.consultant_ids = {a.id: [c.id for c in consultants], b.id: [other.id]}
            self.tablets = [
                SimTablet(self, f"t{n}", consultants[n % 2].id, a.id, issue_token(consultants[n % 2]))
                for n in range(tablets)
            ]
            self.tablets.append(SimTablet(self, "tB", other.id, b.id, issue_token(other)))
            db.session.remove()
        self.foreign_ids: list[str] = []
        self._real_process = push_module.process

    # -- helpers -------------------------------------------------------------------------------------------

    def value(self, name: str, rng: random.Random, store_id: int) -> Any:
        if name == "name":
            return rng.choice(NAMES)
        if name == "phone":
            return rng.choice(["", f"139{rng.randrange(10**8):08d}"])
        if name == "grade":
            return rng.choice(GRADES)
        if name == "source":
            return rng.choice(SOURCES)
        if name == "owner_id":
            return rng.choice([None, *self.consultant_ids[store_id]])
        return rng.choice(["", "回访", "试驾后再联系", f"备注{rng.randrange(100)}"])

    def issue_token(self, user_id: int) -> str:
        from tests.factories.tablets import issue_token

        with self.app.app_context():
            token = issue_token(db.session.get(User, user_id))
            db.session.remove()
        return token

    def _process(self, mutation, *args):
        """push.process, dying on the `fail_at`-th mutation of the current push (server dies mid-batch)."""
        if self.fail_at is not None:
            self.fail_at -= 1
            if self.fail_at == 0:
                self.fail_at = None
                raise OperationalError("INSERT INTO mutation_log", {}, Exception("server died"))
        return self._real_process(mutation, *args)

    def __enter__(self) -> Simulation:
        push_module.process = self._process
        return self

    def __exit__(self, *exc) -> None:
        push_module.process = self._real_process

    def post(self, tablet: SimTablet, path: str, body: dict) -> tuple[int, dict | None]:
        response = self.http.post(path, json=body, headers=tablet.headers)
        assert response.status_code != 500
        return response.status_code, response.get_json()

    # -- one step ------------------------------------------------------------------------------------------

    def step(self) -> None:
        rng, f = self.rng, self.faults
        self.steps += 1
        if self.steps % 200 == 0:
            self.refresh_foreign_ids()
        if rng.random() < f.partition:
            self.partitioned = not self.partitioned
        tablet = rng.choice(self.tablets)
        if rng.random() < f.restart:
            tablet.restart()
        elif rng.random() < f.purge:
            self.purge()
        elif rng.random() < f.new_epoch:
            self.new_epoch()
        elif rng.random() < f.office:
            self.office_write()
        else:
            roll = rng.random()
            if roll < 0.32:
                tablet.write(rng)
            elif roll < 0.55:
                body = tablet.push_body(rng)
                if body is not None and not (self.partitioned or rng.random() < f.lose_request):
                    self.network.append(InFlight(tablet, tablet.session, body))
            elif roll < 0.77:
                if self.network:
                    self.deliver(self.network.pop(rng.randrange(len(self.network))))
            else:
                self.pull_once(tablet, rng.choice([1, 2, 3, 5, 10, 50]))

    def deliver(self, flight: InFlight, faults: bool = True) -> None:
        rng, f = self.rng, self.faults
        if faults and rng.random() < f.duplicate:
            self.network.append(InFlight(flight.tablet, flight.session, flight.body))  # arrives again later
        if faults and rng.random() < f.revoke_token:
            self.revoke(flight.tablet)
        if faults and rng.random() < f.die_mid_batch:
            self.fail_at = rng.randint(1, len(flight.body["mutations"]))
        status, body = self.post(flight.tablet, "/api/sync/v1/push", flight.body)
        self.fail_at = None
        if status == 200:  # what the server said, whether or not the tablet hears it
            self.acks.extend(body["results"])
        lost = faults and (self.partitioned or rng.random() < f.lose_response)
        if not lost and flight.session == flight.tablet.session:
            flight.tablet.on_push(status, body)

    def pull_once(self, tablet: SimTablet, limit: int, faults: bool = True) -> bool:
        rng, f = self.rng, self.faults
        if faults and (self.partitioned or rng.random() < f.lose_request):
            return True
        status, body = self.post(tablet, "/api/sync/v1/pull", tablet.pull_body(limit))
        if faults and rng.random() < f.lose_response:
            return True
        return tablet.on_pull(status, body, save_cookie=not (faults and rng.random() < f.crash_before_cookie))

    def revoke(self, tablet: SimTablet) -> None:
        from server.models.user import hash_token

        with self.app.app_context():
            db.session.execute(
                update(ApiToken).where(ApiToken.token_hash == hash_token(tablet.disk.token)).values(revoked_at=utcnow())
            )
            db.session.commit()
            db.session.remove()

    def new_epoch(self) -> None:
        """The store is restored from backup (`reset-sync-epoch`): every cookie of the store is refused."""
        with self.app.app_context():
            db.session.execute(update(Store).where(Store.id == self.store_a).values(sync_epoch=str(uuid.uuid4())))
            db.session.commit()
            db.session.remove()

    def refresh_foreign_ids(self) -> None:
        with self.app.app_context():
            self.foreign_ids = list(
                db.session.scalars(
                    select(Customer.id).where(Customer.store_id == self.store_b).order_by(Customer.id).limit(5)
                )
            )
            db.session.remove()

    def purge(self) -> None:
        """Every tombstone is past the horizon (a tablet was offline longer than TOMBSTONE_DAYS)."""
        from server.sync.purge import purge_tombstones

        with self.app.app_context():
            purge_tombstones(self.store_a, utcnow() + timedelta(days=1))
            self.purges.append(db.session.get(Store, self.store_a).version)
            db.session.remove()

    def office_write(self) -> None:
        """The manager edits or deletes a customer in the office, or settles a conflict."""
        from server.records.conflicts import StaleConflict, settle
        from server.records.writes import server_put, server_set_deleted

        rng = self.rng
        with self.app.test_request_context():  # an office request (messages need its locale)
            manager = db.session.get(User, self.manager_id)
            roll = rng.random()
            if roll < 0.4:
                conflicts = db.session.scalars(
                    select(Conflict)
                    .where(Conflict.store_id == self.store_a, Conflict.state == "open")
                    .order_by(Conflict.id)
                ).all()
                if conflicts:
                    try:
                        settle(rng.choice(conflicts), rng.choice(["keep", "restore"]), manager)
                        db.session.commit()
                    except StaleConflict:
                        db.session.rollback()
            else:
                records = db.session.scalars(
                    select(Customer).where(Customer.store_id == self.store_a).order_by(Customer.id)
                ).all()
                if records:
                    record = rng.choice(records)
                    if roll < 0.85:
                        name = rng.choice(["grade", "notes", "phone"])
                        server_put(record, {name: self.value(name, rng, self.store_a)}, manager)
                    else:
                        server_set_deleted(record, not record.deleted, manager)
                    db.session.commit()
            db.session.remove()

    # -- the end -------------------------------------------------------------------------------------------

    def run(self, steps: int) -> None:
        for _ in range(steps):
            self.step()

    def quiesce(self) -> None:
        """Faults off: stale pushes still in the network arrive, then everyone syncs until nothing changes."""
        self.partitioned = False
        while self.network:
            self.deliver(self.network.pop(self.rng.randrange(len(self.network))), faults=False)
        for _round in range(20):
            before = [(t.disk.state, list(t.disk.outbox)) for t in self.tablets]
            for tablet in self.tablets:
                for _attempt in range(50):
                    body = tablet.push_body(None)
                    if body is None:
                        break
                    tablet.on_push(*self.post(tablet, "/api/sync/v1/push", body))
                assert not tablet.disk.outbox, f"{tablet.name}: outbox never drains: {tablet.disk.outbox[:2]}"
                for _page in range(10_000):
                    if not self.pull_once(tablet, 50, faults=False):
                        break
                else:
                    raise AssertionError(f"{tablet.name}: pull never ends (hasMore forever)")
            if before == [(t.disk.state, list(t.disk.outbox)) for t in self.tablets]:
                return
        raise AssertionError("the tablets never converged")

    def check(self) -> dict:
        """The contract's promise, after quiescence. Returns counts for the report."""
        with self.app.app_context():
            try:
                return self._check()
            finally:
                db.session.remove()

    def _check(self) -> dict:
        mine = (self.store_a, self.store_b)
        logs = db.session.scalars(
            select(MutationLog)
            .where(MutationLog.store_id.in_(mine))
            .order_by(MutationLog.store_id, MutationLog.version)
        ).all()
        by_mutation = {(log.client_id, log.mutation_id): log for log in logs if log.client_id}

        # Nothing applied twice, nothing lost on the way: each written mutation is in the log exactly once, and
        # every store version was taken by exactly one log entry (a processed mutation or a server write).
        written = [m for t in self.tablets for m in t.written]
        assert len(by_mutation) == len([log for log in logs if log.client_id]) == len(written)
        assert all((m["clientID"], m["id"]) in by_mutation for m in written)
        for store_id in (self.store_a, self.store_b):
            versions = [log.version for log in logs if log.store_id == store_id]
            first = self.start_versions[store_id]  # versions taken when the store was made (shipped templates)
            assert versions == list(range(first + 1, first + len(versions) + 1)), "a version skipped or taken twice"
            assert db.session.get(Store, store_id).version == first + len(versions)

        # What the tablets were told is what the log says.
        for ack in self.acks:
            log = by_mutation[(ack["clientID"], ack["id"])]
            if ack["outcome"] == "duplicate":
                assert ack["original"] == log.result()
            else:
                assert ack == log.result()

        # Every view equals the server's state (customers, conflicts, the group's own rejections).
        for tablet in self.tablets:
            assert tablet.disk.state == self._server_state(tablet), f"{tablet.name} diverged"

        # Replaying the log through the pure merge rules gives the database: nothing applied twice or missed,
        # every conflict the rules call for was written, and no overwritten value was silently lost.
        replayed, lost_checked = self._replay(logs)
        return {
            "steps": self.steps,
            "mutations": len(written),
            "clears": sum(t.clears for t in self.tablets),
            "log": len(logs),
            "acks": len(self.acks),
            "conflicts": db.session.scalar(
                select(func.count()).select_from(Conflict).where(Conflict.store_id.in_(mine))
            ),
            "rejected": sum(log.outcome == "rejected" for log in logs),
            "purges": len(self.purges),
            "replayed": replayed,
            "overwrites_checked": lost_checked,
        }

    def _server_state(self, tablet: SimTablet) -> dict[str, dict]:
        from tests.factories.tablets import server_state

        return server_state(tablet.store_id, tablet.group)

    def _replay(self, logs: list[MutationLog]) -> tuple[int, int]:
        conflicts: dict[tuple[str, int], list[Conflict]] = {}
        for conflict in db.session.scalars(select(Conflict).where(Conflict.store_id == self.store_a)):
            first = min((conflict.field_versions or {}).values(), default=conflict.version)
            conflicts.setdefault((conflict.record_id, first), []).append(conflict)
        records: dict[str, dict] = {}  # id → {"fields": {f: FieldState}, "tomb": FieldState | None}
        purges = sorted(self.purges)
        # A purge keeps a tombstone another record names (server/sync/purge.py): here, the grade change a restore
        # of a grade in the office records (server/workflow/customers.py), from the version it was written at.
        named: dict[str, int] = {}
        for change in db.session.scalars(select(GradeChange).where(GradeChange.store_id == self.store_a)):
            named[change.customer_id] = min(change.version, named.get(change.customer_id, change.version))

        def purged(records: dict, at: int) -> dict:
            return {k: r for k, r in records.items() if r["tomb"] is None or named.get(k, at + 1) <= at}

        replayed = checked = 0
        for log in logs:
            if log.store_id != self.store_a:
                continue
            while purges and log.version > purges[0]:
                records = purged(records, purges.pop(0))
            args = log.args if isinstance(log.args, dict) else {}
            if log.outcome == "rejected" or args.get("entity") != "customer":
                continue
            replayed += 1
            origin = log.client_group_id or f"office:{log.user_id}"
            record = records.get(args["id"])
            current = record["fields"] if record else None
            base = {}
            if log.name == "put":
                base = (
                    (args.get("base") or {})
                    if log.client_group_id
                    else {f: s.version for f, s in (current or {}).items()}
                )
                incoming = args["set"] if current is not None else {**DEFAULTS, **args["set"]}
                merge = merge_put(current, record and record["tomb"], incoming, base, origin)
            elif log.name == "delete" and log.client_group_id:
                if record is None:
                    continue
                base = args.get("base") or {}
                merge = merge_delete(current, record["tomb"], base, origin)
            else:  # office delete / undelete
                merge = Merge(delete=log.name == "delete", undelete=log.name == "undelete")
            kept = conflicts.get((args["id"], log.version), [])
            assert sorted((c.field, repr(c.overwritten_value), repr(c.applied_value)) for c in kept) == sorted(
                (d.field, repr(d.overwritten.value), repr(d.applied_value)) for d in merge.conflicts
            ), log.id
            if record is None:
                record = records[args["id"]] = {"fields": {f: FieldState(None) for f in FIELDS}, "tomb": None}
            for name, value in merge.changes.items():
                old = record["fields"][name]
                if old.value == value:  # SyncMixin.apply stamps only what changes
                    continue
                if current is not None and old.version:  # a value is replaced: seen, own, or kept
                    checked += 1
                    seen = base.get(name, 0) == old.version if log.name == "put" else False
                    assert (
                        old.origin == origin
                        or seen
                        or any(c.field == name and c.overwritten_value == old.value for c in kept)
                    ), (log.id, name)
                record["fields"][name] = FieldState(value, log.version, origin)
            if merge.delete and record["tomb"] is None and current is not None and log.client_group_id:
                hidden = {
                    n: s for n, s in current.items() if s.version and s.origin != origin and base.get(n, 0) != s.version
                }
                if hidden:
                    checked += len(hidden)
                    (conflict,) = [c for c in kept if c.field == DELETED]
                    assert all(conflict.overwritten_value[n] == s.value for n, s in hidden.items())
            if merge.delete or merge.undelete:
                if (
                    merge.undelete
                    and record["tomb"] is not None
                    and record["tomb"].origin != origin
                    and (log.client_group_id)
                ):  # (the office undeletes by a person's decision: no conflict)
                    checked += 1
                    assert any(c.field == DELETED and c.overwritten_value is True for c in kept), log.id
                record["tomb"] = FieldState(True, log.version, origin) if merge.delete else None
        while purges:
            records = purged(records, purges.pop(0))
        rows = {row.id: row for row in db.session.scalars(select(Customer).where(Customer.store_id == self.store_a))}
        assert set(rows) == set(records), "records created or lost outside the log"
        for record_id, record in records.items():
            row = rows[record_id]
            assert row.deleted == (record["tomb"] is not None), record_id
            assert {f: getattr(row, f) for f in FIELDS} == {f: s.value for f, s in record["fields"].items()}, record_id
            versions = {f: s.version for f, s in record["fields"].items() if s.version}
            assert {f: v for f, v in (row.field_versions or {}).items() if f != DELETED} == versions, record_id
        return replayed, checked
