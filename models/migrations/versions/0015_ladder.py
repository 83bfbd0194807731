"""问责 as a ladder: marks (红叉) and talks (约谈)

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('reason', models.tables.EnumText(models.tables.MarkReason), nullable=False),
        sa.Column('subject', sa.String(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('step', sa.String(), nullable=False),
        sa.Column('reached_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('step_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('cleared_at', models.tables.AwareDateTime(timezone=True), nullable=True),
        sa.Column('cleared_by', sa.Integer(), nullable=True),
        sa.Column('clear_reason', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['item_id'], ['item.id']),
        sa.ForeignKeyConstraint(['cleared_by'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id', 'year', 'month', 'reason', 'subject', name='uq_mark_lapse'),
    )
    op.create_index(op.f('ix_mark_member_id'), 'mark', ['member_id'], unique=False)
    op.create_index('ix_mark_year_unit', 'mark', ['year', 'unit_id'], unique=False)
    op.create_table(
        'talk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mark_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('created_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('done_at', models.tables.AwareDateTime(timezone=True), nullable=True),
        sa.Column('note', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['mark_id'], ['mark.id']),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.ForeignKeyConstraint(['holder_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('mark_id'),
    )
    op.create_index(op.f('ix_talk_member_id'), 'talk', ['member_id'], unique=False)
    op.create_index(op.f('ix_talk_holder_id'), 'talk', ['holder_id'], unique=False)


def downgrade() -> None:
    op.drop_table('talk')
    op.drop_table('mark')
