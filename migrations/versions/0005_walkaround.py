"""walk-around: presentation content, needs analysis, walk-around sessions and scores

Revision ID: 0005_walkaround
Revises: 0004_test_drive
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0005_walkaround'
down_revision = '0004_test_drive'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
