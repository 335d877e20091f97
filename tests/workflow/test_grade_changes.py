"""Grade changes (客户级别变更) over sync: each change is a record of its own — who, when, from, to, why — kept
as written (append-only), reconciled like any other entity; two tablets changing the grade offline leave both
changes and a visible conflict on the customer's grade. An escort may add a walk-in customer."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from server.extensions import db
from server.models import Conflict, Customer, GradeChange, Store, User
from server.records.conflicts import settle
from tests.factories import make_customer
from tests.factories.walkaround import make_needs
from tests.sync.test_push import read


@pytest.fixture
def file(app, world) -> dict:
    """A customer of store A graded B, and a needs analysis of it."""
    with app.app_context():
        customer = make_customer(db.session.get(Store, world.ids["store_a"]), grade="B")
        ids = {"customer": customer.id, "needs": make_needs(customer).id}
        db.session.remove()
    return ids


def change(customer: str, by: int, **values) -> dict:
    """A grade change B → H by user `by`, as a tablet records it."""
    return {
        "customer_id": customer,
        "from_grade": "B",
        "to_grade": "H",
        "reason": "consultant",
        "needs_analysis_id": None,
        "note": "",
        "changed_by": by,
        "changed_by_name": "",
        "changed_at": "2026-11-29T10:14:07.512+08:00",
        **values,
    }


def grade_base(tablet, file: dict) -> dict:
    """`base` of a put of the customer's grade: the field version the tablet pulled."""
    return {"grade": tablet.pull_all()[f"customer/{file['customer']}"]["fieldVersions"]["grade"]}


def in_chinese(app, source: str) -> str:
    """What a consultant working in Chinese reads for the message `source`."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        return gettext(source)


def outcomes(answer: dict) -> list[str]:
    return [r["outcome"] for r in answer["results"]]


def test_a_grade_change_is_its_own_record_and_every_tablet_pulls_it(world, file):
    """The consultant raises B to H after the needs analysis: the change and the customer's new grade are two
    mutations; another tablet pulls the change with who, when, from, to and why, and the file's grade."""
    tablet = world.tablet("a1")
    change_id = str(uuid.uuid4())
    values = change(
        file["customer"],
        world.ids["a1"],
        reason="needs_analysis",
        needs_analysis_id=file["needs"],
        changed_by_name="李明",
    )
    answer = tablet.push(
        tablet.put("grade_change", change_id, values),
        tablet.put("customer", file["customer"], {"grade": "H"}, base=grade_base(tablet, file)),
    )
    assert outcomes(answer) == ["applied", "applied"], answer
    pulled = world.tablet("manager").pull_all()
    record = pulled[f"grade_change/{change_id}"]
    assert {k: record[k] for k in values} == values
    assert pulled[f"customer/{file['customer']}"]["grade"] == "H"


def test_a_grade_change_is_never_changed_or_deleted_once_recorded(app, world, file):
    """Append-only: a put that changes a recorded grade change and a delete of it are refused as `immutable`,
    recorded, and the queue goes on (the same values sent again change nothing and are applied); the database
    itself refuses an update of its content."""
    tablet = world.tablet("a1")
    change_id = str(uuid.uuid4())
    first = tablet.push(tablet.put("grade_change", change_id, change(file["customer"], world.ids["a1"])))
    assert outcomes(first) == ["applied"]
    answer = tablet.push(
        tablet.put("grade_change", change_id, {"to_grade": "A"}),
        tablet.mutation("delete", {"entity": "grade_change", "id": change_id}),
        tablet.put("grade_change", change_id, {"to_grade": "H"}),  # sent again as it is: changes nothing
        tablet.put("customer", file["customer"], {"grade": "H"}, base=grade_base(tablet, file)),
    )
    assert outcomes(answer) == ["rejected", "rejected", "applied", "applied"], answer
    assert {r["error"]["code"] for r in answer["results"][:2]} == {"immutable"}
    stored = read(app, lambda: (lambda r: (r.to_grade, r.deleted))(db.session.get(GradeChange, change_id)))
    assert stored == ("H", False)

    def overwrite():
        with pytest.raises(DBAPIError):
            db.session.execute(update(GradeChange).where(GradeChange.id == change_id).values(to_grade="C"))
            db.session.flush()
        db.session.rollback()
        return db.session.scalar(text("SELECT to_grade FROM grade_change WHERE id = :id"), {"id": change_id})

    assert read(app, overwrite) == "H"


