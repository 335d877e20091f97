"""The grade a needs analysis suggests (domain.md §5.1), against the shared cases the tablet's mirror uses too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.vocabularies.grades import suggest_grade

CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "grade_cases.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[json.dumps(c["answers"], sort_keys=True) for c in CASES])
def test_suggested_grade_matches_the_shared_cases(case):
    """Each hand-written case gives its grade and its downgrade reasons, in order."""
    assert suggest_grade(case["answers"]) == (case["grade"], case["reasons"])


def test_the_cases_cover_every_timeline_and_both_downgrades():
    """The shared file is broad enough to pin the tablet's mirror: every timeline, each reason, the C floor."""
    timelines = {c["answers"]["timeline"] for c in CASES}
    assert {"7d", "15d", "30d", "90d", "later", "unknown", None} <= timelines
    reasons = [tuple(c["reasons"]) for c in CASES]
    assert ("no_budget",) in reasons and ("decider_absent",) in reasons and ("no_budget", "decider_absent") in reasons
    assert any(
        c["answers"]["timeline"] in ("30d", "90d") and len(c["reasons"]) == 2 and c["grade"] == "C" for c in CASES
    )


def test_a_budget_of_zero_is_a_budget():
    """0 万元 is an answer (e.g. a company car), not a missing one."""
    answers = {"timeline": "7d", "budget_min": 0, "budget_max": None, "decision_maker": "self"}
    assert suggest_grade(answers) == ("H", [])
