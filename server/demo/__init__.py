"""The demo dealership (`flask seed-demo`): every feature's demo data lives in this package, one module each.

- seeder.py — deterministic ids (UUIDv5 of a natural key), so seeding twice changes nothing
- dealership.py — store DEMO (示例4S店), one user per role, the catalogue, 20 vehicles, 30 customers
- test_drive.py — the fleet, routes, rules and agreement
- walkaround.py — six-position talking points and pictures for each series
- commands.py — the `seed-demo` command
"""

from __future__ import annotations

import random

from ..models import User
from ..workflow.handover import default_templates
from . import dealership
from .seeder import Seeder, demo_id
from .test_drive import seed_test_drives
from .walkaround import seed_walkaround

DEMO_PASSWORD = dealership.DEMO_PASSWORD


def seed_demo() -> tuple[int, list[User]]:
    """Load the demo dealership into the current session (the caller commits); returns what was created and the
    demo accounts."""
    store, users, created = dealership.store_and_staff()
    default_templates(store)  # stores seeded before a checklist shipped get it now; present ones are kept
    seeder = Seeder(store)
    trims, colours = dealership.catalogue(seeder, store)
    rng = random.Random(20261129)  # noqa: S311 - demo data, not security
    dealership.vehicles(seeder, trims, colours, rng)
    seed_test_drives(seeder, store)
    dealership.customers(seeder, users, rng)
    manager = next(u for u in users if u.role == "manager")
    powertrains = {name: powertrain for name, powertrain, _t, _c in dealership.CATALOGUE}
    body_colours = {name: colour_rows[-1][1] for name, _p, _t, colour_rows in dealership.CATALOGUE}
    created += seed_walkaround(store, manager, demo_id, powertrains, body_colours)  # walk-around content (issue 6)
    return created + seeder.created, users
