"""The demo dealership: store DEMO (示例4S店), one user per role, 3 series, 20 vehicles, 30 customers.

Every record has a deterministic id (UUIDv5 of its natural key), so seeding twice finds what is there and
changes nothing.
"""

from __future__ import annotations

import random
import uuid

from sqlalchemy import select

from .cli import create_store, create_user
from .domain import GRADES, LEAD_SOURCES
from .extensions import db
from .models import Colour, Customer, Series, Store, Trim, User, Vehicle, next_store_version

DEMO_PASSWORD = "showroom-demo"  # noqa: S105 - printed on purpose: these are demo logins
NAMESPACE = uuid.UUID("6f1f4f0e-8a53-4c8e-9a43-1d2b1c0d5e01")

USERS = [  # username, role, display name
    ("reception", "receptionist", "王芳"),
    ("consultant", "consultant", "李明"),
    ("consultant2", "consultant", "赵磊"),
    ("escort", "escort", "陈刚"),
    ("escort2", "escort", "黄磊"),
    ("account", "account_manager", "刘洋"),
    ("manager", "manager", "张伟"),
    ("backoffice", "back_office", "孙丽"),
    ("admin", "admin", "周强"),
]

CATALOGUE = [  # series, powertrain, trims (name, msrp), colours (name, hex, extra)
    (
        "启程 S5",
        "ice",
        [("1.5T 两驱 舒适版", 109_900), ("1.5T 两驱 豪华版", 124_900), ("2.0T 四驱 旗舰版", 149_900)],
        [("极地白", "#f4f5f2", 0), ("曜石黑", "#16171a", 0), ("星河蓝", "#2b4c7e", 2000)],
    ),
    (
        "启程 L7",
        "phev",
        [("DM 105km 领航版", 159_800), ("DM 205km 尊贵版", 179_800)],
        [("珍珠白", "#efece4", 0), ("深空灰", "#4a4d52", 0), ("勃艮第红", "#7a1f2b", 3000)],
    ),
    (
        "启程 E3",
        "bev",
        [("510km 标准续航版", 139_800), ("650km 长续航版", 159_800), ("650km 四驱性能版", 189_800)],
        [("冰川白", "#f2f4f5", 0), ("青黛绿", "#3e5f55", 0), ("日落橙", "#d0692c", 2000)],
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def demo_id(*key: object) -> str:
    """The stable id of a demo record."""
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, key))))


def vin_with_check_digit(vin16: str) -> str:
    """Insert the ISO 3779 / GB 16735 check digit at position 9 of a 17-character VIN."""
    vin = vin16[:8] + "0" + vin16[8:]
    total = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return vin[:8] + check + vin[9:]


class _Seeder:
    def __init__(self, store: Store):
        self.store, self.created = store, 0

    def ensure(self, model: type, key: tuple, **fields) -> object:
        """Insert the record with the id of `key` unless it exists; each insert takes a store version."""
        record_id = demo_id(model.__tablename__, *key)
        record = db.session.get(model, record_id)
        if record is None:
            record = model(id=record_id, store_id=self.store.id)
            record.apply(fields, next_store_version(self.store.id))
            db.session.add(record)
            db.session.flush()
            self.created += 1
        return record


