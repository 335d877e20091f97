"""Cost of a first sync (pull of the full state in pages) against reading the same rows raw.

Loads 50,000 customers into a store, then pulls them through the whole HTTP stack (Flask test client: token,
shape check, one snapshot per page, the (version, key) merge across every synced entity, cookies, JSON) in pages
of `--limit` (default 5000), and compares with a baseline measured in the same run: the same rows read with one
raw SQLAlchemy Core select per page (keyset on version) and encoded with json.dumps. Prints both and the ratio
(the goal is at most 2×).

    .venv/bin/python bench/sync_pull.py [--count 50000] [--limit 5000] [--database-url URL] [--profile]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update  # noqa: E402

from bench.sync_push import make_app, setup  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import Customer, Store  # noqa: E402


def load(app, store_id: int, owner_id: int, count: int) -> None:
    with app.app_context():
        rows = []
        for n in range(count):
            version = n + 1
            values = {
                "name": f"客户{n}",
                "phone": f"139{n:08d}",
                "grade": "A",
                "source": "walk_in",
                "owner_id": owner_id,
                "notes": "试驾后再联系",
            }
            rows.append(
                {
                    **values,
                    "id": str(uuid.uuid4()),
                    "store_id": store_id,
                    "version": version,
                    "field_versions": dict.fromkeys(values, version),
                    "field_origins": {},
                    "deleted": False,
                }
            )
        for offset in range(0, count, 5000):
            db.session.execute(insert(Customer.__table__), rows[offset : offset + 5000])
        db.session.execute(update(Store).where(Store.id == store_id).values(version=count))
        db.session.commit()
        db.session.remove()


def through_pull(app, token: str, limit: int, count: int) -> float:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"clientGroupID": str(uuid.uuid4()), "schemaVersion": 1, "cookie": None, "limit": limit}
    received = 0
    start = time.perf_counter()
    while True:
        response = client.post("/api/sync/v1/pull", json=body, headers=headers)
        assert response.status_code == 200
        page = response.get_json()
        received += sum(op["key"].startswith("customer/") for op in page["patch"])  # (the store's templates too)
        body["cookie"] = page["cookie"]
        if not page["hasMore"]:
            break
    elapsed = time.perf_counter() - start
    assert received == count, received
    return elapsed


def raw_select(app, store_id: int, limit: int, count: int) -> float:
    """The floor: the same columns, a keyset page at a time, as JSON."""
    table = Customer.__table__
    fields = ("name", "phone", "grade", "source", "owner_id", "notes")
    received, after = 0, 0
    start = time.perf_counter()
    with app.app_context():
        while True:
            query = (
                select(table)
                .where(table.c.store_id == store_id, table.c.version > after)
                .order_by(table.c.version, table.c.id)
                .limit(limit)
            )
            page = []
            for row in db.session.execute(query):
                value = {
                    "id": row.id,
                    "store_id": row.store_id,
                    "version": row.version,
                    "fieldVersions": row.field_versions,
                    "created_at": row.created_at.isoformat(),
                    "updated_at": row.updated_at.isoformat(),
                    "deleted": row.deleted,
                    **{f: row._mapping[f] for f in fields},
                }
                page.append({"op": "put", "key": f"customer/{row.id}", "value": value})
            json.dumps({"patch": page}, ensure_ascii=False)
            received += len(page)
            if len(page) < limit:
                break
            after = page[-1]["value"]["version"]
        db.session.remove()
    elapsed = time.perf_counter() - start
    assert received == count
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--database-url", default=None, help="postgresql+psycopg://… (default: SQLite)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    app, drop = make_app(args.database_url)
    try:
        token, store_id, user_id = setup(app)
        load(app, store_id, user_id, args.count)
        raw_select(app, store_id, args.limit, args.count)  # warm the caches of both
        raw = min(raw_select(app, store_id, args.limit, args.count) for _ in range(3))
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        api = min(through_pull(app, token, args.limit, args.count) for _ in range(3))
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        dialect = "postgresql" if args.database_url and args.database_url.startswith("postgresql") else "sqlite"
        print(
            f"pull of {args.count} records in pages of {args.limit} ({dialect}): {api:.2f} s; "
            f"raw select + json: {raw:.2f} s; ratio {api / raw:.2f}x"
        )
    finally:
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()


if __name__ == "__main__":
    main()
