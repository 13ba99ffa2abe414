"""Throwaway databases for test runs: a migrated SQLite template, or a PostgreSQL database of
the run's own on the server named by SIGNPOST_TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from server.models import import_all_models

POSTGRES_URL = os.environ.get("SIGNPOST_TEST_DATABASE_URL", "")


def create_postgres_database(base_url: str) -> str:
    """A database of our own on the given server, so parallel runs never share tables."""
    url = make_url(base_url)
    name = f"signpost_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(base_url: str, test_url: str) -> None:
    name = make_url(test_url).database
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_all(url: str) -> None:
    import_all_models()
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
