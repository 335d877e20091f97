"""The walk-around summary (coverage, points, time, interests, objections) against the shared hand-written cases
that the tablet's summary is tested against too."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from server.workflow.walkaround import summarise

DATA = json.loads((Path(__file__).parent.parent / "fixtures" / "walkaround_summary_cases.json").read_text("utf-8"))


def presentation():
    positions = [
        {**p, "points": [{**pt, "feature": {"zh_CN": pt["code"]}} for pt in p["points"]]}
        for p in DATA["presentation"]["positions"]
    ]
    return SimpleNamespace(position_order=DATA["presentation"]["position_order"], positions=positions)


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_summary_matches_the_shared_cases(case):
    """Each case's figures, and the interests and objections by position and point (with the objection's note)."""
    result = summarise(case["positions"], presentation(), case["trim_id"])
    expect = case["expect"]
    for key in ("positions_covered", "positions_total", "points_presented", "points_total", "total_seconds"):
        assert result[key] == expect[key], key
    assert [{"position": i["position"], "point": i["point"]} for i in result["interests"]] == expect["interests"]
    objections = [{"position": o["position"], "point": o["point"], "note": o["note"]} for o in result["objections"]]
    assert objections == [{"note": "", **o} for o in expect["objections"]]
