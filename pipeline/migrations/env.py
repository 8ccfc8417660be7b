"""Alembic's environment for the store: run by `pipeline.migrations` with the connection to migrate
in `config.attributes["connection"]` (already in the transaction that holds the write lock), never on
its own; offline (`--sql`) mode is not offered."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pipeline.migrations import target_metadata


def run_migrations(connection: Connection) -> None:
    """The revisions on `connection`, inside its transaction (Alembic opens none of its own then)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),  # what autogenerate compares the database with
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs as table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if context.is_offline_mode() or not isinstance(_connection, Connection):
    raise RuntimeError("the store's migrations run through pipeline.migrations "
                       "(python -m pipeline.migrations --help), with a connection")
run_migrations(_connection)
