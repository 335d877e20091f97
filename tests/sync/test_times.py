"""Every time the server publishes carries its offset (SYNC_PROTOCOL.md, Pull): `…+08:00` or `Z`.

A conflict's `overwritten_by.at` had none (SQLite hands back naive datetimes and the log's was printed as it came),
so a tablet read a UTC time as its own local time. Here every string that looks like a time, anywhere in every
record a pull returns (nested values included) and in the push and pull answers, must parse with an offset; and a
device time a client sent without one is read in the store's time zone and published with the store's offset.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.models import Walkaround
from tests.factories.everything import everything_fixture, lot_fixture  # noqa: F401 - fixtures
from tests.sync.test_push import read

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def times(value, path: str = "") -> list[tuple[str, str]]:
    """Every (path, text) in a JSON value whose text starts like a date and a time."""
    if isinstance(value, dict):
        return [found for key, child in value.items() for found in times(child, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, child in enumerate(value) for found in times(child, f"{path}.{index}")]
    return [(path, value)] if isinstance(value, str) and TIME.match(value) else []


def without_offset(value) -> dict[str, str]:
    """The times in `value` that do not parse as ISO 8601 with an offset."""
    bad = {}
    for path, text in times(value):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            bad[path] = text
            continue
        if parsed.tzinfo is None:
            bad[path] = text
    return bad


def test_every_time_in_every_pulled_record_carries_its_offset(everything):
    """The consultant, the escort and the manager pull everything they may see; no time without an offset —
    `overwritten_by.at` and `applied_by.at` of the conflict included."""
    seen = set()
    for tablet in (everything.lot.consultant, everything.lot.escort, everything.manager):
        tablet.cookie = None
        pulled = tablet.pull_all()
        conflicts = [v for k, v in pulled.items() if k.startswith("conflict/")]
        assert conflicts and all(c["overwritten_by"]["at"] and c["applied_by"]["at"] for c in conflicts)
        seen.update(path.split(".")[2] for path, _text in times(pulled))
        assert without_offset(pulled) == {}
    assert {"created_at", "updated_at"} <= seen


def test_the_push_and_pull_answers_carry_no_time_without_an_offset(everything):
    """The answers themselves (results, duplicates' originals) hold no offset-less time either."""
    tablet = everything.lot.consultant
    mutation = tablet.put("customer", str(uuid.uuid4()), {"name": "赵六"})
    answers = [tablet.push(mutation), tablet.push(mutation), tablet.pull(cookie=None)]
    answers.append(tablet.http.get("/api/me", headers=tablet.headers).get_json())  # the token's expiry, read back
    assert answers[-1]["expires_at"]
    assert without_offset(answers) == {}


FUZZ = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LOCAL = st.builds(
    lambda d, h, m, s: f"{d.isoformat()}T{h:02d}:{m:02d}" + (f":{s:02d}" if s is not None else ""),
    st.dates(min_value=datetime(2020, 1, 1).date(), max_value=datetime(2035, 12, 31).date()),
    st.integers(0, 23),
    st.integers(0, 59),
    st.one_of(st.none(), st.integers(0, 59)),
)


def test_a_device_time_sent_without_an_offset_is_published_in_the_store_zone(app, everything):
    """Hypothesis: a walk-around's start sent as local wall time (no offset) is kept as that wall time in the store's
    zone (Asia/Shanghai, +08:00) and published with the offset; one sent with an offset keeps its instant."""
    tablet, record = everything.lot.consultant, everything.records["walkaround"]

    @FUZZ
    @given(wall=LOCAL, offset=st.sampled_from(["", "Z", "+08:00", "-05:30"]))
    def attack(wall, offset):
        result = tablet.push(tablet.put("walkaround", record, {"started_at": wall + offset}))["results"][0]
        assert result["outcome"] in ("applied", "conflict"), result
        stored = read(app, lambda: db.session.get(Walkaround, record).started_at)
        parsed = datetime.fromisoformat(stored.replace("Z", "+00:00"))
        sent = datetime.fromisoformat((wall + (offset or "+08:00")).replace("Z", "+00:00"))
        assert parsed.tzinfo is not None and parsed == sent, (wall + offset, stored)
        if not offset:
            assert stored.startswith(wall) and stored.endswith("+08:00")

    attack()
