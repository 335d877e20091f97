"""The tablet suggests the same grade as the server: web/js/grading.js runs in Chromium against the vector file
that server/workflow/grading.py is tested with (tests/fixtures/grade_cases.json), and against the server's
function itself on inputs the file does not list."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "grade_cases.json").read_text(encoding="utf-8"))["cases"]
SUGGEST = """async (cases) => {
  const { suggestGrade } = await import('/static/js/grading.js');
  return cases.map((answers) => suggestGrade(answers));
}"""


def test_grading_js_gives_every_vector_its_grade_and_reasons(tablet_page):
    """Each case of grade_cases.json: the same grade and the same downgrade reasons, in the same order."""
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(SUGGEST, [case["answers"] for case in CASES])
    assert len(CASES) >= 10
    for case, result in zip(CASES, got, strict=True):
        assert result == {"grade": case["grade"], "reasons": case["reasons"]}, case


def test_grading_js_agrees_with_the_server_on_every_combination(tablet_page):
    """Every combination of timeline, budget presence and decision maker (plus garbage values the tablet may hold)
    gets the grade server/workflow/grading.py gives it."""
    from server.workflow.grading import suggest_grade

    timelines = ["7d", "15d", "30d", "90d", "later", "unknown", None, "tomorrow"]
    budgets = [(None, None), (10, None), (None, 20), (0, 0), (12.5, 18)]
    deciders = ["self", "joint", "other", "unknown", None]
    inputs = [
        {"timeline": tl, "budget_min": lo, "budget_max": hi, "decision_maker": dm}
        for tl, (lo, hi), dm in itertools.product(timelines, budgets, deciders)
    ]
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(SUGGEST, inputs)
    for answers, result in zip(inputs, got, strict=True):
        grade, reasons = suggest_grade(answers)
        assert result == {"grade": grade, "reasons": reasons}, answers
