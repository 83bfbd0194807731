"""Alembic environment: runs on the connection init_db hands over, or on sqlalchemy.url."""
import warnings

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.exc import SAWarning
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (the tables register with SQLModel.metadata)

target_metadata = SQLModel.metadata

# SQLite cannot reflect an expression index (lower(member.account)); a batch migration of a table
# that refers to member reflects member too and would print this to the operator. The index is
# not touched by those migrations: it stays as the migration that made it left it.
warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index",
                        category=SAWarning)
config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
