"""The demo dealership itself: store DEMO (示例4S店), one user per role, 3 series with trims and colours,
20 vehicles (4 of them the test-drive fleet) and 30 customers."""

from __future__ import annotations

import random

from sqlalchemy import select

from ..extensions import db
from ..models import Colour, Customer, Series, Store, Trim, User, Vehicle
from ..vocabularies.customers import LEAD_SOURCES
from ..vocabularies.grades import GRADES
from ..workflow.accounts import create_store, create_user
from .seeder import Seeder

DEMO_PASSWORD = "showroom-demo"  # noqa: S105 - printed on purpose: these are demo logins

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


def vin_with_check_digit(vin16: str) -> str:
    """Insert the ISO 3779 / GB 16735 check digit at position 9 of a 17-character VIN."""
    vin = vin16[:8] + "0" + vin16[8:]
    total = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return vin[:8] + check + vin[9:]


def store_and_staff() -> tuple[Store, list[User], int]:
    """Store DEMO and one account per role (made when missing); the third value counts what was created."""
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
    return store, users, created


def catalogue(seeder: Seeder, store: Store) -> tuple[list[list[Trim]], list[list[Colour]]]:
    """The three series with their trims and colours; returns trims and colours per series."""
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
    return trims, colours


def vehicles(seeder: Seeder, trims: list[list[Trim]], colours: list[list[Colour]], rng: random.Random) -> None:
    """20 vehicles across the series; the first 4 are the test-drive fleet."""
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


def customers(seeder: Seeder, users: list[User], rng: random.Random) -> None:
    """30 customers spread over the grades, lead sources and consultants."""
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
