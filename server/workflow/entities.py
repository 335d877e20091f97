"""The synced entities, explicitly, in one list: each entity's model, schema, writers, rules and references.

`server.sync.install()` puts them in the record registry at app start (server/records/registry.py); push, pull
and the published schema read only from there. Adding an entity: README "Adding an entity".
"""

from __future__ import annotations

from ..models import (
    AgreementTemplate,
    ChecklistTemplate,
    Colour,
    Conflict,
    Customer,
    Delivery,
    DemoCar,
    Document,
    DriveRoute,
    DriveRules,
    FollowUp,
    GradeChange,
    LicencePhoto,
    LostRequest,
    NeedsAnalysis,
    OwnershipChange,
    Presentation,
    Series,
    TestDrive,
    TestDriveLog,
    Trim,
    User,
    Vehicle,
    Visit,
    Walkaround,
    WeOwe,
)
from ..records.registry import EntityType
from ..schemas import ColourSchema, ConflictSchema, CustomerSchema, SeriesSchema, TrimSchema, VehicleSchema
from ..schemas.customer import GradeChangeSchema, LostRequestSchema, OwnershipChangeSchema, VisitSchema
from ..schemas.delivery import DeliverySchema, DocumentSchema, FollowUpSchema, TemplateRecordSchema, WeOweRecordSchema
from ..schemas.test_drive import (
    AgreementTemplateSchema,
    DemoCarSchema,
    DriveRouteSchema,
    DriveRulesSchema,
    LicencePhotoSchema,
    TestDriveLogSchema,
    TestDriveSchema,
)
from ..schemas.walkaround import NeedsAnalysisSchema, PresentationRecordSchema, WalkaroundSchema
from . import test_drive
from .customers import check_customer, check_grade_change, on_restore
from .handover import check_delivery, on_signed, ready_to_sign
from .lost_deals import check_lost_request
from .visits import attribute, check_visit
from .walkaround import check_needs_analysis, check_walkaround

CUSTOMER_WRITERS = frozenset({"receptionist", "consultant", "account_manager", "manager", "admin"})
HANDOVER_WRITERS = frozenset({"consultant", "manager"})
DRIVE_WRITERS = frozenset({"escort", "consultant", "manager"})
LOG_WRITERS = frozenset({"escort", "manager"})

