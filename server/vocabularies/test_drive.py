"""Test-drive vocabularies: licence classes (准驾车型), every refusal reason with its label (domain.md §3.1), and
the kinds of drive."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The kinds of drive (models/test_drive.py DRIVE_KINDS), worded so that nobody mistakes one for another: in a
#: 试乘 the customer rides as a passenger, in a 试驾 the customer drives.
KIND_LABELS = {
    "ride": _l("Ride along (passenger)"),
    "drive": _l("Drive (customer drives)"),
    "ride_drive": _l("Ride, then drive"),
}

#: Every refusal reason with its label. The first ones are computed by `evaluate`; `other` is the escort's.
REASONS = {
    "no_licence": _l("No driving licence"),
    "licence_number_invalid": _l("Licence number not valid"),
    "licence_expired": _l("Licence expired"),
    "class_not_covered": _l("Licence class does not cover this car"),
    "probation": _l("Licence in its probation period"),
    "under_age": _l("Under the minimum age"),
    "too_little_experience": _l("Too little driving experience"),
    "no_escort": _l("No escort present"),
    "not_signed": _l("Refused to sign the agreement"),
    "impaired": _l("Not fit to drive (escort's judgement)"),
    "vehicle_unavailable": _l("Car not available"),
    "other": _l("Other reason"),
}

LICENCE_CLASSES = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P")
