"""Walk-around over sync: content authored in the office reaches tablets with its pictures; needs analyses and
sessions are checked field by field against the store and the exact presentation version."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

from server.extensions import db
from server.models import Customer, NeedsAnalysis, Presentation, Series, Store, Trim, User, Walkaround
from server.workflow.presentation import draft_for, encode_picture, publish, store_picture
from tests.factories import make_customer, make_series, make_trim
from tests.sync.test_push import read


def png(colour=(200, 30, 30), size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def author(store_id: int, manager_id: int, series_name: str = "启程 S5", picture: bytes | None = None) -> dict:
    """A series with two trims and published content: one point per position, the first with a picture, the
    last only on the second trim. Returns ids. (Call in an app context.)"""
    store = db.session.get(Store, store_id)
    series = make_series(store, name=series_name)
    trims = [make_trim(series, "舒适版"), make_trim(series, "旗舰版", 149_900)]
    manager = db.session.get(User, manager_id)
    draft = draft_for(series, create=True)
    positions = []
    for n, position in enumerate(draft.positions):
        point = {
            "code": f"pt{n}",
            "topic": "safety" if n % 2 else "space",
            "feature": {"zh_CN": f"特征{n}", "en": f"Feature {n}"},
            "advantage": {"zh_CN": f"优势{n}"},
            "benefit": {"zh_CN": f"利益{n}"},
            "picture": store_picture(store.id, encode_picture(picture)) if picture and n == 0 else None,
            "trims": [trims[1].id] if n == 5 else [],
        }
        positions.append({**position, "points": [point]})
    draft.positions = positions
    presentation = publish(draft, manager)
    db.session.commit()
    return {"series": series.id, "trims": [t.id for t in trims], "presentation": presentation.id}


@pytest.fixture
def content(app, world):
    with app.app_context():
        ids = author(world.ids["store_a"], world.ids["manager"], picture=png())
        customer = make_customer(db.session.get(Store, world.ids["store_a"]))
        ids["customer"] = customer.id
        db.session.remove()
    return ids


def needs(customer: str, **changes) -> dict:
    values = {
        "customer_id": customer,
        "usage": ["family"],
        "users": "夫妻和孩子",
        "decision_maker": "joint",
        "budget_min": 12,
        "budget_max": 15.5,
        "payment": "loan",
        "current_car": "2015 朗逸",
        "trade_in": True,
        "competitors": ["比亚迪 宋"],
        "focus_topics": ["safety", "space"],
        "timeline": "15d",
        "suggested_grade": "H",  # the tablet's claim; the server computes its own
        "grade": None,
        "notes": "",
    }
    return {**values, **changes}


def session(content: dict, consultant: int | None, **changes) -> dict:
    values = {
        "customer_id": content["customer"],
        "consultant_id": consultant,
        "presentation_id": content["presentation"],
        "started_at": "2026-11-30T10:00:00+08:00",
        "current_position": "front_left",
        "positions": {},
        "status": "in_progress",
    }
    return {**values, **changes}


def test_content_with_a_picture_reaches_a_tablet_and_its_picture_downloads(app, world, content):
    """The published version arrives through pull with its picture's hash; the tablet fetches the WebP bytes;
    a tablet of another store gets 404 for the same hash."""
    tablet = world.tablet("a1")
    state = tablet.pull_all()
    value = state[f"presentation/{content['presentation']}"]
    assert value["content_version"] == 1 and value["series_id"] == content["series"]
    assert value["position_order"] == ["front_left", "front", "side", "rear", "rear_seat", "driver_seat"]
    first = value["positions"][0]
    assert first["title"]["zh_CN"] == "左前方 45°" and first["points"][0]["feature"]["en"] == "Feature 0"
    picture = first["points"][0]["picture"]
    assert value["positions"][5]["points"][0]["trims"] == [content["trims"][1]]
    response = tablet.http.get(f"/api/sync/v1/blobs/{picture}", headers=tablet.headers)
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert hashlib.sha256(body).hexdigest() == picture
    assert Image.open(io.BytesIO(body)).size == (640, 480)
    other = world.tablet("b1")
    response = other.http.get(f"/api/sync/v1/blobs/{picture}", headers=other.headers)
    response.close()
    assert response.status_code == 404
    assert not any(key.startswith("presentation/") for key in other.pull_all())


def test_a_tablet_cannot_write_content(world, content):
    """Presentations are read-only on tablets: a put is rejected and the content stays as published."""
    tablet = world.tablet("manager")
    result = tablet.push(tablet.put("presentation", content["presentation"], {"content_version": 9}))
    assert result["results"][0]["outcome"] == "rejected"
    assert result["results"][0]["error"]["code"] == "read_only"


def test_republishing_makes_a_new_version_and_leaves_the_old_one_as_it_was(app, world, content):
    """Versions are immutable: an edit published again is a new row; the first row still holds what it held."""

    def republish():
        first = db.session.get(Presentation, content["presentation"])
        before = (first.version, first.positions)
        series = db.session.get(Series, content["series"])
        draft = draft_for(series)
        positions = [dict(p) for p in draft.positions]
        positions[0] = {**positions[0], "title": {"zh_CN": "车头左前方"}}
        draft.positions = positions
        second = publish(draft, db.session.get(User, world.ids["manager"]))
        db.session.commit()
        db.session.refresh(first)
        return before, (first.version, first.positions), second.content_version, second.positions[0]["title"]

    before, after, version, title = read(app, republish)
    assert before == after
    assert version == 2 and title == {"zh_CN": "车头左前方"}
    versions = {v["content_version"] for k, v in world.tablet("a1").pull_all().items() if k.startswith("presentation/")}
    assert versions == {1, 2}


def test_needs_analysis_round_trip_with_the_servers_grade(app, world, content):
    """A needs analysis is stored as sent, except the suggested grade, which the server derives (15 days, a
    budget, a joint decision: A), and the confirmed grade stays the consultant's."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    values = needs(content["customer"], consultant_id=world.ids["a1"], grade="A")
    result = tablet.push(tablet.put("needs_analysis", record_id, values))
    assert result["results"][0]["outcome"] == "applied", result
    value = tablet.pull_all()[f"needs_analysis/{record_id}"]
    assert value["suggested_grade"] == "A" and value["grade"] == "A"
    assert value["budget_max"] == 15.5 and value["competitors"] == ["比亚迪 宋"] and value["usage"] == ["family"]


