"""The pure merge rules (server/records/merge.py), SYNC_PROTOCOL.md Push rule 4: properties and edge cases.

No Flask, no database. `Record` below mirrors what `mutators.write` does with a `Merge` (each changed field
stamped with the mutation's version and origin; the tombstone as the pseudo-field `deleted`), so the
properties speak about whole histories of writes, not single calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from server.records.merge import DELETED, FieldState, Merge, apply_merge, merge_delete, merge_put

FIELDS = ("name", "phone", "grade")
ORIGINS = ("tablet-a", "tablet-b", "office:7")
values = st.sampled_from(["x", "y", "z", "", None])


@dataclass
class Record:
    """A record as the server keeps it: field states plus the tombstone state."""

    fields: dict[str, FieldState] = field(default_factory=dict)
    tombstone: FieldState | None = None  # the delete's state while deleted
    deleted_state: FieldState | None = None  # the `deleted` pseudo-field's last write (kept after undelete)
    exists: bool = False

    def current(self) -> dict[str, FieldState] | None:
        return {f: self.fields.get(f, FieldState(None)) for f in FIELDS} if self.exists else None

    def values(self) -> dict:
        return {f: s.value for f, s in self.fields.items()}

    def versions(self) -> dict[str, int]:
        return {f: s.version for f, s in self.fields.items()}

    def write(self, merge: Merge, version: int, origin: str) -> None:
        """What mutators.write does: changed fields take (version, origin); delete/undelete stamp `deleted`."""
        for name, value in merge.changes.items():
            if not self.exists or self.fields.get(name, FieldState(None)).value != value:
                self.fields[name] = FieldState(value, version, origin)
        self.exists = True
        if merge.delete or merge.undelete:
            self.deleted_state = FieldState(merge.delete, version, origin)
            self.tombstone = FieldState(True, version, origin) if merge.delete else None


def put(record: Record, incoming: dict, base: dict, origin: str, version: int) -> Merge:
    merge = merge_put(record.current(), record.tombstone, incoming, base, origin)
    record.write(merge, version, origin)
    return merge


def delete(record: Record, base: dict, origin: str, version: int) -> Merge:
    if not record.exists:
        return Merge()
    merge = merge_delete(record.current(), record.tombstone, base, origin)
    record.write(merge, version, origin)
    return merge


def created(values_: dict, origin: str = "tablet-a", version: int = 1) -> Record:
    record = Record()
    put(record, values_, {}, origin, version)
    return record


# --- Properties ---------------------------------------------------------------------------------------------

edits = st.dictionaries(st.sampled_from(FIELDS), values, min_size=1)


@given(
    start=st.fixed_dictionaries({f: values for f in FIELDS}),
    data=st.data(),
    stale_a=st.booleans(),
    stale_b=st.booleans(),
)
def test_non_overlapping_edits_from_two_origins_commute(start, data, stale_a, stale_b):
    """Tablet A edits some fields, tablet B others: either arrival order ends with the same values, the same
    field versions' owners, and conflicts on the same fields (only against the third writer, never each other)."""
    fields_a = data.draw(st.sets(st.sampled_from(FIELDS), min_size=1, max_size=2))
    fields_b = set(FIELDS) - fields_a
    edit_a = {f: data.draw(values) for f in fields_a}
    edit_b = {f: data.draw(values) for f in fields_b}
    outcomes = []
    for order in (("a", "b"), ("b", "a")):
        record = created(start, origin="office:7", version=1)
        base_a = {} if stale_a else record.versions()
        base_b = {} if stale_b else record.versions()
        conflicts = set()
        for version, who in enumerate(order, start=2):
            merge = (
                put(record, edit_a, base_a, "tablet-a", version)
                if who == "a"
                else put(record, edit_b, base_b, "tablet-b", version)
            )
            conflicts |= {(c.field, c.overwritten.origin) for c in merge.conflicts}
        outcomes.append((record.values(), {f: s.origin for f, s in record.fields.items()}, conflicts))
    assert outcomes[0] == outcomes[1]
    assert all(origin == "office:7" for _f, origin in outcomes[0][2])


# A random history: each step is a put or a delete by one origin, whose base is either what it last pulled
# (possibly stale) or the record's current versions (it had just synced).
step = st.tuples(
    st.sampled_from(ORIGINS),
    st.sampled_from(["put", "put", "put", "delete", "sync"]),
    edits,
    st.sampled_from(["pulled", "current", "none"]),
)