def test_a_grade_change_is_recorded_in_the_name_of_whoever_makes_it(world, file):
    """李明's tablet cannot record a change in Wang's name: refused on `changed_by`, nothing kept."""
    tablet = world.tablet("a1")
    answer = tablet.push(tablet.put("grade_change", str(uuid.uuid4()), change(file["customer"], world.ids["a2"])))
    result = answer["results"][0]
    assert result["outcome"] == "rejected" and "changed_by" in result["error"]["errors"], result
    assert not [k for k in world.tablet("manager").pull_all() if k.startswith("grade_change/")]


def two_tablets_change_the_grade(world, file) -> str:
    """李明 makes the customer H and Wang makes it C, each offline; returns the conflict's id."""
    first, second = world.tablet("a1"), world.tablet("a2")
    base = grade_base(first, file)
    second.pull_all()
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    for tablet, change_id, user, grade in ((first, ids[0], "a1", "H"), (second, ids[1], "a2", "C")):
        answer = tablet.push(
            tablet.put("grade_change", change_id, change(file["customer"], world.ids[user], to_grade=grade)),
            tablet.put("customer", file["customer"], {"grade": grade}, base=base),
        )
        assert outcomes(answer)[0] == "applied", answer
    pulled = world.tablet("manager").pull_all()
    kept = sorted((pulled[f"grade_change/{i}"]["to_grade"], pulled[f"grade_change/{i}"]["changed_by"]) for i in ids)
    assert kept == sorted([("H", world.ids["a1"]), ("C", world.ids["a2"])])
    assert pulled[f"customer/{file['customer']}"]["grade"] == "C"
    conflicts = [v for k, v in pulled.items() if k.startswith("conflict/") and v["record_id"] == file["customer"]]
    assert [(c["field"], c["overwritten_value"], c["applied_value"]) for c in conflicts] == [("grade", "H", "C")]
    return conflicts[0]["id"]


def test_two_tablets_change_the_grade_offline_and_both_changes_are_kept(world, file):
    """Offline, 李明 makes the customer H and Wang makes it C. Both changes are kept as records; the grade is
    the later arrival's, and the overwritten one waits in a conflict for the office — nothing is lost."""
    two_tablets_change_the_grade(world, file)


def test_a_grade_the_office_restores_is_a_grade_change_too(app, world, file):
    """The manager settles the conflict by restoring H: the customer is H again, and the history keeps that change
    (C → H, restored in the office, in the manager's name) beside the two the tablets made."""
    conflict_id = two_tablets_change_the_grade(world, file)

    def restore():
        settle(db.session.get(Conflict, conflict_id), "restore", db.session.get(User, world.ids["manager"]))
        db.session.commit()

    read(app, restore)
    pulled = world.tablet("a1").pull_all()
    assert pulled[f"customer/{file['customer']}"]["grade"] == "H"
    changes = [v for k, v in pulled.items() if k.startswith("grade_change/")]
    office = [(c["from_grade"], c["to_grade"], c["changed_by"]) for c in changes if c["reason"] == "office"]
    assert office == [("C", "H", world.ids["manager"])] and len(changes) == 3


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"to_grade": "F"}, "to_grade", "Choose one of the listed values."),
        ({"to_grade": "B"}, "to_grade", "The new grade is the same as the old one."),
        ({"reason": "needs_analysis"}, "needs_analysis_id", "Name the needs analysis the change follows."),
        ({"changed_at": "yesterday"}, "changed_at", None),
        ({"note": "长" * 501}, "note", None),
        ({"changed_by_name": "王五"}, "changed_by_name", "Not the name of the person who made the change."),
    ],
)
def test_a_bad_grade_change_gets_an_error_on_its_field(app, world, file, values, field, message):
    """Garbage is refused field by field, in the writer's language, and nothing is kept."""
    tablet = world.tablet("a1")
    result = tablet.push(
        tablet.put("grade_change", str(uuid.uuid4()), change(file["customer"], world.ids["a1"], **values))
    )["results"][0]
    assert result["outcome"] == "rejected" and field in result["error"]["errors"], result
    if message:
        assert result["error"]["errors"][field] == [in_chinese(app, message)]