BAD_NEEDS = [
    ({"budget_min": 20, "budget_max": 10}, "budget_max"),
    ({"budget_min": -1, "budget_max": 10}, "budget_min"),
    ({"budget_min": "很多", "budget_max": 10}, "budget_min"),
    ({"budget_min": 12, "budget_max": 1e9}, "budget_max"),
    ({"timeline": "tomorrow"}, "timeline"),
    ({"decision_maker": "boss"}, "decision_maker"),
    ({"usage": ["racing"]}, "usage"),
    ({"usage": "family"}, "usage"),
    ({"focus_topics": ["safety", "safety"]}, "focus_topics"),
    ({"grade": "O"}, "grade"),
    ({"payment": "bitcoin"}, "payment"),
    ({"competitors": [""]}, "competitors"),
    ({"competitors": ["x"] * 11}, "competitors"),
    ({"users": "人" * 201}, "users"),
    ({"trade_in": "maybe"}, "trade_in"),
    ({"answered_at": "yesterday"}, "answered_at"),
    ({"customer_id": str(uuid.uuid4())}, "customer_id"),
    ({"series_id": str(uuid.uuid4())}, "series_id"),
]


@pytest.mark.parametrize(("change", "field"), BAD_NEEDS, ids=[f for _c, f in BAD_NEEDS])
def test_bad_needs_analysis_is_rejected_with_a_field_error_and_nothing_stored(app, world, content, change, field):
    """Each bad answer names its field in the consultant's language (zh_CN), and no record is written."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    result = tablet.push(tablet.put("needs_analysis", record_id, needs(content["customer"], **change)))
    outcome = result["results"][0]
    assert outcome["outcome"] == "rejected" and field in outcome["error"]["errors"], outcome
    assert all(not m.isascii() for m in outcome["error"]["errors"][field]), outcome["error"]["errors"]
    assert read(app, lambda: db.session.get(NeedsAnalysis, record_id)) is None


def test_a_budget_bound_sent_alone_is_judged_against_the_stored_other(world, content):
    """An edit of one budget bound alone is checked against the stored other bound (min <= max), on the bound sent;
    the other need not be sent again (a put changes the fields in its set, SYNC_PROTOCOL.md)."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    assert (
        tablet.push(tablet.put("needs_analysis", record_id, needs(content["customer"])))["results"][0]["outcome"]
        == "applied"
    )
    result = tablet.push(tablet.put("needs_analysis", record_id, {"budget_max": 5}))
    assert result["results"][0]["outcome"] == "rejected" and "budget_max" in result["results"][0]["error"]["errors"]
    result = tablet.push(tablet.put("needs_analysis", record_id, {"budget_max": 30}))
    assert result["results"][0]["outcome"] == "applied"


