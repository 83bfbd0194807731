"""when an item was added

- item.added_at: when an import added the item; NULL for every earlier row. An item added after
  its owner's list of the year began is numbered after the others (models.lookups.list_order),
  so no number of that list moves.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_at', models.tables.AwareDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('added_at')
