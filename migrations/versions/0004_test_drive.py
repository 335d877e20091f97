"""test drives: fleet cars, routes, eligibility rules, agreement templates, drives and logs

Revision ID: 0004_test_drive
Revises: 0003_handover
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0004_test_drive'
down_revision = '0003_handover'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
