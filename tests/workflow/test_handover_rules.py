"""The handover's checks before signing (contradictions with the we-owe list, unanswered items, past due dates)
against the shared hand-written cases that the tablet's mirror (web/js/handover/rules.js) is tested against too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.workflow.handover_rules import contradictions, past_due, unanswered

CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "handover_cases.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_checks_match_the_shared_cases(case):
    """Each case's contradictions (in we-owe order), unanswered items (in checklist order) and past due dates."""
    expect = case["expect"]
    assert contradictions(case["items"], case["we_owe"]) == expect["contradictions"]
    assert unanswered(case["codes"], case["items"], case["we_owe"]) == expect["unanswered"]
    assert past_due(case["we_owe"], case["day"]) == expect["past_due"]


def test_the_cases_cover_each_kind_of_contradiction_and_its_absence():
    """The file pins the tablet's mirror on both marks that contradict (✓, N.A.), on ✗ that does not, on free text
    and on several entries."""
    found = [c for case in CASES for c in case["expect"]["contradictions"]]
    assert {c["result"] for c in found} == {"ok", "na"}
    assert any(len(case["expect"]["contradictions"]) > 1 for case in CASES)
    assert any(
        case["items"].get(w.get("item_code") or "", {}).get("result") == "defect"
        for case in CASES
        for w in case["we_owe"]
    )
    assert any(case["expect"]["past_due"] for case in CASES)


def test_garbage_in_a_record_is_no_crash():
    """Entries and answers of the wrong shape (a tablet's bug, an old record) are skipped, never a 500."""
    items = {"B07": "ok", "B06": {"result": "ok"}}
    we_owe = ["text only", {"item_code": 7}, {"item_code": "B06"}, {"due_date": 20261231}]
    assert contradictions(items, we_owe) == [{"item": "B06", "result": "ok", "we_owe": 2}]
    assert unanswered(["B06", "B07"], items, we_owe) == ["B07"]
    assert past_due(we_owe, "2026-12-07") == []
