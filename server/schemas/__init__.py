"""Marshmallow schemas: the one definition of each entity's fields and rules.

Office forms validate through them now; the sync API and the published JSON Schema (SYNC_PROTOCOL.md)
use the same classes, so a tablet and the server can never disagree on what is valid.
"""

from .catalogue import ColourSchema, SeriesSchema, TrimSchema, VehicleSchema
from .conflict import ConflictSchema
from .customer import CustomerSchema
from .user import UserCreateSchema, UserUpdateSchema

__all__ = [
    "ColourSchema",
    "ConflictSchema",
    "CustomerSchema",
    "SeriesSchema",
    "TrimSchema",
    "UserCreateSchema",
    "UserUpdateSchema",
    "VehicleSchema",
]
