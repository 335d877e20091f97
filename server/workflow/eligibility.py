"""Who may test-drive: the store's rules as a table, evaluated by pure functions (no Flask, no database).

The tablet runs the same rules offline (web/js/test-drive/eligibility.js); both are tested against one vector file,
tests/fixtures/eligibility_cases.json. Sources: domain.md §3.1 (pre-drive checks), §8.3 (GB 11643 ID numbers;
a mainland licence number *is* the ID number). Reason codes go over the wire; their labels are in
server/vocabularies/test_drive.py.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

#: The vehicle class a car needs, by transmission (C1 manual; C2 automatic).
VEHICLE_CLASS = {"manual": "C1", "automatic": "C2"}
#: Which licence class (准驾车型) covers which vehicle classes (the implied classes of each licence).
DEFAULT_COVERAGE = {
    "A1": ["A1", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"],
    "A2": ["A2", "B1", "B2", "C1", "C2", "C3", "C4", "M"],
    "A3": ["A3", "C1", "C2", "C3", "C4"],
    "B1": ["B1", "C1", "C2", "C3", "C4", "M"],
    "B2": ["B2", "C1", "C2", "C3", "C4", "M"],
    "C1": ["C1", "C2", "C3", "C4"],
    "C2": ["C2"],
    "C3": ["C3", "C4"],
    "C4": ["C4"],
    "C5": ["C5"],
    "C6": ["C6"],
}
DEFAULT_RULES = {
    "min_age": 18,
    "refuse_probation": True,
    "probation_months": 12,
    "min_experience_years": 0,
    "escort_required": True,
    "class_coverage": DEFAULT_COVERAGE,
    "licence_photo_retention_days": 30,
}

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise_id_number(number: str | None) -> str | None:
    """The 18-character form of an ID number (x → X; a legacy 15-digit number gains "19" and its check
    character), or None when it is not of either shape."""
    if not isinstance(number, str):
        return None
    number = number.strip().upper()
    if re.fullmatch(r"\d{15}", number):
        first17 = number[:6] + "19" + number[6:]
        return first17 + check_char(first17)
    return number if re.fullmatch(r"\d{17}[\dX]", number) else None


def birth_date(number: str) -> date | None:
    """The birth date inside an 18-character ID number, or None when it is not a calendar date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def valid_id_number(number: str | None, today: date | None = None) -> bool:
    """A GB 11643-1999 citizen ID number: shape, a real birth date not after `today`, matching check character."""
    normal = normalise_id_number(number)
    if normal is None:
        return False
    born = birth_date(normal)
    if born is None or (today is not None and born > today) or born.year < 1850:
        return False
    return normal[17] == check_char(normal[:17])


def mask_licence(number: str) -> str:
    """First 3 and last 4 characters kept, the rest masked (domain.md §8.5): 110***********002X."""
    number = number.strip().upper()
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, the day clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def full_years(since: date, today: date) -> int:
    """Whole years from `since` to `today` (an anniversary on Feb 29 falls on Mar 1 in other years)."""
    years = today.year - since.year
    if (today.month, today.day) < (since.month, since.day):
        years -= 1
    return years


def parse_date(value: object) -> date | None:
    """A `YYYY-MM-DD` string as a date, or None."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def covers(coverage: dict, held: str | None, needed: str | None) -> bool:
    """Whether a licence of class `held` covers a vehicle of class `needed` under the store's table."""
    return bool(held) and bool(needed) and needed in (coverage.get(held) or [])


def evaluate(rules: dict, data: dict, today: date | str) -> list[str]:
    """The refusal reasons for a driver (sorted; empty means eligible). See contract §Eligibility for `data`."""
    today = parse_date(today) if isinstance(today, str) else today
    rules = {**DEFAULT_RULES, **{k: v for k, v in rules.items() if v is not None}}
    reasons: set[str] = set()
    if not data.get("has_licence", True):
        reasons.add("no_licence")
    else:
        number = data.get("licence_number")
        mainland = data.get("licence_document_type", "mainland_id") == "mainland_id"
        age = data.get("driver_age")
        if mainland and number is not None and number != "":
            if valid_id_number(number, today):
                age = full_years(birth_date(normalise_id_number(number)), today)
            else:
                reasons.add("licence_number_invalid")
        elif not data.get("licence_verified"):
            reasons.add("licence_number_invalid")
        if not covers(rules["class_coverage"], data.get("licence_class"), data.get("vehicle_class")):
            reasons.add("class_not_covered")
        valid_to = parse_date(data.get("licence_valid_to"))
        if valid_to is None or valid_to < today:
            reasons.add("licence_expired")
        first = parse_date(data.get("licence_first_issued"))
        if rules["refuse_probation"] and (first is None or today < add_months(first, int(rules["probation_months"]))):
            reasons.add("probation")
        minimum = int(rules["min_experience_years"])
        if minimum > 0 and (first is None or full_years(first, today) < minimum):
            reasons.add("too_little_experience")
        unknown = not isinstance(age, int) or isinstance(age, bool)
        if unknown and "licence_number_invalid" in reasons:
            pass  # the age was to come from the number: already refused for it, do not guess
        elif unknown or age < int(rules["min_age"]):
            reasons.add("under_age")
    if rules["escort_required"] and not data.get("escort_present"):
        reasons.add("no_escort")
    if data.get("impaired"):
        reasons.add("impaired")
    if data.get("refused_to_sign"):
        reasons.add("not_signed")
    if data.get("vehicle_available") is False:
        reasons.add("vehicle_unavailable")
    return sorted(reasons)


def distance_warning(start_km: int | None, end_km: int | None, route_km: float | None) -> bool:
    """Whether a drive's distance is far from its route's (a warning, never a refusal):
    |distance − route| > max(5 km, half the route)."""
    if start_km is None or end_km is None or not route_km:
        return False
    return abs((end_km - start_km) - route_km) > max(5.0, 0.5 * route_km)