def seed_demo() -> tuple[int, list[User]]:
    """Load the demo dealership into the current session (the caller commits)."""
    store = db.session.scalar(select(Store).where(Store.code == "DEMO"))
    created = 0
    if store is None:
        store = create_store("DEMO", "示例4S店", brand="启程汽车", address="上海市闵行区示例路 88 号")
        created += 1
    users = []
    for username, role, name in USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, DEMO_PASSWORD, role, store, display_name=name)
            created += 1
        users.append(user)

    from .workflow.handover import default_templates

    default_templates(store)  # stores seeded before a checklist shipped get it now; present ones are kept
    seeder = _Seeder(store)
    trims, colours = [], []
    for order, (series_name, powertrain, trim_rows, colour_rows) in enumerate(CATALOGUE):
        series = seeder.ensure(Series, (series_name,), name=series_name, brand=store.brand, sort_order=order)
        series_trims = [
            seeder.ensure(
                Trim,
                (series_name, name),
                series_id=series.id,
                name=name,
                model_year=2026,
                powertrain=powertrain,
                msrp_yuan=msrp,
            )
            for name, msrp in trim_rows
        ]
        series_colours = [
            seeder.ensure(Colour, (series_name, name), series_id=series.id, name=name, hex=hex_, extra_yuan=extra)
            for name, hex_, extra in colour_rows
        ]
        trims.append(series_trims)
        colours.append(series_colours)

    rng = random.Random(20261129)  # noqa: S311 - demo data, not security
    statuses = ["in_stock"] * 10 + ["in_transit"] * 2 + ["reserved"] * 2 + ["sold"] * 2
    for n in range(20):
        line = n % 3
        trim, colour = trims[line][n % len(trims[line])], colours[line][n % len(colours[line])]
        fleet = n < 4
        vin = vin_with_check_digit(f"LKH{'SLE'[line]}{'ABCDEF'[n % 6]}2{n % 10}{'TS'[n % 2]}TA{n:06d}")
        seeder.ensure(
            Vehicle,
            (vin,),
            vin=vin,
            trim_id=trim.id,
            colour_id=colour.id,
            stock_status="in_stock" if fleet else statuses[n - 4],
            is_test_drive=fleet,
            odometer_km=rng.randint(800, 9000) if fleet else rng.randint(2, 30),
            plate=f"沪A·D{n:04d}试" if fleet else "",
        )

    _seed_test_drives(seeder, store)

    consultants = [u for u in users if u.role == "consultant"]
    grades = [g for g in GRADES if g not in ("X",)]
    sources = list(LEAD_SOURCES)
    for n in range(30):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
        phone = f"1{rng.choice('356789')}{rng.randint(0, 999_999_999):09d}"
        seeder.ensure(
            Customer,
            ("demo-customer", n),
            name=name,
            phone=phone,
            grade=grades[n % len(grades)],
            source=sources[n % len(sources)],
            owner_id=consultants[n % len(consultants)].id,
            notes="",
        )
    from .walkaround_demo import seed_walkaround

    manager = next(u for u in users if u.role == "manager")
    powertrains = {name: powertrain for name, powertrain, _t, _c in CATALOGUE}
    colours = {name: colour_rows[-1][1] for name, _p, _t, colour_rows in CATALOGUE}
    created += seed_walkaround(store, manager, demo_id, powertrains, colours)  # walk-around content (issue 6)
    return created + seeder.created, users


ROUTES = [  # name, km, description (试驾路线)
    ("城市短线", 6.5, "展厅 → 示例路 → 春申路 → 展厅：红绿灯起步、掉头、停车入位"),
    ("城市快速路", 12.0, "展厅 → 沪闵高架（限速 80）→ 莘庄立交 → 展厅：并线、加速、静谧性"),
    ("综合路线", 18.5, "城市短线 + 快速路 + 减速带路段：舒适性与制动"),
]
ENERGY = {"ice": "fuel", "hev": "fuel", "phev": "plugin", "bev": "electric"}


def _seed_test_drives(seeder: _Seeder, store: Store) -> None:
    """Test-drive rules and agreement, the fleet (the test-drive vehicles; the last one in maintenance), routes."""
    from .models import DemoCar, DriveRoute
    from .workflow.test_drive import provision

    provision(store)
    fleet = db.session.scalars(
        select(Vehicle).where(Vehicle.store_id == store.id, Vehicle.is_test_drive.is_(True)).order_by(Vehicle.vin)
    ).all()
    for n, vehicle in enumerate(fleet):
        trim = vehicle.trim
        seeder.ensure(
            DemoCar,
            (vehicle.vin,),
            vehicle_id=vehicle.id,
            plate=vehicle.plate,
            vin=vehicle.vin,
            trim_id=trim.id,
            description=f"{trim.series.name} {trim.name}",
            colour=vehicle.colour.name,
            transmission="manual" if trim.powertrain == "ice" and n != len(fleet) - 1 else "automatic",
            energy=ENERGY[trim.powertrain],
            status="maintenance" if n == len(fleet) - 1 else "available",
            keys=f"2 把 · 前台钥匙柜 {n + 1} 号",
            odometer_km=vehicle.odometer_km,
            current_drive_id=None,
            out_since=None,
            out_by=None,
            insurance_until="2027-06-30",
            notes="",
        )
    for name, km, description in ROUTES:
        seeder.ensure(DriveRoute, (name,), name=name, distance_km=km, description=description, active=True)
