"""member.waiting: what the bot waits for from a person, one state

- member.pending_update → member.waiting (JSON of models.conversation.State: which item an update
  is for, a notice's 确认, …), member.pending_at → member.waiting_at. An update kept in the old
  form has no kind and is read as nothing waited for.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.alter_column('pending_update', new_column_name='waiting')
        batch_op.alter_column('pending_at', new_column_name='waiting_at')


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.alter_column('waiting', new_column_name='pending_update')
        batch_op.alter_column('waiting_at', new_column_name='pending_at')
