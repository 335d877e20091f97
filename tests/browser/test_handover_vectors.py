"""The tablet checks a handover before the seal as the server does: web/js/handover/rules.js runs in Chromium against
tests/fixtures/handover_cases.json, the file server/workflow/handover_rules.py is tested with; and the item a we-owe
text suggests, on the shipped checklist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
CASES = json.loads((ROOT / "tests" / "fixtures" / "handover_cases.json").read_text(encoding="utf-8"))["cases"]
TEMPLATE = json.loads((ROOT / "server" / "documents" / "checklists" / "delivery-v1.json").read_text(encoding="utf-8"))

CHECK = """async (cases) => {
  const rules = await import('/static/js/handover/rules.js');
  return cases.map((c) => ({ contradictions: rules.contradictions(c.items, c.we_owe),
    unanswered: rules.unanswered(c.codes, c.items, c.we_owe), past_due: rules.pastDue(c.we_owe, c.day) }));
}"""


def test_rules_js_gives_every_vector_its_contradictions_unanswered_items_and_past_due_dates(tablet_page):
    """Each case of handover_cases.json: the same contradictions in the same order, the same unanswered items, the
    same past due dates."""
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(CHECK, CASES)
    assert len(CASES) >= 10
    for case, result in zip(CASES, got, strict=True):
        assert result == case["expect"], case["name"]


SUGGEST = """async ({ texts, template }) => {
  const { applicableGroups, suggestItem } = await import('/static/js/handover/rules.js');
  const groups = applicableGroups(template, 'ice');
  return texts.map((text) => suggestItem(text, groups));
}"""


def test_a_we_owe_text_suggests_the_item_it_names(tablet_page):
    """Typed as consultants type it, in either language; nothing for a text that names no item (and never an item
    that does not apply to the car: the charger of an electric car on a petrol one)."""
    cases = {
        "原厂脚垫下周到店后补交": "B07",
        "Floor mats arrive next week": "B07",
        "备用钥匙待贷款结清后交付": None,
        "行车记录仪到货后安装": "B09",
        "三角警示牌缺货": "B02",
        "加油卡": None,
        "随车充电枪": None,
        "": None,
    }
    page = tablet_page
    page.goto("/tablet/")
    got = page.evaluate(SUGGEST, {"texts": list(cases), "template": TEMPLATE})
    assert dict(zip(cases, got, strict=True)) == cases
