"""The tablet's attribution rule (web/js/customers/attribution.js) runs in Chromium against
tests/fixtures/attribution_cases.json, the file server/workflow/attribution.py is tested with: offline, the tablet's
provisional owner is the one the server will decide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
CASES = json.loads((ROOT / "tests" / "fixtures" / "attribution_cases.json").read_text(encoding="utf-8"))["cases"]

DECIDE = """async (cases) => {
  const { decideOwner } = await import('/static/js/customers/attribution.js');
  return cases.map((c) => { const d = decideOwner(c.case); return { owner_id: d.ownerId, reason: d.reason }; });
}"""


def test_attribution_js_gives_every_vector_its_owner_and_reason(tablet_page):
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(DECIDE, CASES)
    assert len(CASES) >= 20
    for case, result in zip(CASES, got, strict=True):
        assert result == case["expect"], case["name"]
