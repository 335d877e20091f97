"""Cost of the policy layer and bearer-token check on a small API call.

Measures `GET /api/me` through the whole stack (routing, policy hook, token lookup by hash, JSON) against a
baseline measured in the same run: the same user and store read with a raw SQLAlchemy select and encoded
with json.dumps. Prints medians and the ratio; the ratio is what to compare between runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from server import create_app  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import ApiToken, Store, User  # noqa: E402

ROUNDS, CALLS = 7, 300


def median_seconds(fn) -> float:
    """Median over ROUNDS of the time for CALLS calls of `fn`."""
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    tmp = tempfile.mkdtemp()

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.db"
        STORAGE_DIR = f"{tmp}/storage"

    app = create_app(BenchConfig)
    with app.app_context():
        from flask_migrate import upgrade

        from server.demo import seed_demo

        upgrade()
        seed_demo()
        user = db.session.scalar(select(User).where(User.username == "consultant"))
        _row, token = ApiToken.issue(user, "bench", 1)
        db.session.commit()
        user_id = user.id

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def through_api():
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 200

    def baseline():
        with app.app_context():
            row = db.session.execute(select(User, Store).join(Store).where(User.id == user_id)).one()
            json.dumps({"user": row.User.to_public(), "store": row.Store.to_public()})
            db.session.remove()

    api, raw = median_seconds(through_api), median_seconds(baseline)
    print(
        f"GET /api/me: {api / CALLS * 1e3:.3f} ms/call; raw select+json: {raw / CALLS * 1e3:.3f} ms/call; "
        f"ratio {api / raw:.2f}x"
    )


if __name__ == "__main__":
    main()