def test_a_customer_of_another_store_is_not_found_for_needs(app, world, content):
    """Store B's consultant cannot attach a needs analysis to store A's customer."""
    tablet = world.tablet("b1")
    result = tablet.push(tablet.put("needs_analysis", str(uuid.uuid4()), needs(content["customer"])))
    assert result["results"][0]["outcome"] == "rejected"
    assert "customer_id" in result["results"][0]["error"]["errors"]


def test_escorts_cannot_write_walkarounds(world, content):
    """Only consultants and managers record walk-arounds and needs analyses."""
    tablet = world.tablet("escort")
    result = tablet.push(tablet.put("walkaround", str(uuid.uuid4()), session(content, None)))
    assert result["results"][0]["error"]["code"] == "forbidden"


def test_a_full_session_round_trips_and_summarises(app, world, content):
    """Start, move through the positions, finish: the record pulls back as sent, and the summary counts
    coverage, points (for the shown trim) and time."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    start = session(content, world.ids["a1"], trim_id=content["trims"][0])
    assert tablet.push(tablet.put("walkaround", record_id, start))["results"][0]["outcome"] == "applied"
    positions = {
        "front_left": {"seconds": 95, "sat_in": False, "points": {"pt0": {"presented": True, "interest": True}}},
        "front": {"seconds": 60, "points": {"pt1": {"presented": True, "objection": True, "note": "油耗偏高"}}},
        "side": {"seconds": 30, "points": {}},
        "rear_seat": {"seconds": 120, "sat_in": True, "points": {}},
    }
    finish = {
        "presentation_id": content["presentation"],
        "positions": positions,
        "current_position": "driver_seat",
        "status": "finished",
        "finished_at": "2026-11-30T10:18:00+08:00",
        "brochure_given": True,
    }
    result = tablet.push(tablet.put("walkaround", record_id, finish))
    assert result["results"][0]["outcome"] == "applied", result
    value = tablet.pull_all()[f"walkaround/{record_id}"]
    assert value["status"] == "finished" and value["positions"]["front"]["points"]["pt1"]["note"] == "油耗偏高"

    def summary():
        from server.workflow.walkaround import summarise

        record = db.session.get(Walkaround, record_id)
        return summarise(record.positions, db.session.get(Presentation, record.presentation_id), record.trim_id)

    result = read(app, summary)
    assert (result["positions_covered"], result["positions_total"]) == (3, 6)  # front_left, front, rear_seat
    assert (result["points_presented"], result["points_total"]) == (2, 5)  # pt5 is the other trim's
    assert result["total_seconds"] == 305
    assert [i["point"] for i in result["interests"]] == ["pt0"]
    assert [(o["point"], o["note"]) for o in result["objections"]] == [("pt1", "油耗偏高")]


BAD_SESSIONS = [
    ({"positions": {"roof": {"seconds": 5}}}, "positions"),
    ({"positions": {"front": {"points": {"nope": {"presented": True}}}}}, "positions"),
    ({"positions": {"front": {"points": {"pt0": {"presented": True}}}}}, "positions"),  # pt0 is front_left's
    ({"positions": {"front": {"seconds": -5}}}, "positions"),
    ({"positions": {"front": {"seconds": "long"}}}, "positions"),
    ({"positions": {"front": {"points": {"pt1": {"note": "字" * 501}}}}}, "positions"),
    ({"positions": []}, "positions"),
    ({"current_position": "roof"}, "current_position"),
    ({"status": "abandoned"}, "status"),
    ({"status": "finished", "finished_at": None}, "finished_at"),
    ({"started_at": "today"}, "started_at"),
    # unknown ids, fixed: they are part of the test's name, which must be the same in every process (pytest-xdist)
    ({"presentation_id": "3f1c9a52-7d4e-4b8a-9e21-5c0d6b7a8f13"}, "presentation_id"),
    ({"needs_analysis_id": "a8e2d4c6-1b3f-4a5e-8d7c-9f0e2b4c6d81"}, "needs_analysis_id"),
    ({"consultant_id": 999_999}, "consultant_id"),
    ({"consultant_id": "me"}, "consultant_id"),
    ({"brochure_given": "yes please"}, "brochure_given"),
]


@pytest.mark.parametrize(("change", "field"), BAD_SESSIONS, ids=[str(c) for c, _f in BAD_SESSIONS])
def test_bad_sessions_are_rejected_with_a_field_error_and_nothing_stored(app, world, content, change, field):
    """Unknown positions or points of that presentation version, bad numbers and states: a field error each."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    result = tablet.push(tablet.put("walkaround", record_id, session(content, world.ids["a1"], **change)))
    outcome = result["results"][0]
    assert outcome["outcome"] == "rejected" and field in outcome["error"]["errors"], outcome
    assert read(app, lambda: db.session.get(Walkaround, record_id)) is None


