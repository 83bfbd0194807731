"""progress updates confirmed after a read-back

- progressupdate.confirmed_at: set when the member confirmed the update (回复“确认”) after the
  bot read their report back to them; NULL for an update applied at once (and every earlier row).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('progressupdate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', models.tables.AwareDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('progressupdate', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
