"""member.name index

- member (name): a question naming a person ("李娜报了吗") is read against the names that occur in
  it; they are looked up among the text's substrings by this index, where before every member's
  name was tried against the text (a scan growing with the organisation, on every question).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ix_member_name', ['name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_name')