ENTITIES: tuple[EntityType, ...] = (
    EntityType(
        "customer",
        Customer,
        CustomerSchema,
        writers=CUSTOMER_WRITERS,
        # an escort adds the walk-in a drive is for, and changes no customer file (SYNC_PROTOCOL.md, Visibility:
        # "those they created")
        creators=frozenset({"escort"}),
        check=check_customer,
        refs={"owner_id": (User,)},
        extra={"on_restore": on_restore},
    ),
    # grade changes (issue 12): a history written on tablets, one record per change, never changed
    EntityType(
        "grade_change",
        GradeChange,
        GradeChangeSchema,
        writers=CUSTOMER_WRITERS,
        check=check_grade_change,
        refs={"customer_id": (Customer,), "needs_analysis_id": (NeedsAnalysis,)},
        append_only=True,
        author="changed_by",
    ),
    # the traffic log (issue 13): reception logs visits in the office, consultants their own on the tablet; each
    # write applies the attribution rule, whose changes of owner are kept as read-only ownership changes
    EntityType(
        "visit",
        Visit,
        VisitSchema,
        writers=frozenset({"receptionist", "consultant", "manager"}),
        check=check_visit,
        refs={
            "customer_id": (Customer,),
            "consultant_id": (User,),
            "requested_consultant_id": (User,),
            "invited_by_id": (User,),
            "series_id": (Series,),
            "trim_id": (Trim,),
            "colour_id": (Colour,),
        },
        author="recorded_by",  # only the writer (the author rule is the check of this reference)
        after_write=attribute,
    ),
    EntityType("ownership_change", OwnershipChange, OwnershipChangeSchema, read_only=True),
    # lost deals (issue 13): a consultant requests, the manager decides in the office (workflow/lost_deals.py)
    EntityType(
        "lost_request",
        LostRequest,
        LostRequestSchema,
        writers=frozenset({"consultant", "manager"}),
        check=check_lost_request,
        refs={"customer_id": (Customer,)},
        author="requested_by",
    ),
    EntityType("series", Series, SeriesSchema, read_only=True),
    EntityType("trim", Trim, TrimSchema, read_only=True),
    EntityType("colour", Colour, ColourSchema, read_only=True),
    EntityType("vehicle", Vehicle, VehicleSchema, read_only=True),
    EntityType("conflict", Conflict, ConflictSchema, read_only=True),
    EntityType("checklist_template", ChecklistTemplate, TemplateRecordSchema, read_only=True),
    EntityType(
        "delivery",
        Delivery,
        DeliverySchema,
        writers=HANDOVER_WRITERS,
        check=check_delivery,
        refs={"customer_id": (Customer,), "vehicle_id": (Vehicle,), "template_id": (ChecklistTemplate,)},
        signable=True,
        signature_roles=("customer", "consultant"),
        extra={"sign_check": ready_to_sign, "on_sign": on_signed},
    ),
    EntityType("document", Document, DocumentSchema, read_only=True),
    EntityType("we_owe", WeOwe, WeOweRecordSchema, read_only=True),
    EntityType(
        "follow_up",
        FollowUp,
        FollowUpSchema,
        writers=frozenset({"consultant", "manager", "account_manager"}),
        refs={"customer_id": (Customer,), "owner_id": (User,), "source_id": (Delivery,)},
    ),
    # walk-around (issue 6): content is office-authored; needs analyses and sessions come from consultants' tablets
    EntityType("presentation", Presentation, PresentationRecordSchema, read_only=True),
    EntityType(
        "needs_analysis",
        NeedsAnalysis,
        NeedsAnalysisSchema,
        writers=HANDOVER_WRITERS,
        check=check_needs_analysis,
        refs={"customer_id": (Customer,), "consultant_id": (User,), "series_id": (Series,)},
    ),
    EntityType(
        "walkaround",
        Walkaround,
        WalkaroundSchema,
        writers=HANDOVER_WRITERS,
        check=check_walkaround,
        refs={
            "customer_id": (Customer,),
            "consultant_id": (User,),
            "presentation_id": (Presentation,),
            "needs_analysis_id": (NeedsAnalysis,),
            "trim_id": (Trim,),
        },
    ),
    # test drives (issue 5): fleet, routes, rules and agreement texts are office-managed; the drive and its log are
    # signable; licence photos are never pulled by tablets
    EntityType("demo_car", DemoCar, DemoCarSchema, read_only=True),
    EntityType("drive_route", DriveRoute, DriveRouteSchema, read_only=True),
    EntityType("drive_rules", DriveRules, DriveRulesSchema, read_only=True),
    EntityType("agreement_template", AgreementTemplate, AgreementTemplateSchema, read_only=True),
    EntityType(
        "test_drive",
        TestDrive,
        TestDriveSchema,
        writers=DRIVE_WRITERS,
        check=test_drive.check_test_drive,
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
        extra={"sign_check": test_drive.ready_to_sign_drive, "on_sign": test_drive.on_signed_drive},
    ),
    EntityType(
        "test_drive_log",
        TestDriveLog,
        TestDriveLogSchema,
        writers=LOG_WRITERS,
        check=test_drive.check_log,
        refs={"test_drive_id": (TestDrive,), "demo_car_id": (DemoCar,), "route_id": (DriveRoute,)},
        signable=True,
        signature_roles=("escort",),
        extra={"sign_check": test_drive.ready_to_sign_log, "on_sign": test_drive.on_signed_log},
    ),
    EntityType(
        "licence_photo",
        LicencePhoto,
        LicencePhotoSchema,
        writers=LOG_WRITERS,
        check=test_drive.check_photo,
        refs={"test_drive_id": (TestDrive,)},
        shared=False,
    ),
)

#: Mutators with a name of their own, beside put, delete (server/records/mutators.py) and sign (server/sync/signing.py).
NAMED_MUTATORS = {
    "test_drive.start": test_drive.start,
    "test_drive.return": test_drive.return_,
}
