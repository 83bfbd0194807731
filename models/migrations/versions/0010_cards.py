"""card taps: one row per template card tapped

- cardtap: the tap taken on a card (its task_id, unique: a second tap changes nothing), who, when,
  the button's key and the response_code that updated the card.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cardtap',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('response_code', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_cardtap_task_id'), 'cardtap', ['task_id'], unique=True)
    op.create_index(op.f('ix_cardtap_member_id'), 'cardtap', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cardtap_member_id'), table_name='cardtap')
    op.drop_index(op.f('ix_cardtap_task_id'), table_name='cardtap')
    op.drop_table('cardtap')
