"""The model layer's own rules: ids, store versions, field stamping, passwords, check constraints."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import Customer, Store, User, next_store_version, uuid7
from tests.factories import PASSWORD, make_series, make_store, make_user

# --- uuid7 ---------------------------------------------------------------------------------------------


def test_uuid7_is_a_valid_version_7_uuid_of_now():
    """uuid7() parses as an RFC 9562 UUID with version 7, the RFC variant, and a timestamp of now."""
    before = int(time.time() * 1000)
    value = uuid7()
    after = int(time.time() * 1000)
    parsed = uuid.UUID(value)
    assert str(parsed) == value  # canonical lowercase 8-4-4-4-12 form
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= after  # the first 48 bits are Unix milliseconds


def test_uuid7_values_are_unique_and_sort_by_creation_time():
    """Ids made later sort after ids made earlier, as text (the way tablets and the database order them)."""
    made = []
    for _ in range(5):
        made.append(uuid7())
        time.sleep(0.002)  # a new millisecond each time
    assert sorted(made) == made
    assert len(set(uuid7() for _ in range(1000))) == 1000


# --- masking ---------------------------------------------------------------------------------------------


# --- store versions and field stamping ---------------------------------------------------------------


def test_next_store_version_counts_per_store_independently(ctx):
    """Each store has its own counter: writes in store A never move store B's version."""
    a, b = make_store(), make_store()
    start_a, start_b = a.version, b.version  # a new store has already written its checklist templates
    assert [next_store_version(a.id) for _ in range(3)] == [start_a + 1, start_a + 2, start_a + 3]
    assert next_store_version(b.id) == start_b + 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Store, a.id).version == start_a + 3
    assert db.session.get(Store, b.id).version == start_b + 1


def test_apply_stamps_only_the_changed_fields_and_returns_them(ctx):
    """apply() sets the differing fields, stamps just those with the version, and names them."""
    store = make_store()
    series = make_series(store, name="启程 S5")
    first = series.version
    assert series.field_versions == {"name": first, "brand": first, "sort_order": first}

    changed = series.apply({"name": "启程 S6", "brand": series.brand, "sort_order": 0}, first + 1)
    assert changed == ["name"]
    assert series.name == "启程 S6"
    assert series.version == first + 1
    assert series.field_versions == {"name": first + 1, "brand": first, "sort_order": first}


def test_apply_with_nothing_changed_leaves_the_record_alone(ctx):
    """apply() with the current values changes no field, no version and returns an empty list."""
    store = make_store()
    series = make_series(store)
    before = (series.version, dict(series.field_versions))
    assert series.apply({"name": series.name, "sort_order": series.sort_order}, 999) == []
    assert (series.version, series.field_versions) == before


# --- users -------------------------------------------------------------------------------------------------


def test_check_password_accepts_only_the_right_password(ctx):
    """The stored hash is argon2id, the right password matches, a wrong one or a broken hash does not."""
    user = make_user(make_store())
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) is True
    assert user.check_password("wrong-horse-9") is False
    assert user.check_password("") is False
    user.password_hash = "not-a-hash"
    assert user.check_password(PASSWORD) is False


# --- check constraints at the database ----------------------------------------------------------------


def test_database_rejects_an_unknown_role(ctx):
    """A role outside the vocabulary cannot be stored, even when written past the application code."""
    store = make_store()
    db.session.add(User(store_id=store.id, username="king", display_name="King", role="king", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == "king")) is None


def test_database_rejects_an_unknown_grade(ctx):
    """A customer grade outside the vocabulary (N H A B C O D L X) cannot be stored."""
    store = make_store()
    db.session.add(
        Customer(store_id=store.id, name="张三", phone="13800138000", grade="Z", created_at=datetime.now(UTC))
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(Customer)) is None


def test_database_accepts_the_known_grades(ctx):
    """The constraint is not simply broken: every grade of the vocabulary is stored."""
    from server.vocabularies.grades import GRADES

    store = make_store()
    for grade in GRADES:
        db.session.add(Customer(store_id=store.id, name="张三", phone="13800138000", grade=grade))
    db.session.commit()
    assert sorted(db.session.scalars(select(Customer.grade)).all()) == sorted(GRADES)
