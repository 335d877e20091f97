"""Walk-around rules: what a needs analysis and a session may reference, and the session's summary.

The sync `check` functions (listed in server/workflow/entities.py) see the loaded values of one put and the
store; everything a record names must be of the same store, and every position and talking-point code of a
session must exist in the presentation version it names.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import Customer, NeedsAnalysis, Presentation, Series, Trim, User
from ..records.lookup import store_record

#: Roles that may be named as the consultant of a needs analysis or a session.
PRESENTERS = ("consultant", "manager")


def _check_consultant(values: dict, store_id: int, problems: dict) -> None:
    consultant_id = values.get("consultant_id")
    if consultant_id is None:
        return
    user = db.session.get(User, consultant_id) if 0 < consultant_id < 2**63 else None
    if user is None or user.store_id != store_id or user.role not in PRESENTERS or not user.active:
        problems["consultant_id"] = [_("Choose a consultant of this store.")]


def check_needs_analysis(values: dict, store_id: int) -> dict[str, list[str]]:
    """The customer, consultant and series belong to this store; budget bounds travel together."""
    problems: dict[str, list[str]] = {}
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    if values.get("series_id") is not None and store_record(Series, values["series_id"], store_id) is None:
        problems["series_id"] = [_("Choose a series of this store.")]
    _check_consultant(values, store_id, problems)
    for name, other in (("budget_min", "budget_max"), ("budget_max", "budget_min")):
        if name in values and other not in values:  # min <= max can only be checked with both
            problems[other] = [_("Send both budget bounds together.")]
    return problems


def check_walkaround(values: dict, store_id: int) -> dict[str, list[str]]:
    """References of this store; positions, points and the current position exist in the presentation version;
    the trim is one of the presentation's series; the needs analysis is the same customer's."""
    problems: dict[str, list[str]] = {}
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    _check_consultant(values, store_id, problems)
    presentation = None
    if "presentation_id" in values:
        presentation = store_record(Presentation, values["presentation_id"], store_id)
        if presentation is None:
            problems["presentation_id"] = [_("Unknown presentation.")]
    elif "positions" in values or values.get("current_position") is not None or values.get("trim_id") is not None:
        problems["presentation_id"] = [_("Send the presentation with the positions it refers to.")]
    needs_id = values.get("needs_analysis_id")
    if needs_id is not None:
        needs = store_record(NeedsAnalysis, needs_id, store_id)
        if needs is None or ("customer_id" in values and needs.customer_id != values["customer_id"]):
            problems["needs_analysis_id"] = [_("Choose a needs analysis of this customer.")]
    if presentation is None:
        return problems
    trim_id = values.get("trim_id")
    if trim_id is not None:
        trim = store_record(Trim, trim_id, store_id)
        if trim is None or trim.series_id != presentation.series_id:
            problems["trim_id"] = [_("Choose a trim of the presented series.")]
    order = presentation.position_order
    current = values.get("current_position")
    if current is not None and current not in order:
        problems["current_position"] = [_("This position is not in the presentation.")]
    codes = presentation.point_codes()
    unknown = []
    for position, visit in (values.get("positions") or {}).items():
        if position not in order:
            unknown.append(position)
            continue
        unknown.extend(f"{position}.{code}" for code in visit.get("points", {}) if code not in codes[position])
    if unknown:
        problems["positions"] = [_("Not in this presentation: %(codes)s", codes=", ".join(sorted(unknown)))]
    return problems


def applicable_points(presentation: Presentation, trim_id: str | None) -> dict[str, list[dict]]:
    """Position code → its talking points that apply to the trim (all of them when no trim is chosen)."""
    return {
        p["code"]: [pt for pt in p["points"] if trim_id is None or not pt.get("trims") or trim_id in pt["trims"]]
        for p in presentation.positions
    }


def summarise(positions: dict, presentation: Presentation, trim_id: str | None = None) -> dict:
    """The summary of a session (the tablet computes the same; see the contract):

    a position is covered when at least one of its points was presented, the customer sat in there, or it has no
    point for this trim and time was spent there;
    coverage counts covered positions of the presentation's order; points count those applicable to the trim.
    """
    points = applicable_points(presentation, trim_id)
    covered, presented, seconds, interests, objections, per_position = 0, 0, 0, [], [], []
    for code in presentation.position_order:
        visit = positions.get(code) or {}
        marks = visit.get("points") or {}
        applicable = {pt["code"]: pt for pt in points.get(code, [])}
        shown = [c for c, m in marks.items() if m.get("presented") and c in applicable]
        seconds_here = visit.get("seconds", 0)
        is_covered = bool(shown) or bool(visit.get("sat_in")) or (not applicable and seconds_here > 0)
        covered += is_covered
        presented += len(shown)
        seconds += seconds_here
        for point_code in applicable:  # in the presentation's order
            mark = marks.get(point_code) or {}
            entry = {"position": code, "point": point_code, "topic": applicable[point_code]["topic"]}
            entry.update(feature=applicable[point_code]["feature"], note=mark.get("note", ""))
            if mark.get("interest"):
                interests.append(entry)
            if mark.get("objection"):
                objections.append(entry)
        per_position.append(
            {
                "code": code,
                "seconds": visit.get("seconds", 0),
                "covered": is_covered,
                "sat_in": bool(visit.get("sat_in")),
            }
        )
    return {
        "positions_covered": covered,
        "positions_total": len(presentation.position_order),
        "points_presented": presented,
        "points_total": sum(len(v) for v in points.values()),
        "total_seconds": seconds,
        "per_position": per_position,
        "interests": interests,
        "objections": objections,
    }
