"""三会一课 as records

- meeting: one meeting a unit held (kind, day, attendance, topic), who reported it and when, the
  update of a quantified duty it counted for, and when it was withdrawn.
- meetingrecorder: the one member a unit's secretary named to record its meetings.
- starscore.three_meetings_ok becomes nullable: NULL (the workbook column left empty) means "from
  the meeting records of the year"; the rows already stored keep their value.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', models.tables.EnumText(models.tables.MeetingKind), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('due', sa.Integer(), nullable=True),
        sa.Column('present', sa.Integer(), nullable=True),
        sa.Column('topic', sa.String(), nullable=True),
        sa.Column('words', sa.String(), nullable=False),
        sa.Column('reported_by', sa.Integer(), nullable=False),
        sa.Column('reported_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('msg_id', sa.String(), nullable=True),
        sa.Column('confirmed_at', models.tables.AwareDateTime(timezone=True), nullable=True),
        sa.Column('update_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', models.tables.AwareDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['reported_by'], ['member.id']),
        sa.ForeignKeyConstraint(['update_id'], ['progressupdate.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_meeting_unit_held', 'meeting', ['unit_id', 'held_on'], unique=False)
    op.create_index(op.f('ix_meeting_reported_by'), 'meeting', ['reported_by'], unique=False)
    op.create_table(
        'meetingrecorder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('named_by', sa.Integer(), nullable=False),
        sa.Column('named_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.ForeignKeyConstraint(['named_by'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id'),
    )
    with op.batch_alter_table('starscore', schema=None) as batch_op:
        batch_op.alter_column('three_meetings_ok', existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE starscore SET three_meetings_ok = TRUE WHERE three_meetings_ok IS NULL")
    with op.batch_alter_table('starscore', schema=None) as batch_op:
        batch_op.alter_column('three_meetings_ok', existing_type=sa.Boolean(), nullable=False)
    op.drop_table('meetingrecorder')
    op.drop_index(op.f('ix_meeting_reported_by'), table_name='meeting')
    op.drop_index('ix_meeting_unit_held', table_name='meeting')
    op.drop_table('meeting')
