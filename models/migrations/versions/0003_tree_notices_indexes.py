"""members who leave, notices with receipts, composite indexes

- member.active: 状态 在册 / 离开;
- notice.status, include_below, sent_at and the noticereceipt table (preview, 确认, 收到);
- item (owner_id, year) and (unit_id, year): the indexes "我的清单" and the unit queries need.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('include_below', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('status', sa.String(), nullable=False, server_default='sent'))
        batch_op.add_column(sa.Column('sent_at', models.tables.AwareDateTime(timezone=True), nullable=True))
    op.create_table('noticereceipt',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('notice_id', sa.Integer(), nullable=False),
                    sa.Column('member_id', sa.Integer(), nullable=False),
                    sa.Column('acknowledged_at', models.tables.AwareDateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
                    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], ),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('notice_id', 'member_id', name='uq_receipt_notice_member'))
    with op.batch_alter_table('noticereceipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_noticereceipt_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_noticereceipt_notice_id'), ['notice_id'], unique=False)
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_owner_year', ['owner_id', 'year'], unique=False)
        batch_op.create_index('ix_item_unit_year', ['unit_id', 'year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_unit_year')
        batch_op.drop_index('ix_item_owner_year')
    op.drop_table('noticereceipt')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
        batch_op.drop_column('status')
        batch_op.drop_column('include_below')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('active')
