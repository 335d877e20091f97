"""A `put` changes the fields in its `set` and nothing else (SYNC_PROTOCOL.md, Push): a field that must be there
to create a record, or that a rule reads together with another, is never required again once the record exists.

A walk-around `put` of `positions` alone was refused unless `presentation_id` was sent again; a needs analysis'
budget bound alone was refused unless the other came along; a drive's outcome alone was judged without its stored
refusal reasons. The rules now read the stored record for what the `put` does not send.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.workflow.entities import ENTITIES
from tests.factories.everything import everything_fixture, lot_fixture  # noqa: F401 - fixtures

#: A put that was applied (a conflict is applied too: it only keeps the value it overwrote)
APPLIED = ("applied", "conflict")
WRITABLE = sorted(entity.name for entity in ENTITIES if not entity.read_only)
FIELDS = {entity.name: entity.fields for entity in ENTITIES}
AUTHORS = {entity.name: entity.author for entity in ENTITIES if entity.author}


def pulled(tablet, key: str) -> dict:
    """The record at `key` as a full pull shows it now."""
    tablet.cookie = None
    return tablet.pull_all()[key]


def stored(everything, entity: str) -> dict:
    """The record of `entity` as the manager's tablet pulls it (licence photos are never pulled: read the row)."""
    tablet = everything.manager
    record_id = everything.records[entity]
    if entity == "licence_photo":
        from server.extensions import db
        from server.records.registry import REGISTRY

        row = db.session.get(REGISTRY[entity].model, record_id)
        return {"fieldVersions": row.field_versions, **{f: getattr(row, f) for f in FIELDS[entity]}}
    return pulled(tablet, f"{entity}/{record_id}")


def test_every_field_of_every_writable_entity_may_be_put_alone(app, everything):
    """Each field of an existing record, sent alone with the value it has: applied, nothing else asked for."""
    assert set(everything.records) == set(WRITABLE)
    tablet = everything.manager
    refused = {}
    for entity in WRITABLE:
        with app.app_context():
            record = stored(everything, entity)
        for name in FIELDS[entity]:
            base = {name: record["fieldVersions"].get(name, 0)}
            result = tablet.push(tablet.put(entity, everything.records[entity], {name: record[name]}, base))
            outcome = result["results"][0]
            if outcome["outcome"] != "applied":
                refused[f"{entity}.{name}"] = outcome.get("error")
    assert refused == {}, sorted(refused)


def test_a_walkaround_put_of_its_positions_alone_is_applied_and_still_checked(app, everything):
    """The finding: positions alone are applied, judged against the stored presentation (an unknown talking point
    is still refused on `positions`)."""
    tablet, walkaround = everything.manager, everything.records["walkaround"]
    positions = {"front": {"seconds": 12, "points": {"pt1": {"presented": True}}}}
    result = tablet.push(tablet.put("walkaround", walkaround, {"positions": positions}))["results"][0]
    assert result["outcome"] in APPLIED, result
    record = pulled(tablet, f"walkaround/{walkaround}")
    assert record["positions"]["front"]["points"]["pt1"]["presented"] is True
    assert record["presentation_id"] and record["current_position"] == "front"
    unknown = {"front": {"seconds": 1, "points": {"nope": {"presented": True}}}}
    result = tablet.push(tablet.put("walkaround", walkaround, {"positions": unknown}))["results"][0]
    assert result["outcome"] == "rejected" and "positions" in result["error"]["errors"], result
    result = tablet.push(tablet.put("walkaround", walkaround, {"current_position": "elsewhere"}))["results"][0]
    assert result["outcome"] == "rejected" and "current_position" in result["error"]["errors"], result


def test_a_budget_bound_alone_is_judged_against_the_stored_other_bound(everything):
    """The upper bound alone is applied; below the stored lower bound it is refused on `budget_max`."""
    tablet, needs = everything.manager, everything.records["needs_analysis"]
    assert tablet.push(tablet.put("needs_analysis", needs, {"budget_max": 20.0}))["results"][0]["outcome"] in APPLIED
    result = tablet.push(tablet.put("needs_analysis", needs, {"budget_max": 5.0}))["results"][0]
    assert result["outcome"] == "rejected" and "budget_max" in result["error"]["errors"], result


def test_a_drive_outcome_alone_is_judged_with_the_stored_refusal_reasons(everything):
    """An outcome of `refused` with no stored reason is refused on `refusal_reasons`, as it would be with both
    sent; once the reasons are stored, the outcome alone (a tablet sending only what changed) is applied."""
    tablet, drive = everything.lot.escort, everything.records["test_drive"]
    result = tablet.push(tablet.put("test_drive", drive, {"outcome": "refused"}))["results"][0]
    assert result["outcome"] == "rejected" and "refusal_reasons" in result["error"]["errors"], result
    both = {"outcome": "refused", "refusal_reasons": ["no_licence"]}
    assert tablet.push(tablet.put("test_drive", drive, both))["results"][0]["outcome"] in APPLIED
    # the last: "other" needs a note, which is stored by then
    for alone in ({"outcome": "refused"}, {"refusal_note": "无驾照"}, {"refusal_reasons": ["no_licence", "other"]}):
        result = tablet.push(tablet.put("test_drive", drive, alone))["results"][0]
        assert result["outcome"] in APPLIED, (alone, result)


FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
)


def test_a_subset_put_of_junk_never_crashes_and_never_touches_other_fields(app, everything):
    """Hypothesis: one to three fields of an existing record with junk values: applied or rejected on those fields,
    never a server error; the fields it did not name keep their values."""
    tablet = everything.manager
    before = {entity: None for entity in WRITABLE if entity != "licence_photo"}
    for entity in before:
        before[entity] = pulled(tablet, f"{entity}/{everything.records[entity]}")

    @FUZZ
    @given(data=st.data())
    def attack(data):
        entity = data.draw(st.sampled_from(sorted(before)))
        names = data.draw(st.lists(st.sampled_from(FIELDS[entity]), min_size=1, max_size=3, unique=True))
        values = {name: data.draw(JUNK) for name in names}
        result = tablet.push(tablet.put(entity, everything.records[entity], values))["results"][0]
        assert result["outcome"] in (*APPLIED, "rejected"), result
        if result["outcome"] == "rejected":
            # naming someone else as the record's author (a visit's `recorded_by`) is refused as forbidden
            named_author = AUTHORS.get(entity) in values
            assert result["error"]["code"] in ("invalid", "immutable", *(["forbidden"] * named_author)), result
        after = pulled(tablet, f"{entity}/{everything.records[entity]}")
        untouched = [f for f in FIELDS[entity] if f not in values]
        assert {f: after[f] for f in untouched} == {f: before[entity][f] for f in untouched}
        before[entity] = after

    attack()
