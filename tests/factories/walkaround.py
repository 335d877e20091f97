"""Factories for walk-around tests: published content with a picture, a needs analysis, a session."""

from __future__ import annotations

import io

from PIL import Image

from server.extensions import db
from server.models import NeedsAnalysis, Series, Store, User, Walkaround
from server.workflow.presentation import draft_for, encode_picture, publish, store_picture
from tests.factories import synced


def picture_bytes(colour=(30, 90, 160), size=(320, 240), kind: str = "PNG") -> bytes:
    """A small plain picture."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def make_content(series: Series, manager: User, trims: list | None = None, with_picture: bool = True) -> dict:
    """Publish content for `series`: a point per position (`pt0`…`pt5`; `pt5` only on the last trim when trims
    are given), a picture on the first position and its point, and an extra unpublished point `extra` in the
    draft. Returns ids: presentation, picture, draft point codes."""
    store = db.session.get(Store, series.store_id)
    draft = draft_for(series, create=True)
    picture = store_picture(store.id, encode_picture(picture_bytes())) if with_picture else None
    positions = []
    for n, position in enumerate(draft.positions):
        point = {
            "code": f"pt{n}",
            "topic": ("space", "safety", "economy", "technology", "comfort", "performance")[n],
            "feature": {"zh_CN": f"特征{n}", "en": f"Feature {n}"},
            "advantage": {"zh_CN": f"优势{n}", "en": f"Advantage {n}"},
            "benefit": {"zh_CN": f"利益{n}", "en": f"Benefit {n}"},
            "picture": picture if n == 0 else None,
            "trims": [trims[-1].id] if trims and n == 5 else [],
        }
        positions.append({**position, "picture": picture if n == 0 else None, "points": [point]})
    draft.positions = positions
    presentation = publish(draft, manager)
    extra = {**positions[1]["points"][0], "code": "extra", "feature": {"zh_CN": "草稿要点"}}
    draft.positions = [*positions[:1], {**positions[1], "points": [*positions[1]["points"], extra]}, *positions[2:]]
    db.session.commit()
    return {"presentation": presentation.id, "picture": picture, "point": "pt1", "extra": "extra"}


def make_needs(customer, consultant: User | None = None, **fields) -> NeedsAnalysis:
    """A needs analysis of `customer`."""
    values = {
        "customer_id": customer.id,
        "consultant_id": consultant.id if consultant else None,
        "usage": ["family"],
        "decision_maker": "self",
        "budget_min": 12.0,
        "budget_max": 15.0,
        "focus_topics": ["safety"],
        "timeline": "15d",
        "suggested_grade": "A",
        "grade": "A",
    }
    return synced(NeedsAnalysis, customer.store_id, **{**values, **fields})


def make_walkaround(customer, presentation_id: str, consultant: User | None = None, **fields) -> Walkaround:
    """A finished walk-around of `customer`: front_left and front presented (pt0 liked, pt1 objected to)."""
    values = {
        "customer_id": customer.id,
        "consultant_id": consultant.id if consultant else None,
        "presentation_id": presentation_id,
        "started_at": "2026-11-30T10:00:00+08:00",
        "finished_at": "2026-11-30T10:15:00+08:00",
        "current_position": "driver_seat",
        "positions": {
            "front_left": {"seconds": 120, "points": {"pt0": {"presented": True, "interest": True}}},
            "front": {"seconds": 90, "points": {"pt1": {"presented": True, "objection": True, "note": "后备箱小"}}},
            "driver_seat": {"seconds": 60, "sat_in": True, "points": {}},
        },
        "brochure_given": True,
        "status": "finished",
    }
    return synced(Walkaround, customer.store_id, **{**values, **fields})
