"""Test-drive eligibility: every rule and refusal reason, table-driven from the vector file the tablet's
JavaScript mirror is tested against too (tests/fixtures/eligibility_cases.json)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from server.vocabularies.test_drive import REASONS
from server.workflow.eligibility import (
    DEFAULT_RULES,
    add_months,
    distance_warning,
    evaluate,
    mask_licence,
    normalise_id_number,
    valid_id_number,
)

VECTORS = json.loads((Path(__file__).parent.parent / "fixtures" / "eligibility_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_eligibility_case(case):
    """Each vector: the store's rules over the defaults, the driver's data and the day give exactly these reasons."""
    rules = {**VECTORS["defaults"], **case["rules"]}
    assert evaluate(rules, case["input"], case["today"]) == case["expect"]


@pytest.mark.parametrize("entry", VECTORS["id_numbers"], ids=[e["number"] or "empty" for e in VECTORS["id_numbers"]])
def test_id_number_vectors(entry):
    """GB 11643 check digit, shape and birth date, including domain.md §8.3's verified numbers."""
    assert valid_id_number(entry["number"], date.fromisoformat(entry["today"])) is entry["valid"]


@pytest.mark.parametrize("entry", VECTORS["distances"])
def test_distance_warning_vectors(entry):
    """A drive far from its route's distance is flagged (a warning, never a refusal)."""
    assert distance_warning(entry["start"], entry["end"], entry["route_km"]) is entry["warning"]


def test_every_computed_reason_has_a_vector():
    """Every reason code the rules can produce is exercised by at least one vector; only `other` is the escort's."""
    seen = {code for case in VECTORS["cases"] for code in case["expect"]}
    assert seen == set(REASONS) - {"other"}


def test_vector_defaults_are_the_servers():
    """The defaults in the vector file are the server's (so the tablet tests the rules the server ships)."""
    assert VECTORS["defaults"] == DEFAULT_RULES


def test_legacy_number_becomes_the_18_digit_one():
    """A 15-digit number gains the century and its check character (domain.md §8.3)."""
    assert normalise_id_number("110105491231002") == "11010519491231002X"
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert normalise_id_number("abc") is None


def test_mask_keeps_first_three_and_last_four():
    """domain.md §8.5: 110***********002X."""
    assert mask_licence("11010519491231002x") == "110***********002X"
    assert mask_licence("12345") == "*****"


def test_months_clamp_to_month_end():
    """Jan 31 + 1 month is the last day of February."""
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 14) == date(2027, 1, 30)
