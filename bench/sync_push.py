"""Cost of pushing through the sync engine against writing the same rows raw.

Pushes 10,000 `put` mutations creating customers, in batches of 500 as a tablet does, through the whole HTTP
stack (Flask test client: routing, token, JSON, shape check, per-mutation validation, merge, mutation log,
lastMutationID), and compares with a baseline measured in the same run: the same rows inserted into the customer
table with one SQLAlchemy Core executemany per batch. Prints both and the ratio (the figure to compare between
runs; the goal is at most 3×). `--profile` prints where the push time goes.

    .venv/bin/python bench/sync_push.py [--count 10000] [--batch 500] [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert  # noqa: E402

from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Customer, MutationLog, Store, SyncClient, next_store_version  # noqa: E402


def make_app(url: str | None):
    """An app on a fresh database (a temporary SQLite file, or a new PostgreSQL database beside `url`)."""
    tmp = tempfile.mkdtemp()
    drop = None
    if url and url.startswith("postgresql"):
        from tests.conftest import _fresh_postgres

        url, drop = _fresh_postgres(url)

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{tmp}/bench.db"
        STORAGE_DIR = f"{tmp}/storage"
        SECRET_KEY = "bench"  # noqa: S105

    app = create_app(BenchConfig)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app, drop


def setup(app) -> tuple[str, int, int]:
    """A store with a consultant and a token; returns (token, store id, user id)."""
    from server.models import ApiToken
    from server.workflow.accounts import create_store, create_user

    with app.app_context():
        store = create_store("BENCH", "压测店")
        user = create_user("bench", "bench-password-1", "consultant", store)
        _row, token = ApiToken.issue(user, "bench", 1)
        db.session.commit()
        ids = (token, store.id, user.id)
        db.session.remove()
    return ids


def rows(count: int, owner_id: int) -> list[dict]:
    return [
        {
            "name": f"客户{n}",
            "phone": f"139{n:08d}",
            "grade": "A",
            "source": "walk_in",
            "owner_id": owner_id,
            "notes": "",
        }
        for n in range(count)
    ]


def clear(app) -> None:
    with app.app_context():
        for model in (MutationLog, SyncClient, Customer):
            db.session.execute(delete(model))
        db.session.execute(db.update(Store).values(version=0))
        db.session.commit()
        db.session.remove()


def through_push(app, token: str, values: list[dict], batch: int) -> float:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    group, client_id = str(uuid.uuid4()), str(uuid.uuid4())
    mutations = [
        {
            "clientID": client_id,
            "id": n + 1,
            "name": "put",
            "args": {"entity": "customer", "id": str(uuid.uuid4()), "set": v, "base": {}},
            "deviceTime": "2026-11-29T10:14:07.512+08:00",
        }
        for n, v in enumerate(values)
    ]
    start = time.perf_counter()
    for offset in range(0, len(mutations), batch):
        body = {"clientGroupID": group, "schemaVersion": 1, "mutations": mutations[offset : offset + batch]}
        response = client.post("/api/sync/v1/push", json=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        results = response.get_json()["results"]
        assert all(r["outcome"] == "applied" for r in results), results[:3]
    return time.perf_counter() - start


def raw_insert(app, store_id: int, values: list[dict], batch: int) -> float:
    """The floor: the same rows, with ids, store, a version each and field versions, one executemany per batch."""
    start = time.perf_counter()
    with app.app_context():
        table = Customer.__table__
        for offset in range(0, len(values), batch):
            chunk = []
            for v in values[offset : offset + batch]:
                version = offset + len(chunk) + 1
                chunk.append(
                    {
                        **v,
                        "id": str(uuid.uuid4()),
                        "store_id": store_id,
                        "version": version,
                        "field_versions": dict.fromkeys(v, version),
                        "field_origins": {},
                        "deleted": False,
                    }
                )
            db.session.execute(insert(table), chunk)
            next_store_version(store_id)
            db.session.commit()
        db.session.remove()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=None, help="postgresql+psycopg://… (default: SQLite)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    app, drop = make_app(args.database_url)
    try:
        token, store_id, user_id = setup(app)
        values = rows(args.count, user_id)
        raw = raw_insert(app, store_id, values, args.batch)
        clear(app)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        api = through_push(app, token, values, args.batch)
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Customer)) == args.count
            db.session.remove()
        dialect = "postgresql" if args.database_url and args.database_url.startswith("postgresql") else "sqlite"
        print(
            f"push of {args.count} puts in batches of {args.batch} ({dialect}): {api:.2f} s "
            f"({api / args.count * 1e6:.0f} µs/mutation); raw Core insert: {raw:.2f} s; ratio {api / raw:.2f}x"
        )
    finally:
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()


if __name__ == "__main__":
    main()
