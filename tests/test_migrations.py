"""Migrations: `upgrade head` builds exactly the schema the models describe (so a model change
without a migration fails here), from an empty database or from any earlier revision; data
stored under the previous release's schema survives the upgrade; downgrade to base then
upgrade again works."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, create_engine, inspect
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from server.app import create_app
from server.migrations import alembic_config, include_name, upgrade_to_head
from server.models import import_all_models
from server.settings import Settings
from tests.databases import POSTGRES_URL, create_postgres_database, drop_postgres_database
from tests.factories import event, uuid7

import_all_models()
MODEL_TABLES = set(SQLModel.metadata.tables)
# The schema of the last release: bump it to the head revision at each release.
PREVIOUS_RELEASE = "0003b"
REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config("")).walk_revisions()))
]


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
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {
            name for name in inspect(engine).get_table_names() if include_name(name, "table", {})
        }
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


def filler(column: sa.Column[Any]) -> Any:
    """A plausible value for a required column of a reflected table."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime.now(UTC)
    if isinstance(kind, sa.Uuid):
        return uuid.uuid4()
    if isinstance(kind, sa.JSON):
        return {}
    return f"{column.name}-{uuid.uuid4().hex[:8]}"


def insert(connection: sa.Connection, table: sa.Table, **given: Any) -> int:
    """Insert a row giving `given` and a filler for every other required column."""
    row = {
        column.name: filler(column)
        for column in table.columns
        if not column.nullable and column.server_default is None and not column.primary_key
    }
    row.update(given)
    return connection.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()


class TestUpgradesFromEarlierSchemas:
    @pytest.mark.parametrize("revision", REVISIONS[:-1])
    def test_every_earlier_revision_upgrades_to_the_models_schema(
        self, empty_database: str, revision: str
    ) -> None:
        command.upgrade(alembic_config(empty_database), revision)

        upgrade_to_head(empty_database)

        assert differences(empty_database, SQLModel.metadata) == []

    def test_events_stored_under_the_previous_release_survive_and_ids_go_on(
        self, empty_database: str, tmp_path: Path
    ) -> None:
        command.upgrade(alembic_config(empty_database), PREVIOUS_RELEASE)
        engine = create_engine(empty_database)
        old = MetaData()
        old.reflect(engine)
        now = datetime.now(UTC)
        stored = [uuid7(int(now.timestamp() * 1000), n) for n in range(3)] + [uuid.uuid4()]
        with engine.begin() as connection:
            app_id = insert(
                connection,
                old.tables["app"],
                allowed_origins=["https://app.example.com"],
                theme={},
                public_key="pk_previous_release_key",
            )
            user_id = insert(
                connection, old.tables["end_user"], app_id=app_id, external_id="anon:anon-1"
            )
            for number, event_id in enumerate(stored):
                insert(
                    connection,
                    old.tables["event"],
                    app_id=app_id,
                    end_user_id=user_id,
                    # SQLite stores a UUID as 32 hex digits, as the models' Uuid type does
                    event_id=event_id if POSTGRES_URL else event_id.hex,
                    type="track",
                    url="https://app.example.com/",
                    properties={"name": f"old {number}"},
                    occurred_at=now,
                    received_at=now,
                )
        engine.dispose()

        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=empty_database,
            secret_key="test-secret-key-that-is-long-enough-0123456789",  # type: ignore[arg-type]
            public_url="http://testserver",
        )
        with TestClient(create_app(settings)) as client:  # migrates to head as it starts
            replay = [event("track", event_id=str(i), properties={"name": "x"}) for i in stored]
            fresh = event("track", properties={"name": "new"})
            body = {
                "app_key": "pk_previous_release_key",
                "anonymous_id": "anon-1",
                "events": [*replay, fresh],
            }
            response = client.post(
                "/sdk/v1/events", json=body, headers={"Origin": "https://app.example.com"}
            )

        assert response.status_code == 200, response.text
        assert (response.json()["accepted"], response.json()["duplicates"]) == (1, 4)
        engine = create_engine(empty_database)
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT id, event_id, properties FROM event ORDER BY id")
            ).all()
        engine.dispose()
        assert [uuid.UUID(str(row[1])) for row in rows[:4]] == stored
        properties = [row[2] if isinstance(row[2], dict) else json.loads(row[2]) for row in rows]
        assert [p["name"] for p in properties] == ["old 0", "old 1", "old 2", "old 3", "new"]
        assert [row[0] for row in rows[:4]] == [1, 2, 3, 4]
        assert rows[4][0] > 4  # the id sequence went on (PostgreSQL may skip some)
