"""The command line exactly as operators type it: seed-demo, create-store, create-user (app.test_cli_runner).

Each command runs in its own app context, as `flask ...` does; the tests read the database afterwards in a
fresh one (`database()`), so what they see is what the command committed.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Colour, Customer, Series, Store, Trim, User, Vehicle
from server.vocabularies.roles import ROLES
from tests.conftest import login

DEMO_PASSWORD = "showroom-demo"  # printed by seed-demo; asserted from the output below too


@pytest.fixture
def cli(app):
    """Run a `flask` command in-process; returns click's Result."""
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(args=list(args))

    return run


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


# --- ISO 3779 VIN check digit, written out here on purpose (not imported from server.demo) ---------------

_TRANSLITERATION = dict(
    zip("ABCDEFGHJKLMNPRSTUVWXYZ", [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9], strict=True)
)
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_is_valid(vin: str) -> bool:
    """True when the 17-character VIN's 9th character is its ISO 3779 check digit (0-9 or X)."""
    if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin):
        return False
    total = sum((int(c) if c.isdigit() else _TRANSLITERATION[c]) * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return vin[8] == ("X" if remainder == 10 else str(remainder))


def test_vin_checker_itself_accepts_a_known_vin_and_rejects_a_changed_one():
    """The checker used below is right: a published valid VIN passes, one changed character fails."""
    assert vin_is_valid("1M8GDM9AXKP042788")  # the textbook example of the check digit
    assert not vin_is_valid("1M8GDM9A1KP042788")
    assert not vin_is_valid("1M8GDM9AXKP04278I")  # I is never used in a VIN


# --- seed-demo -------------------------------------------------------------------------------------------


def test_seed_demo_prints_the_logins_and_the_password(cli, cheap_hashing):
    """The operator sees every demo login with its role and the shared password."""
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    assert "records created" in result.output
    assert DEMO_PASSWORD in result.output
    for username in ("reception", "consultant", "escort", "account", "manager", "backoffice", "admin"):
        assert re.search(rf"^\s+{username}\s", result.output, re.M), f"{username} not listed"


def test_seed_demo_twice_changes_nothing(cli, database, cheap_hashing):
    """A second run says nothing changed and leaves every table's row count and the store version alone."""
    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    with database() as session:
        counts = _row_counts()
        version = session.scalar(select(Store.version).where(Store.code == "DEMO"))
    assert counts["user"] == 9 and counts["vehicle"] == 20  # the first run did write

    second = cli("seed-demo")
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert DEMO_PASSWORD in second.output  # the logins are printed again
    with database() as session:
        assert _row_counts() == counts
        assert session.scalar(select(Store.version).where(Store.code == "DEMO")) == version


def test_seed_demo_loads_the_demo_dealership(cli, database, cheap_hashing):
    """Store DEMO 示例4S店 with every role, 3 priced series, 20 vehicles (4 fleet), 30 graded customers."""
    assert cli("seed-demo").exit_code == 0
    with database() as session:
        store = session.scalar(select(Store).where(Store.code == "DEMO"))
        assert store is not None and store.name == "示例4S店"

        users = session.scalars(select(User).where(User.store_id == store.id)).all()
        assert {u.role for u in users} == set(ROLES) and len(ROLES) == 7
        assert all(u.active for u in users)

        series = session.scalars(select(Series).where(Series.store_id == store.id)).all()
        assert len(series) == 3
        for line in series:
            assert line.trims, f"{line.name} has no trims"
            assert line.colours, f"{line.name} has no colours"
            assert all(t.msrp_yuan > 0 and t.model_year >= 2000 for t in line.trims)
            assert all(re.fullmatch(r"#[0-9a-f]{6}", c.hex) for c in line.colours)

        vehicles = session.scalars(select(Vehicle).where(Vehicle.store_id == store.id)).all()
        assert len(vehicles) == 20
        assert sum(v.is_test_drive for v in vehicles) == 4
        assert len({v.vin for v in vehicles}) == 20

        customers = session.scalars(select(Customer).where(Customer.store_id == store.id)).all()
        assert len(customers) == 30
        grades = Counter(c.grade for c in customers)
        assert len(grades) >= 5, grades
        assert all(c.owner_id in {u.id for u in users} for c in customers)


def test_seed_demo_vins_carry_valid_check_digits(cli, database, cheap_hashing):
    """Every demo VIN is a well-formed 17-character VIN whose 9th character is the ISO 3779 check digit."""
    assert cli("seed-demo").exit_code == 0
    with database() as session:
        vins = session.scalars(select(Vehicle.vin)).all()
    assert len(vins) == 20
    assert [vin for vin in vins if not vin_is_valid(vin)] == []


def test_seed_demo_phones_are_chinese_mobile_numbers(cli, database, cheap_hashing):
    """Every demo customer's phone is an 11-digit mainland mobile number: ^1[3-9]\\d{9}$."""
    assert cli("seed-demo").exit_code == 0
    with database() as session:
        phones = session.scalars(select(Customer.phone)).all()
    assert len(phones) == 30
    assert [phone for phone in phones if not re.fullmatch(r"1[3-9]\d{9}", phone)] == []


def test_seed_demo_catalogue_records_carry_store_versions(cli, database, cheap_hashing):
    """Seeded records are sync records: each has a version within the store's counter and stamped fields."""
    assert cli("seed-demo").exit_code == 0
    versions = []
    with database() as session:
        store = session.scalar(select(Store).where(Store.code == "DEMO"))
        for model in (Series, Trim, Colour, Vehicle, Customer):
            for record in session.scalars(select(model)):
                assert 0 < record.version <= store.version
                assert set(record.field_versions) == set(model.SYNC_FIELDS), model.__name__
                versions.append(record.version)
    assert len(versions) == 3 + 8 + 9 + 20 + 30
    assert len(set(versions)) == len(versions)  # one version per insert, never shared


def test_seed_demo_loads_the_test_drive_fleet(cli, database, cheap_hashing):
    """The 4 fleet vehicles become demo cars (one in maintenance), with 3 routes, the rules and agreement v1."""
    from server.models import AgreementTemplate, DemoCar, DriveRoute, DriveRules

    assert cli("seed-demo").exit_code == 0
    with database() as session:
        cars = session.scalars(select(DemoCar)).all()
        assert sorted(c.status for c in cars) == ["available", "available", "available", "maintenance"]
        assert {c.energy for c in cars} == {"fuel", "plugin", "electric"}
        assert "manual" in {c.transmission for c in cars}
        assert all(c.plate.endswith("试") for c in cars)
        assert sorted(r.distance_km for r in session.scalars(select(DriveRoute))) == [6.5, 12.0, 18.5]
        rules = session.scalar(select(DriveRules))
        agreement = session.get(AgreementTemplate, rules.agreement_template_id)
        assert (rules.min_age, agreement.template_version) == (18, 1)


# --- create-store ------------------------------------------------------------------------------------------


def test_create_store_creates_it(cli, database):
    """`create-store CODE NAME` makes the store, with the shipped delivery checklist, the test-drive rules and
    agreement, and says so."""
    from server.models import AgreementTemplate, ChecklistTemplate, DriveRules

    result = cli("create-store", "SH01", "上海闵行店", "--brand", "启程汽车")
    assert result.exit_code == 0, result.output
    assert "SH01" in result.output
    with database() as session:
        store = session.scalar(select(Store).where(Store.code == "SH01"))
        assert (store.name, store.brand) == ("上海闵行店", "启程汽车")
        template = session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.store_id == store.id))
        assert (template.key, template.template_version, len(template.item_codes())) == ("delivery", 1, 74)
        agreement = session.scalar(select(AgreementTemplate).where(AgreementTemplate.store_id == store.id))
        rules = session.scalar(select(DriveRules).where(DriveRules.store_id == store.id))
        assert (agreement.key, agreement.template_version) == ("test_drive", 1)
        assert (rules.min_age, rules.agreement_template_id) == (18, agreement.id)
        # loading them were the store's only writes, one version each
        assert (
            sorted([template.version, agreement.version, rules.version])
            == [1, 2, 3]
            == list(range(1, store.version + 1))
        )


