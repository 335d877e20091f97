"""device times: every synced record keeps when a tablet created it (`device_created_at`) beside the server's
receipt time (`created_at`)

Records made before this revision have none; lists then show the receipt time.

Revision ID: 0009_numbers
Revises: 0008_contract
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_numbers'
down_revision = '0008_contract'
branch_labels = None
depends_on = None

#: Every table of a synced entity (server/models/base.py SyncMixin).
SYNCED = ('agreement_template', 'checklist_template', 'colour', 'conflict', 'customer', 'delivery', 'demo_car',
          'document', 'drive_route', 'drive_rules', 'follow_up', 'licence_photo', 'needs_analysis', 'presentation',
          'series', 'test_drive', 'test_drive_log', 'trim', 'vehicle', 'walkaround', 'we_owe')


def upgrade():
    # A plain ADD COLUMN (no batch copy on SQLite): the sealed-row triggers of delivery and the drives stay.
    for table in SYNCED:
        op.add_column(table, sa.Column('device_created_at', sa.String(length=40), nullable=True))


def downgrade():
    for table in SYNCED:
        op.drop_column(table, 'device_created_at')
