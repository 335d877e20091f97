"""Figures for the office: walk-around sessions per consultant, and which talking points and objections come up
per series. Plain functions over the store's records (no Flask), so they can be tested alone."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Presentation, Series, User, Walkaround, WalkaroundScore, utcnow
from .walkaround import applicable_points, summarise


def sessions_since(store_id: int, days: int) -> list[Walkaround]:
    """The store's walk-arounds synced in the last `days` days (server time), newest first."""
    since = utcnow() - timedelta(days=days)
    return db.session.scalars(
        select(Walkaround)
        .where(Walkaround.store_id == store_id, Walkaround.deleted.is_(False), Walkaround.created_at >= since)
        .order_by(Walkaround.created_at.desc())
    ).all()


def presentations_of(sessions: list[Walkaround]) -> dict[str, Presentation]:
    """The presentation versions the sessions name, by id."""
    ids = {s.presentation_id for s in sessions}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Presentation).where(Presentation.id.in_(ids)))}


def with_summaries(sessions: list[Walkaround]) -> list[tuple[Walkaround, dict]]:
    """Each session with its summary (server/workflow/walkaround.py)."""
    presentations = presentations_of(sessions)
    return [(s, summarise(s.positions or {}, presentations[s.presentation_id], s.trim_id)) for s in sessions]


def per_consultant(store_id: int, rows: list[tuple[Walkaround, dict]]) -> list[dict]:
    """Sessions, finished ones, average coverage and minutes, and the average manager score, per consultant."""
    scores = dict(
        db.session.execute(
            select(WalkaroundScore.walkaround_id, WalkaroundScore.total).where(WalkaroundScore.store_id == store_id)
        ).all()
    )
    groups: dict[int | None, list[tuple[Walkaround, dict]]] = defaultdict(list)
    for session, summary in rows:
        groups[session.consultant_id].append((session, summary))
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.store_id == store_id)).all())
    out = []
    for consultant_id, items in groups.items():
        finished = [(s, m) for s, m in items if s.status == "finished"]
        scored = [scores[s.id] for s, _m in items if s.id in scores]
        out.append(
            {
                "consultant": names.get(consultant_id, "—"),
                "sessions": len(items),
                "finished": len(finished),
                "coverage": _average([m["positions_covered"] / m["positions_total"] for _s, m in finished]),
                "positions_covered": _average([m["positions_covered"] for _s, m in finished]),
                "minutes": _average([m["total_seconds"] / 60 for _s, m in finished]),
                "points": _average([m["points_presented"] for _s, m in finished]),
                "score": _average(scored),
            }
        )
    return sorted(out, key=lambda row: (-row["sessions"], row["consultant"]))


def _average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def point_stats(store_id: int, sessions: list[Walkaround]) -> list[dict]:
    """Per series: each talking point with how often it was presented, liked and objected to (counted across
    content versions by its stable code, worded as in the newest session's version), most presented first; plus
    the objections' notes."""
    presentations = presentations_of(sessions)
    series_names = dict(db.session.execute(select(Series.id, Series.name).where(Series.store_id == store_id)).all())
    by_series: dict[str, dict[str, dict]] = defaultdict(dict)
    for session in sessions:
        presentation = presentations[session.presentation_id]
        points = applicable_points(presentation, session.trim_id)
        table = by_series[presentation.series_id]
        for position in presentation.positions:
            marks = ((session.positions or {}).get(position["code"]) or {}).get("points") or {}
            for point in points[position["code"]]:
                row = table.setdefault(
                    point["code"],
                    {
                        "code": point["code"],
                        "position": position["code"],
                        "topic": point["topic"],
                        "feature": point["feature"],
                        "offered": 0,
                        "presented": 0,
                        "interest": 0,
                        "objection": 0,
                        "notes": [],
                    },
                )
                row["offered"] += 1
                mark = marks.get(point["code"]) or {}
                row["presented"] += bool(mark.get("presented"))
                row["interest"] += bool(mark.get("interest"))
                row["objection"] += bool(mark.get("objection"))
                if mark.get("objection") and mark.get("note"):
                    row["notes"].append(mark["note"])
    out = []
    for series_id, table in by_series.items():
        rows = sorted(table.values(), key=lambda r: (-r["presented"], -r["interest"], r["code"]))
        objections = sorted((r for r in rows if r["objection"]), key=lambda r: (-r["objection"], r["code"]))
        out.append({"series": series_names.get(series_id, "—"), "points": rows, "objections": objections})
    return sorted(out, key=lambda s: s["series"])
