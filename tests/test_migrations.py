"""Migrations: `upgrade head` builds exactly the schema the models describe (so a model change
without a migration fails here), and downgrade to base then upgrade again works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, create_engine, inspect
from sqlmodel import SQLModel

from server.migrations import alembic_config, upgrade_to_head
from server.models import import_all_models
from tests.databases import POSTGRES_URL, create_postgres_database, drop_postgres_database

import_all_models()
MODEL_TABLES = set(SQLModel.metadata.tables)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on the engine the suite runs against."""
    if POSTGRES_URL:
        url = create_postgres_database(POSTGRES_URL)
        yield url
        drop_postgres_database(POSTGRES_URL, url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def differences(url: str, metadata: MetaData) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


class TestMigrations:
    def test_upgrade_head_builds_exactly_the_models_schema(self, empty_database: str) -> None:
        upgrade_to_head(empty_database)

        assert differences(empty_database, SQLModel.metadata) == []
        assert tables(empty_database) == MODEL_TABLES | {"alembic_version"}

    def test_a_model_change_without_a_migration_is_noticed(self, empty_database: str) -> None:
        upgrade_to_head(empty_database)
        changed = MetaData()
        for table in SQLModel.metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["app"].append_column(Column("plan", String(20), nullable=True))

        found = differences(empty_database, changed)

        assert [(diff[0], diff[2], diff[3].name) for diff in found] == [
            ("add_column", "app", "plan")
        ]

    def test_downgrade_to_base_then_upgrade_again_works(self, empty_database: str) -> None:
        upgrade_to_head(empty_database)

        command.downgrade(alembic_config(empty_database), "base")
        after_downgrade = tables(empty_database)
        upgrade_to_head(empty_database)

        assert after_downgrade == {"alembic_version"}
        assert differences(empty_database, SQLModel.metadata) == []

    def test_upgrading_twice_is_harmless(self, empty_database: str) -> None:
        upgrade_to_head(empty_database)

        upgrade_to_head(empty_database)

        assert differences(empty_database, SQLModel.metadata) == []
