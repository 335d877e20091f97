"""The handover's checks before signing, as pure functions (no Flask, no database).

A we-owe entry (something still owed to the customer, 待交付事项) may name the checklist item it concerns
(`item_code`). The checklist and the we-owe list must then agree: an item ticked ✓ (handed over, fine) or marked
N.A. (does not apply) cannot also be owed. ✗ and owed agree (a defect whose replacement is owed), and an item the
list names needs no mark of its own: the list answers it. The tablet runs the same rules before the seal
(web/js/handover/rules.js); both are tested against tests/fixtures/handover_cases.json.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

#: Marks that say an item needs nothing more, so the we-owe list cannot name it.
SETTLED = ("ok", "na")


def _entries(we_owe) -> list[tuple[int, dict]]:
    return [(n, entry) for n, entry in enumerate(we_owe or []) if isinstance(entry, dict)]


def _result(items, code: str) -> str | None:
    answer = (items or {}).get(code)
    return answer.get("result") if isinstance(answer, dict) else None


def owed_codes(we_owe) -> set[str]:
    """The checklist items the we-owe list names."""
    return {e["item_code"] for _n, e in _entries(we_owe) if isinstance(e.get("item_code"), str) and e["item_code"]}


def contradictions(items, we_owe) -> list[dict]:
    """Each we-owe entry that names an item marked ✓ or N.A.: `{"item", "result", "we_owe": index}`, in the
    list's order."""
    found = []
    for n, entry in _entries(we_owe):
        code = entry.get("item_code")
        if isinstance(code, str) and code and _result(items, code) in SETTLED:
            found.append({"item": code, "result": _result(items, code), "we_owe": n})
    return found


def unanswered(codes: Iterable[str], items, we_owe) -> list[str]:
    """The applicable item codes (in checklist order) with neither a mark nor an entry on the we-owe list."""
    owed = owed_codes(we_owe)
    return [code for code in codes if _result(items, code) is None and code not in owed]


def past_due(we_owe, day: str) -> list[int]:
    """Indices of the we-owe entries due before `day` ('YYYY-MM-DD', the handover day); no date is never past."""
    return [n for n, e in _entries(we_owe) if isinstance(e.get("due_date"), str) and e["due_date"] < day]


def days_overdue(due_date: str | None, day: str) -> int:
    """Whole days a promise due on `due_date` is late on `day` (both 'YYYY-MM-DD'); 0 when not late or undated."""
    if not due_date or due_date >= day:
        return 0
    try:
        return (date.fromisoformat(day) - date.fromisoformat(due_date)).days
    except ValueError:
        return 0
