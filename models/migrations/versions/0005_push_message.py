"""push log: the message sent, beside its text form

- pushlog.message: a card, an image, a textcard or news as ``bot.messages`` stores it (JSON), so
  that ``qingdan outbox --retry`` sends a card as a card and an image by uploading it again; NULL
  for a text, whose ``content`` is all of it (every row before this revision).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pushlog', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pushlog', schema=None) as batch_op:
        batch_op.drop_column('message')
