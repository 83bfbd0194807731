"""evidence photos

- photo: a photo sent in the chat as evidence (佐证材料) for an item: who, when, which item and
  update, the media_id it came as, its size, a digest of the bytes received, a downscaled JPEG and a
  thumbnail.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('update_id', sa.Integer(), nullable=True),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('received_at', models.tables.AwareDateTime(timezone=True), nullable=False),
        sa.Column('media_id', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(), nullable=False),
        sa.Column('image', sa.LargeBinary(), nullable=False),
        sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['item.id']),
        sa.ForeignKeyConstraint(['update_id'], ['progressupdate.id']),
        sa.ForeignKeyConstraint(['member_id'], ['member.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_photo_item_id'), 'photo', ['item_id'], unique=False)
    op.create_index(op.f('ix_photo_member_id'), 'photo', ['member_id'], unique=False)
    op.create_index(op.f('ix_photo_sha256'), 'photo', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_photo_sha256'), table_name='photo')
    op.drop_index(op.f('ix_photo_member_id'), table_name='photo')
    op.drop_index(op.f('ix_photo_item_id'), table_name='photo')
    op.drop_table('photo')
