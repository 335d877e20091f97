"""The tablet computes what the server computes: web/js/customers/grading.js (the grade a needs analysis suggests)
and web/js/walkaround/rules.js (the summary of a walk-around) run in Chromium against the vector files the server's
grading.py and summarise are tested with (tests/fixtures/), and grading.js against the server's function itself on
inputs the file does not list."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "grade_cases.json").read_text(encoding="utf-8"))["cases"]
SUGGEST = """async (cases) => {
  const { suggestGrade } = await import('/static/js/customers/grading.js');
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
    from server.vocabularies.grades import suggest_grade

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


SUMMARY = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "walkaround_summary_cases.json").read_text(encoding="utf-8")
)
SUMMARIZE = """async ({ presentation, cases }) => {
  const { summarize } = await import('/static/js/walkaround/rules.js');
  const item = (r) => ({ position: r.position.code, point: r.point.code, note: r.note });
  return cases.map((c) => {
    const s = summarize(presentation, c.positions, { trimId: c.trim_id });
    return { positions_covered: s.coverage, positions_total: s.total, points_presented: s.presented,
      points_total: s.points, total_seconds: s.seconds, interests: s.interests.map(item),
      objections: s.objections.map(item) };
  });
}"""


def test_the_tablet_summary_equals_the_server_summary_on_every_case(tablet_page):
    """walkaround_summary_cases.json (the server's summarise is tested with it): coverage x/6, points presented
    and applicable to the trim, total time, interests and objections in the presentation's order."""
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(SUMMARIZE, {"presentation": SUMMARY["presentation"], "cases": SUMMARY["cases"]})
    assert len(SUMMARY["cases"]) >= 5
    for case, result in zip(SUMMARY["cases"], got, strict=True):
        expected = case["expect"]
        for key in ("positions_covered", "positions_total", "points_presented", "points_total", "total_seconds"):
            assert result[key] == expected[key], (case["name"], key)
        for key in ("interests", "objections"):
            # The file names a note only where one was written; the tablet carries '' for none.
            want = [{"note": "", **entry} for entry in expected[key]]
            assert result[key] == want, (case["name"], key)
