"""Alembic environment: the metadata of every model package, batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from server.db import Database
from server.migrations import include_name
from server.models import import_all_models

import_all_models()
config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    database = Database(config.attributes["database_url"])
    try:
        with database.engine.connect() as connection:
            if database.is_sqlite:
                # Batch migrations copy a table, drop the old one and rename the copy: with
                # foreign keys on, the drop would cascade-delete every row referring to it
                # (an app's users and events). Off for the migration, checked after it.
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=database.is_sqlite,
                compare_type=True,
                include_name=include_name,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
            if database.is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows with broken references: {broken[:5]}")
    finally:
        database.dispose()


run_migrations_online()
