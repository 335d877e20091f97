"""Test-drive demo data: the store's rules and agreement, the fleet (DemoCar rows for the test-drive vehicles,
the last one in maintenance) and three routes."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import DemoCar, DriveRoute, Store, Vehicle
from ..workflow.test_drive import provision
from .seeder import Seeder

ROUTES = [  # name, km, description (试驾路线)
    ("城市短线", 6.5, "展厅 → 示例路 → 春申路 → 展厅：红绿灯起步、掉头、停车入位"),
    ("城市快速路", 12.0, "展厅 → 沪闵高架（限速 80）→ 莘庄立交 → 展厅：并线、加速、静谧性"),
    ("综合路线", 18.5, "城市短线 + 快速路 + 减速带路段：舒适性与制动"),
]
ENERGY = {"ice": "fuel", "hev": "fuel", "phev": "plugin", "bev": "electric"}


def seed_test_drives(seeder: Seeder, store: Store) -> None:
    """Test-drive rules and agreement, the fleet (the test-drive vehicles; the last one in maintenance), routes."""
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
