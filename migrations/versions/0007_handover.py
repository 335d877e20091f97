"""handover: the checklist item a tracked we-owe entry concerns

A we-owe entry of a delivery may name the checklist item it concerns (`item_code`, e.g. B07); the tracked copy
made at signing keeps it, so the office shows it. Entries tracked before this revision name none.

Revision ID: 0007_handover
Revises: 0006_login_hardening
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_handover'
down_revision = '0006_login_hardening'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('we_owe', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_code', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('we_owe', schema=None) as batch_op:
        batch_op.drop_column('item_code')