@settings(max_examples=300)
@given(start=st.fixed_dictionaries({f: values for f in FIELDS}), steps=st.lists(step, min_size=1, max_size=25))
def test_no_overwritten_value_is_silently_lost(start, steps):
    """Every value a write replaces (or hides by deleting) is either superseded by its own origin, or was seen by
    the writer (base matched its version), or is kept in a conflict — with the value and who wrote it."""
    record = created(start, origin="tablet-a", version=1)
    pulled = {o: record.versions() | {DELETED: 0} for o in ORIGINS}
    for version, (origin, kind, incoming, base_kind) in enumerate(steps, start=2):
        if kind == "sync":
            pulled[origin] = record.versions()
            continue
        base = {"pulled": pulled[origin], "current": record.versions(), "none": {}}[base_kind]
        before = dict(record.fields)
        tombstone = record.tombstone
        if kind == "put":
            base = {f: v for f, v in base.items() if f in incoming}
            merge = put(record, incoming, base, origin, version)
            kept = {(c.field, c.overwritten) for c in merge.conflicts}
            for name, value in incoming.items():
                old = before.get(name, FieldState(None))
                if old.value == value or old.version == 0:
                    assert name not in merge.changes or old.value != value
                    continue
                assert record.fields[name] == FieldState(value, version, origin)  # the later arrival wins
                lost = old.origin != origin and base.get(name, 0) != old.version
                assert not lost or (name, old) in kept, (name, old, merge)
            if tombstone is not None:  # a put revives the record; another origin's delete is kept
                assert record.tombstone is None
                assert tombstone.origin == origin or (DELETED, tombstone) in kept
            assert len(merge.conflicts) == len(kept)  # one conflict per field
        else:
            merge = delete(record, base, origin, version)
            if tombstone is not None:
                assert merge == Merge()  # deleting a deleted record changes nothing
                continue
            assert record.tombstone == FieldState(True, version, origin)
            hidden = {
                n: s for n, s in before.items() if s.version and s.origin != origin and base.get(n, 0) != s.version
            }
            if hidden:
                (conflict,) = merge.conflicts
                assert conflict.field == DELETED and conflict.applied_value is True
                for name, state in hidden.items():
                    assert conflict.overwritten.value[name] == state.value
            else:
                assert merge.conflicts == ()


@given(
    start=st.fixed_dictionaries({f: values for f in FIELDS}),
    incoming=edits,
    use_base=st.booleans(),
    origin=st.sampled_from(ORIGINS),
    deleted_by=st.sampled_from([None, *ORIGINS]),
)
def test_applying_a_put_twice_equals_applying_it_once(start, incoming, use_base, origin, deleted_by):
    """A retried put (same values, same base) finds nothing to change and keeps no second conflict."""
    record = created(start, origin="tablet-a", version=1)
    if deleted_by:
        delete(record, record.versions(), deleted_by, 2)
    base = record.versions() if use_base else {}
    put(record, incoming, base, origin, 3)
    once = (dict(record.fields), record.tombstone, record.deleted_state)
    again = put(record, incoming, base, origin, 4)
    assert again == Merge()
    assert (dict(record.fields), record.tombstone, record.deleted_state) == once


@given(
    start=st.fixed_dictionaries({f: values for f in FIELDS}), use_base=st.booleans(), origin=st.sampled_from(ORIGINS)
)
def test_applying_a_delete_twice_equals_applying_it_once(start, use_base, origin):
    record = created(start, origin="tablet-b", version=1)
    base = record.versions() if use_base else {}
    delete(record, base, origin, 2)
    once = (dict(record.fields), record.tombstone)
    assert delete(record, base, origin, 3) == Merge()
    assert (dict(record.fields), record.tombstone) == once


@given(start=st.fixed_dictionaries({f: values for f in FIELDS}), edit=edits)
def test_edit_vs_delete_later_arrival_wins_and_the_other_side_is_kept(start, edit):
    """Tablet A edits, tablet B deletes, both from the same pulled state. Whichever arrives later wins; the
    conflict keeps the other side (the tombstone, or A's live values)."""
    # edit first, delete second: the record ends deleted, and A's edit is kept if it changed anything
    record = created(start, origin="office:7")
    seen = record.versions()
    edit_merge = put(record, edit, seen, "tablet-a", 2)
    merge = delete(record, seen, "tablet-b", 3)
    assert record.tombstone == FieldState(True, 3, "tablet-b")
    if edit_merge.changes:
        (conflict,) = merge.conflicts
        assert conflict.field == DELETED and conflict.applied_value is True
        assert {k: conflict.overwritten.value[k] for k in edit} == edit
    else:
        assert merge.conflicts == ()

    # delete first, edit second: the record comes back with A's values; the tombstone is kept
    record = created(start, origin="office:7")
    seen = record.versions()
    delete(record, seen, "tablet-b", 2)
    merge = put(record, edit, seen, "tablet-a", 3)
    assert record.tombstone is None and merge.undelete
    assert {k: record.fields[k].value for k in edit} == edit
    (kept,) = [c for c in merge.conflicts if c.field == DELETED]
    assert kept.overwritten == FieldState(True, 2, "tablet-b") and kept.applied_value is False


