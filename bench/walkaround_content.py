"""Size and first-sync time of the demo's walk-around content (three series, pictures included).

Seeds the demo dealership without its walk-around content and measures a tablet's first sync of it (pull of the
full state in pages through the HTTP stack) — the baseline; then publishes the content (seed_walkaround) and
measures a first sync again, now with the content records and a download of every picture they reference (what
the tablet does after a pull). Prints the content's bytes (records as pulled JSON, pictures) and the ratio of the
two first-sync times, each the median of `--runs` fresh client groups.

    .venv/bin/python bench/walkaround_content.py [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.sync_push import make_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import ApiToken, User  # noqa: E402


def first_sync(app, token: str) -> tuple[float, int, int, int]:
    """One fresh client's full pull plus the download of every presentation picture; returns (seconds, pulled
    JSON bytes, presentation JSON bytes, picture bytes)."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"clientGroupID": str(uuid.uuid4()), "schemaVersion": 1, "cookie": None, "limit": 1000}
    pulled = content = picture_bytes = 0
    pictures: set[str] = set()
    start = time.perf_counter()
    while True:
        response = client.post("/api/sync/v1/pull", json=body, headers=headers)
        assert response.status_code == 200
        pulled += len(response.get_data())
        page = response.get_json()
        for op in page["patch"]:
            if op["op"] == "put" and op["key"].startswith("presentation/"):
                content += len(json.dumps(op, ensure_ascii=False).encode())
                for position in op["value"]["positions"]:
                    pictures |= {position["picture"], *(p["picture"] for p in position["points"])} - {None}
        body["cookie"] = page["cookie"]
        if not page["hasMore"]:
            break
    for sha in sorted(pictures):
        response = client.get(f"/api/sync/v1/blobs/{sha}", headers=headers)
        assert response.status_code == 200
        picture_bytes += len(response.get_data())
        response.close()
    return time.perf_counter() - start, pulled, content, picture_bytes


def measure(app, token: str, runs: int) -> tuple[float, tuple[int, int, int]]:
    results = [first_sync(app, token) for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[-1][1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app, drop = make_app(args.database_url)
    try:
        import server.demo as demo

        with app.app_context():
            real = demo.seed_walkaround
            demo.seed_walkaround = lambda *_a, **_k: 0  # the demo store as it was before issue 6
            try:
                demo.seed_demo()
            finally:
                demo.seed_walkaround = real
            db.session.commit()
            consultant = db.session.scalar(select(User).where(User.username == "consultant"))
            _row, token = ApiToken.issue(consultant, "bench", 1)
            db.session.commit()
            db.session.remove()
        first_sync(app, token)  # warm up (imports, first queries)
        baseline, (base_pulled, _c, _p) = measure(app, token, args.runs)
        with app.app_context():
            demo.seed_demo()  # now with the content: seed_walkaround publishes version 1 of each series
            db.session.commit()
            db.session.remove()
        with_content, (pulled, content, pictures) = measure(app, token, args.runs)
    finally:
        if drop:
            drop()
    print(f"walk-around content of the demo (3 series): records {content / 1024:.1f} KiB as pulled JSON,")
    print(f"  pictures {pictures / 1024:.1f} KiB, total {(content + pictures) / 1024:.1f} KiB")
    print(f"first sync without the content (baseline): {baseline * 1000:.0f} ms, {base_pulled / 1024:.1f} KiB pulled")
    print(f"first sync with the content and its pictures: {with_content * 1000:.0f} ms, {pulled / 1024:.1f} KiB pulled")
    print(f"ratio: {with_content / baseline:.2f}× the baseline (median of {args.runs} runs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
