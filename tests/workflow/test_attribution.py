"""The attribution rule (server/workflow/attribution.py) against the shared vectors; the tablet's mirror is tested
against the same file in tests/browser/test_attribution_vectors.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.workflow.attribution import RULE_REASONS, decide_owner

CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "attribution_cases.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_case_gives_its_owner_and_reason(case):
    decided = decide_owner(case["case"])
    assert {"owner_id": decided["owner_id"], "reason": decided["reason"]} == case["expect"]
    assert decided["changed"] == (case["expect"]["owner_id"] != case["case"]["owner_id"])


def test_every_reason_of_the_rule_has_a_case():
    assert {c["expect"]["reason"] for c in CASES} == set(RULE_REASONS)