# --- Examples -----------------------------------------------------------------------------------------------


def test_a_new_record_takes_every_incoming_field_without_conflict():
    assert merge_put(None, None, {"name": "张三", "phone": ""}, {}, "g") == Merge(changes={"name": "张三", "phone": ""})


def test_an_unchanged_value_is_neither_written_nor_a_conflict():
    current = {"phone": FieldState("1", 5, "other")}
    assert merge_put(current, None, {"phone": "1"}, {}, "me") == Merge()


def test_a_tablets_own_offline_edits_never_conflict():
    current = {"phone": FieldState("1", 5, "me")}
    merge = merge_put(current, None, {"phone": "2"}, {"phone": 3}, "me")
    assert merge.changes == {"phone": "2"} and merge.conflicts == ()


def test_a_field_never_written_has_version_zero_and_base_zero_matches_it():
    current = {"notes": FieldState("", 0, None)}
    assert merge_put(current, None, {"notes": "x"}, {}, "me").conflicts == ()


def test_a_field_absent_from_base_has_base_zero():
    current = {"phone": FieldState("1", 5, "other")}
    (conflict,) = merge_put(current, None, {"phone": "2"}, {"grade": 5}, "me").conflicts
    assert conflict.base_version == 0 and conflict.overwritten == FieldState("1", 5, "other")
    assert conflict.applied_value == "2"


def test_a_base_ahead_of_the_server_is_a_conflict_not_a_silent_overwrite():
    """After a restore from backup a tablet can claim a version the server never had: keep the value."""
    current = {"phone": FieldState("1", 5, "other")}
    assert len(merge_put(current, None, {"phone": "2"}, {"phone": 9}, "me").conflicts) == 1


def test_a_seen_value_is_overwritten_without_conflict():
    current = {"phone": FieldState("1", 5, "other"), "grade": FieldState("A", 4, "other")}
    merge = merge_put(current, None, {"phone": "2", "grade": "B"}, {"phone": 5, "grade": 3}, "me")
    assert merge.changes == {"phone": "2", "grade": "B"}
    assert [c.field for c in merge.conflicts] == ["grade"]


def test_delete_of_a_deleted_record_changes_nothing():
    tomb = FieldState(True, 9, "other")
    assert merge_delete({"name": FieldState("x", 1, "a")}, tomb, {}, "me") == Merge()


def test_delete_having_seen_everything_is_no_conflict():
    current = {"name": FieldState("x", 3, "other"), "phone": FieldState("", 0, None)}
    assert merge_delete(current, None, {"name": 3}, "me") == Merge(delete=True)


def test_delete_of_own_edits_is_no_conflict():
    current = {"name": FieldState("x", 3, "me")}
    assert merge_delete(current, None, {}, "me") == Merge(delete=True)


def test_delete_over_a_foreign_edit_keeps_every_live_value():
    current = {"name": FieldState("x", 3, "a"), "phone": FieldState("1", 7, "b"), "grade": FieldState("A", 1, "me")}
    merge = merge_delete(current, None, {"name": 3}, "me")
    (conflict,) = merge.conflicts
    assert merge.delete and conflict.field == DELETED
    assert conflict.overwritten.value == {"name": "x", "phone": "1", "grade": "A"}
    assert conflict.overwritten.version == 7 and conflict.overwritten.origin == "b"
    assert conflict.base_version == 3 and conflict.applied_value is True


def test_put_on_own_tombstone_revives_without_conflict():
    merge = merge_put({"name": FieldState("x", 1, "me")}, FieldState(True, 2, "me"), {"name": "y"}, {"name": 1}, "me")
    assert merge.undelete and merge.conflicts == () and merge.changes == {"name": "y"}


def test_put_with_same_values_on_a_foreign_tombstone_still_revives_and_keeps_the_delete():
    merge = merge_put({"name": FieldState("x", 1, "me")}, FieldState(True, 2, "b"), {"name": "x"}, {"name": 1}, "me")
    assert merge.undelete and merge.changes == {}
    assert [c.field for c in merge.conflicts] == [DELETED]


def test_device_time_plays_no_part():
    """The merge functions take no time at all: their signatures have no clock."""
    import inspect

    for fn in (merge_put, merge_delete):
        assert not any("time" in p for p in inspect.signature(fn).parameters)


def test_apply_merge():
    assert apply_merge({"a": 1, "b": 2}, Merge(changes={"b": 3})) == {"a": 1, "b": 3}