def test_a_needs_analysis_of_another_customer_is_no_reason(app, world, file):
    """The needs analysis a change follows must be the same customer's."""
    with app.app_context():
        other = make_customer(db.session.get(Store, world.ids["store_a"]), name="李四", phone="13900139000")
        other_id = other.id
        db.session.remove()
    tablet = world.tablet("a1")
    values = change(other_id, world.ids["a1"], reason="needs_analysis", needs_analysis_id=file["needs"])
    result = tablet.push(tablet.put("grade_change", str(uuid.uuid4()), values))["results"][0]
    assert result["outcome"] == "rejected" and "needs_analysis_id" in result["error"]["errors"], result


def test_an_escort_adds_a_walk_in_customer_and_changes_no_customer_file(app, world, file):
    """At the fleet, the escort meets a walk-in nobody has registered: the customer file the escort's tablet
    creates (name and mobile) is applied. Changing that file, or any other, stays the consultants' work, and so
    does a grade change: refused as `forbidden`."""
    tablet = world.tablet("escort")
    customer_id = str(uuid.uuid4())
    values = {"name": "周先生", "phone": "13912345678", "grade": "N", "source": "walk_in", "owner_id": None}
    answer = tablet.push(
        tablet.put("customer", customer_id, values),
        tablet.put("customer", customer_id, {"notes": "想试驾"}),
        tablet.put("customer", file["customer"], {"grade": "H"}),
        tablet.put("grade_change", str(uuid.uuid4()), change(file["customer"], world.ids["escort"])),
    )
    assert outcomes(answer) == ["applied", "rejected", "rejected", "rejected"], answer
    assert {r["error"]["code"] for r in answer["results"][1:]} == {"forbidden"}
    assert read(app, lambda: db.session.get(Customer, customer_id).name) == "周先生"


def test_a_deleted_customer_with_a_history_is_kept_by_the_tombstone_purge(app, world, file):
    """A grade change is never deleted, so the tombstone of a deleted customer it names stays while it does: the
    purge goes on with everything else (it used to fail on the foreign key, and with it every purge of the store)."""
    from datetime import timedelta

    from server.models import utcnow
    from server.sync.purge import purge_tombstones

    tablet = world.tablet("a1")
    gone = str(uuid.uuid4())
    answer = tablet.push(
        tablet.put("grade_change", str(uuid.uuid4()), change(file["customer"], world.ids["a1"])),
        tablet.mutation("delete", {"entity": "customer", "id": file["customer"], "base": {}}),
        tablet.put("customer", gone, {"name": "临时"}),
        tablet.mutation("delete", {"entity": "customer", "id": gone, "base": {}}),
    )
    assert "rejected" not in outcomes(answer), answer

    def purge():
        purged = purge_tombstones(world.ids["store_a"], utcnow() + timedelta(days=1))
        db.session.commit()
        kept = db.session.get(Customer, file["customer"])
        return purged, kept.deleted, db.session.get(Customer, gone)

    assert read(app, purge) == (1, True, None)