def test_positions_alone_are_judged_against_the_stored_presentation(app, world, content):
    """A partial put of positions need not name the presentation again: its codes are checked against the stored
    one, and one that is not in it is refused with the stored session unchanged."""
    tablet = world.tablet("a1")
    record_id = str(uuid.uuid4())
    tablet.push(tablet.put("walkaround", record_id, session(content, world.ids["a1"])))
    result = tablet.push(tablet.put("walkaround", record_id, {"positions": {"roof": {"seconds": 10}}}))
    assert result["results"][0]["outcome"] == "rejected"
    assert "positions" in result["results"][0]["error"]["errors"]
    assert read(app, lambda: db.session.get(Walkaround, record_id).positions) == {}
    result = tablet.push(tablet.put("walkaround", record_id, {"positions": {"front": {"seconds": 10}}}))
    assert result["results"][0]["outcome"] == "applied"
    assert read(app, lambda: db.session.get(Walkaround, record_id).positions)["front"]["seconds"] == 10


def test_a_trim_of_another_series_is_refused(app, world, content):
    """The trim shown must be one of the presented series."""

    def other_trim():
        series = make_series(db.session.get(Store, world.ids["store_a"]), "启程 E3")
        return make_trim(series, "510km").id

    trim_id = read(app, other_trim)
    tablet = world.tablet("a1")
    result = tablet.push(
        tablet.put("walkaround", str(uuid.uuid4()), session(content, world.ids["a1"], trim_id=trim_id))
    )
    assert "trim_id" in result["results"][0]["error"]["errors"]


