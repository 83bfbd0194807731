"""evidence on meetings, and files kept as they came

- photo.meeting_id: a photo that is evidence of a 三会一课 record rather than of an item.
- photo.filename, photo.content_type: a file message kept as it came (its name, its type).
- photo.thumbnail nullable: a file that is no picture has none.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('photo') as batch:
        batch.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('filename', sa.String(), nullable=True))
        batch.add_column(sa.Column('content_type', sa.String(), nullable=False, server_default='image/jpeg'))
        batch.alter_column('thumbnail', existing_type=sa.LargeBinary(), nullable=True)
        batch.create_foreign_key('fk_photo_meeting_id_meeting', 'meeting', ['meeting_id'], ['id'])
        batch.create_index(batch.f('ix_photo_meeting_id'), ['meeting_id'], unique=False)
    with op.batch_alter_table('photo') as batch:
        batch.alter_column('content_type', existing_type=sa.String(), server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM photo WHERE thumbnail IS NULL OR meeting_id IS NOT NULL")
    with op.batch_alter_table('photo') as batch:
        batch.drop_index(batch.f('ix_photo_meeting_id'))
        batch.drop_constraint('fk_photo_meeting_id_meeting', type_='foreignkey')
        batch.alter_column('thumbnail', existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column('content_type')
        batch.drop_column('filename')
        batch.drop_column('meeting_id')
