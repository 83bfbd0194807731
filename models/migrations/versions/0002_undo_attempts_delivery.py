"""undo and corrections, push attempts, callback delivery

- progressupdate.action ("update" / "undo" / "correct" / "close_off"), count_before, count_after,
  undone_at: every change can be reverted by the person who made it, and the revert is recorded;
- pushlog.attempted_at: a pending row with no attempt on record was never sent and is still owed;
- inboundmessage.delivery: how the answer went out ("active"), so a retried callback and the late
  answer of the first attempt never both deliver it.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('progressupdate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.String(), nullable=False, server_default='update'))
        batch_op.add_column(sa.Column('count_before', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('count_after', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('undone_at', models.tables.AwareDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('pushlog', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', models.tables.AwareDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.drop_column('delivery')
    with op.batch_alter_table('pushlog', schema=None) as batch_op:
        batch_op.drop_column('attempted_at')
    with op.batch_alter_table('progressupdate', schema=None) as batch_op:
        batch_op.drop_column('undone_at')
        batch_op.drop_column('count_after')
        batch_op.drop_column('count_before')
        batch_op.drop_column('action')
