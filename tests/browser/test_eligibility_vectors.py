"""The tablet's eligibility rules (web/js/test-drive/eligibility.js) give the same answers as the server's
(server/workflow/eligibility.py): both run every vector of tests/fixtures/eligibility_cases.json, here in real
Chromium by importing the module into a page, so a drive refused offline is refused for the same reasons online.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "eligibility_cases.json"

RUN = """async (vectors) => {
  const m = await import('/static/js/test-drive/eligibility.js');
  return {
    ids: vectors.id_numbers.map((v) => m.validIdNumber(v.number, v.today)),
    cases: vectors.cases.map((c) => m.evaluate({ ...vectors.defaults, ...(c.rules || {}) }, c.input, c.today)),
    distances: (vectors.distances || []).map((d) => m.farFromRoute(d.start, d.end, d.route_km)),
  };
}"""


def test_every_vector_gives_the_servers_answer(tablet_page):
    """Each ID number is accepted or refused as the vectors say, and each case yields exactly the vector's
    refusal reasons (none: may drive), in the same order as the server reports them."""
    vectors = json.loads(CASES.read_text(encoding="utf-8"))
    assert len(vectors["cases"]) >= 10 and len(vectors["id_numbers"]) >= 4
    tablet_page.goto("/tablet/")
    tablet_page.locator("body.ready").wait_for(state="attached")
    got = tablet_page.evaluate(RUN, vectors)
    wrong_ids = [v["number"] for v, ok in zip(vectors["id_numbers"], got["ids"], strict=True) if ok != v["valid"]]
    assert not wrong_ids, wrong_ids
    wrong = [
        (c["name"], c["expect"], reasons)
        for c, reasons in zip(vectors["cases"], got["cases"], strict=True)
        if reasons != c["expect"]
    ]
    assert not wrong, wrong
    wrong_distances = [d for d, far in zip(vectors["distances"], got["distances"], strict=True) if far != d["warning"]]
    assert not wrong_distances, wrong_distances
    # Every refusal reason appears in at least one vector, alone or with others.
    seen = {code for c in vectors["cases"] for code in c["expect"]}
    known = set(tablet_page.evaluate("async () => (await import('/static/js/test-drive/eligibility.js')).REASONS"))
    assert known - {"other"} <= seen, known - seen  # `other` is the escort's own choice, never computed