def test_a_needs_analysis_of_another_customer_is_refused(app, world, content):
    """A session may only point at its own customer's needs analysis."""
    tablet = world.tablet("a1")
    needs_id = str(uuid.uuid4())
    tablet.push(tablet.put("needs_analysis", needs_id, needs(content["customer"])))

    def someone_else():
        store = db.session.get(Store, world.ids["store_a"])
        return make_customer(store, name="李四", phone="13900000001").id

    other = read(app, someone_else)
    values = session(content, world.ids["a1"], customer_id=other, needs_analysis_id=needs_id)
    result = tablet.push(tablet.put("walkaround", str(uuid.uuid4()), values))
    assert "needs_analysis_id" in result["results"][0]["error"]["errors"]
    assert read(app, lambda: db.session.get(Customer, other).grade) == "A"  # untouched
    assert read(app, lambda: db.session.get(Trim, content["trims"][0]).name) == "舒适版"


def test_the_database_refuses_to_change_a_published_version(app, content):
    """Immutability is not only a habit of the code: an UPDATE of a published version's content is refused by
    the database, while a tombstone may still be set."""
    from sqlalchemy import update
    from sqlalchemy.exc import DatabaseError

    def change(values):
        def run():
            try:
                db.session.execute(
                    update(Presentation).where(Presentation.id == content["presentation"]).values(**values)
                )
                db.session.commit()
                return "changed"
            except DatabaseError:
                db.session.rollback()
                return "refused"

        return read(app, run)

    assert change({"positions": []}) == "refused"
    assert change({"content_version": 7}) == "refused"
    assert change({"position_order": ["front"]}) == "refused"
    assert read(app, lambda: len(db.session.get(Presentation, content["presentation"]).positions)) == 6
    assert change({"deleted": True}) == "changed"


def test_a_position_without_points_for_the_trim_counts_when_time_was_spent_there(app, world, content):
    """The coverage rule shared with the tablet: for the base trim, driver_seat has no point (pt5 is the flagship's),
    so 40 seconds there cover it; front_left with time but nothing presented does not count."""
    from server.workflow.walkaround import summarise

    def run():
        presentation = db.session.get(Presentation, content["presentation"])
        positions = {"front_left": {"seconds": 50}, "driver_seat": {"seconds": 40}}
        base = summarise(positions, presentation, content["trims"][0])
        flagship = summarise(positions, presentation, content["trims"][1])
        return base["positions_covered"], flagship["positions_covered"], base["points_total"], flagship["points_total"]

    assert read(app, run) == (1, 0, 5, 6)


def test_a_new_prospect_its_needs_analysis_and_walkaround_in_one_push(app, world, content):
    """Offline, the tablet creates the customer, the needs analysis and the session, then pushes them together:
    each may name the records created earlier in the same push (and the confirmed grade goes to the customer)."""
    tablet = world.tablet("a1")
    customer_id, needs_id, walkaround_id = (str(uuid.uuid4()) for _ in range(3))
    result = tablet.push(
        tablet.put("customer", customer_id, {"name": "新客户", "phone": "13700001111", "owner_id": world.ids["a1"]}),
        tablet.put("needs_analysis", needs_id, needs(customer_id, consultant_id=world.ids["a1"], grade="A")),
        tablet.put("customer", customer_id, {"grade": "A"}),
        tablet.put(
            "walkaround",
            walkaround_id,
            {**session(content, world.ids["a1"]), "customer_id": customer_id, "needs_analysis_id": needs_id},
        ),
    )
    assert [r["outcome"] for r in result["results"]] == ["applied"] * 4, result
    state = tablet.pull_all()
    assert state[f"walkaround/{walkaround_id}"]["needs_analysis_id"] == needs_id
    assert state[f"customer/{customer_id}"]["grade"] == "A"
