"""The test-drive entities and their named mutators (issue 5), one `register` line each (see registry.py).

Contract: README.md "Test drives". Fleet, routes, rules and agreement texts are office-managed (read-only on
tablets); the drive (agreement) and its log are signable; licence photos are never pulled by tablets.
"""

from __future__ import annotations

from ..models import (
    AgreementTemplate,
    Customer,
    DemoCar,
    DriveRoute,
    DriveRules,
    LicencePhoto,
    TestDrive,
    TestDriveLog,
    User,
)
from ..schemas.test_drive import (
    AgreementTemplateSchema,
    DemoCarSchema,
    DriveRouteSchema,
    DriveRulesSchema,
    LicencePhotoSchema,
    TestDriveLogSchema,
    TestDriveSchema,
)
from ..workflow import test_drive as workflow
from .mutators import MUTATORS
from .registry import register

DRIVE_WRITERS = frozenset({"escort", "consultant", "manager"})
LOG_WRITERS = frozenset({"escort", "manager"})

register("demo_car", DemoCar, DemoCarSchema, read_only=True)
register("drive_route", DriveRoute, DriveRouteSchema, read_only=True)
register("drive_rules", DriveRules, DriveRulesSchema, read_only=True)
register("agreement_template", AgreementTemplate, AgreementTemplateSchema, read_only=True)
register(
    "test_drive",
    TestDrive,
    TestDriveSchema,
    writers=DRIVE_WRITERS,
    check=workflow.check_test_drive,
    refs={
        "customer_id": (Customer,),
        "consultant_id": (User,),
        "escort_id": (User,),
        "demo_car_id": (DemoCar,),
        "route_id": (DriveRoute,),
        "agreement_template_id": (AgreementTemplate,),
    },
    signable=True,
    signature_roles=("customer", "escort"),
    extra={"sign_check": workflow.ready_to_sign_drive, "on_sign": workflow.on_signed_drive},
)
register(
    "test_drive_log",
    TestDriveLog,
    TestDriveLogSchema,
    writers=LOG_WRITERS,
    check=workflow.check_log,
    refs={"test_drive_id": (TestDrive,), "demo_car_id": (DemoCar,), "route_id": (DriveRoute,)},
    signable=True,
    signature_roles=("escort",),
    extra={"sign_check": workflow.ready_to_sign_log, "on_sign": workflow.on_signed_log},
)
register(
    "licence_photo",
    LicencePhoto,
    LicencePhotoSchema,
    writers=LOG_WRITERS,
    check=workflow.check_photo,
    refs={"test_drive_id": (TestDrive,)},
    shared=False,
)

MUTATORS["test_drive.start"] = workflow.start
MUTATORS["test_drive.return"] = workflow.return_
