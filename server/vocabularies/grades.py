"""Intention grades (domain.md §5.1) and the grade a needs analysis suggests, as a table the tablet mirrors in
JavaScript.

The purchase timeline gives the starting grade (H ≤7 days, A ≤15, B ≤30, C ≤90 or later, N when not known);
each missing piece of the "need + confidence + purchasing power" judgement lowers it one step, never below C:
no budget at all (purchasing power unknown), and a decision maker who is someone else or not known (confidence
low). `tests/fixtures/grade_cases.json` holds the cases both implementations are tested against.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

#: Intention grades (domain.md §5.1, recommended enum) with the default follow-up interval in days.
GRADES = {
    "N": (_l("New lead, not graded"), 1),
    "H": (_l("Hot: order within 7 days"), 2),
    "A": (_l("Order likely within 15 days"), 3),
    "B": (_l("Order within 30 days"), 7),
    "C": (_l("Order in 1-3 months"), 15),
    "O": (_l("Ordered, awaiting delivery"), 3),
    "D": (_l("Delivered owner"), None),
    "L": (_l("Lost (defeated)"), None),
    "X": (_l("Invalid"), None),
}

#: Why a grade changed (a `grade_change` record's `reason`).
GRADE_CHANGE_REASONS = {
    "consultant": _l("Changed by the consultant"),
    "needs_analysis": _l("Confirmed from the needs analysis"),
    "office": _l("Restored in the office from a conflict"),
    "lost_approved": _l("Lost deal approved by the manager"),
    "reactivated": _l("Reactivated by the manager"),
}

#: Starting grade by purchase timeline.
TIMELINE_GRADE = {"7d": "H", "15d": "A", "30d": "B", "90d": "C", "later": "C", "unknown": "N"}
#: Grades in falling order; a downgrade moves one step right and stops at the end.
LADDER = ("H", "A", "B", "C")


def _no_budget(answers: dict) -> bool:
    return answers.get("budget_min") is None and answers.get("budget_max") is None


def _decider_absent(answers: dict) -> bool:
    return (answers.get("decision_maker") or "unknown") in ("other", "unknown")


#: (reason code, predicate): each that holds lowers the grade one step.
DOWNGRADES: tuple[tuple[str, Callable[[dict], bool]], ...] = (
    ("no_budget", _no_budget),
    ("decider_absent", _decider_absent),
)


def suggest_grade(answers: dict) -> tuple[str, list[str]]:
    """The suggested grade for needs-analysis `answers` (timeline, budget_min, budget_max, decision_maker)
    and the reason codes of every downgrade applied."""
    start = TIMELINE_GRADE.get(answers.get("timeline") or "unknown", "N")
    if start == "N":
        return "N", []
    reasons = [code for code, applies in DOWNGRADES if applies(answers)]
    step = min(LADDER.index(start) + len(reasons), len(LADDER) - 1)
    return LADDER[step], reasons
