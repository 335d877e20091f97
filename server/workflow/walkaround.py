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


def check_needs_analysis(values: dict, store_id: int, _current: dict | None = None) -> dict[str, list[str]]:
    """The customer, consultant and series belong to this store (the budget bounds' order is the schema's rule,
    judged with the stored bound when only one is sent)."""
    problems: dict[str, list[str]] = {}
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    if values.get("series_id") is not None and store_record(Series, values["series_id"], store_id) is None:
        problems["series_id"] = [_("Choose a series of this store.")]
    _check_consultant(values, store_id, problems)
    return problems


#: Fields of a session judged against its presentation version: a `put` of any of them is checked with the stored
#: values of the others.
PRESENTED = ("presentation_id", "positions", "current_position", "trim_id")


def check_walkaround(values: dict, store_id: int, current: dict | None = None) -> dict[str, list[str]]:
    """References of this store; positions, points and the current position exist in the presentation version;
    the trim is one of the presentation's series; the needs analysis is the same customer's. What the `put` does
    not send (say, the presentation of a `positions` update) is read from the stored record (`current`)."""
    problems: dict[str, list[str]] = {}
    merged = {**(current or {}), **values}
    if "customer_id" in values and store_record(Customer, values["customer_id"], store_id) is None:
        problems["customer_id"] = [_("Choose a customer of this store.")]
    _check_consultant(values, store_id, problems)
    presentation = store_record(Presentation, merged.get("presentation_id"), store_id)
    if "presentation_id" in values and presentation is None:
        problems["presentation_id"] = [_("Unknown presentation.")]
    elif presentation is None and any(merged.get(name) for name in PRESENTED[1:]):
        problems["presentation_id"] = [_("Send the presentation with the positions it refers to.")]
    needs_id = merged.get("needs_analysis_id")
    if needs_id is not None and {"needs_analysis_id", "customer_id"} & set(values):
        needs = store_record(NeedsAnalysis, needs_id, store_id)
        if needs is None or needs.customer_id != merged.get("customer_id"):
            problems["needs_analysis_id" if "needs_analysis_id" in values else "customer_id"] = [
                _("Choose a needs analysis of this customer.")
            ]
    if presentation is None or not set(PRESENTED) & set(values):
        return problems
    problems.update(_presented(presentation, merged, store_id))
    return problems


def _presented(presentation: Presentation, merged: dict, store_id: int) -> dict[str, list[str]]:
    """What of a session's trim, current position and positions is not in its presentation version."""
    problems: dict[str, list[str]] = {}
    trim_id = merged.get("trim_id")
    if trim_id is not None:
        trim = store_record(Trim, trim_id, store_id)
        if trim is None or trim.series_id != presentation.series_id:
            problems["trim_id"] = [_("Choose a trim of the presented series.")]
    order = presentation.position_order
    current = merged.get("current_position")
    if current is not None and current not in order:
        problems["current_position"] = [_("This position is not in the presentation.")]
    codes = presentation.point_codes()
    unknown = []
    for position, visit in (merged.get("positions") or {}).items():
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
