"""member.account compared without case

- member (lower(account)), unique: WeCom's userid ignores case, so "HDY" and "hdy" are one person.
  The senders of a callback batch are found by it (``models.lookups.members_by_accounts``) in one
  indexed query, and a second member whose account differs only in case cannot be stored.
  A database that already holds such a pair is not upgraded: the accounts are named, to be merged
  by hand (which of the two keeps the items is not for a migration to guess).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
from sqlalchemy import text

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    clashes = bind.execute(text(
        "SELECT lower(account) FROM member GROUP BY lower(account) HAVING count(*) > 1 ORDER BY 1")).scalars().all()
    if clashes:
        from models.db import DatabaseError
        accounts = bind.execute(text("SELECT account FROM member ORDER BY account")).scalars().all()
        pairs = [" 与 ".join(a for a in accounts if a.lower() == key) for key in clashes]
        raise DatabaseError("以下企业微信账号只是大小写不同，企业微信视为同一人，请先合并为一个后再升级："
                            + "；".join(pairs))
    op.create_index('ux_member_account_lower', 'member', [text('lower(account)')], unique=True)


def downgrade() -> None:
    op.drop_index('ux_member_account_lower', table_name='member')