def test_create_store_twice_fails_and_keeps_the_first(cli, database):
    """A taken code exits non-zero with a message and neither adds a store nor renames the existing one."""
    assert cli("create-store", "SH01", "上海闵行店").exit_code == 0
    result = cli("create-store", "SH01", "另一家店")
    assert result.exit_code != 0
    assert "SH01" in result.output
    with database() as session:
        stores = session.scalars(select(Store)).all()
        assert [(s.code, s.name) for s in stores] == [("SH01", "上海闵行店")]


# --- create-user -------------------------------------------------------------------------------------------


def test_create_user_hashes_with_argon2id_and_can_sign_in(cli, database, client):
    """`create-user` stores an argon2id hash (never the password) and the account signs in to the office."""
    assert cli("create-store", "SH01", "上海闵行店").exit_code == 0
    result = cli(
        "create-user",
        "wangfang",
        "--password",
        "long-enough-1",
        "--role",
        "receptionist",
        "--store",
        "SH01",
        "--name",
        "王芳",
    )
    assert result.exit_code == 0, result.output
    with database() as session:
        user = session.scalar(select(User).where(User.username == "wangfang"))
        assert (user.role, user.display_name, user.store.code, user.active) == ("receptionist", "王芳", "SH01", True)
        assert user.password_hash.startswith("$argon2id$")
        assert "long-enough-1" not in user.password_hash

    response = login(client, "wangfang", "long-enough-1")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/office/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password", "long-enough-1", "--role", "consultant", "--store", "NOPE"], "NOPE"),
        (["--password", "long-enough-1", "--role", "king", "--store", "SH01"], "king"),
        (["--password", "short", "--role", "consultant", "--store", "SH01"], "8"),
    ],
    ids=["unknown-store", "unknown-role", "short-password"],
)
def test_create_user_rejects_bad_input_and_creates_nothing(cli, database, args, message):
    """An unknown store or role, or a password under 8 characters: non-zero exit, a reason, no account."""
    assert cli("create-store", "SH01", "上海闵行店").exit_code == 0
    result = cli("create-user", "newbie", *args)
    assert result.exit_code != 0
    assert message in result.output
    with database() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_create_user_duplicate_username_fails_and_keeps_the_first(cli, database):
    """A taken username (in any store) exits non-zero and leaves the first account untouched."""
    assert cli("create-store", "SH01", "上海闵行店").exit_code == 0
    assert cli("create-store", "BJ01", "北京朝阳店").exit_code == 0
    assert (
        cli("create-user", "liming", "--password", "long-enough-1", "--role", "consultant", "--store", "SH01").exit_code
        == 0
    )
    result = cli("create-user", "liming", "--password", "other-pass-2", "--role", "admin", "--store", "BJ01")
    assert result.exit_code != 0
    assert "liming" in result.output
    with database() as session:
        users = session.scalars(select(User)).all()
        assert [(u.username, u.role, u.store.code) for u in users] == [("liming", "consultant", "SH01")]
        assert users[0].check_password("long-enough-1")
