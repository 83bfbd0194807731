"""cards sent as answers; a tap per card and addressee

- sentcard: a template card sent as an answer rather than a push (read-back, close-off request,
  notice), with what a tap on it checks;
- cardtap: unique per (task_id, member_id) instead of per task_id: a notice's one card goes to
  many, each of whom taps it once.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sentcard',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('message', sa.String(), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_sentcard_task_id'), 'sentcard', ['task_id'], unique=True)
    op.create_index(op.f('ix_sentcard_member_id'), 'sentcard', ['member_id'], unique=False)
    op.drop_index(op.f('ix_cardtap_task_id'), table_name='cardtap')
    op.create_index(op.f('ix_cardtap_task_id'), 'cardtap', ['task_id'], unique=False)
    with op.batch_alter_table('cardtap') as batch:
        batch.create_unique_constraint('uq_cardtap_task_member', ['task_id', 'member_id'])


def downgrade() -> None:
    with op.batch_alter_table('cardtap') as batch:
        batch.drop_constraint('uq_cardtap_task_member', type_='unique')
    op.drop_index(op.f('ix_cardtap_task_id'), table_name='cardtap')
    op.create_index(op.f('ix_cardtap_task_id'), 'cardtap', ['task_id'], unique=True)
    op.drop_index(op.f('ix_sentcard_member_id'), table_name='sentcard')
    op.drop_index(op.f('ix_sentcard_task_id'), table_name='sentcard')
    op.drop_table('sentcard')
