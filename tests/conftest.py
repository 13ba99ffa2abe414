"""Fixtures: a fresh, migrated database for every test (SQLite file, or PostgreSQL when
SIGNPOST_TEST_DATABASE_URL is set), settings pointing at it, and an HTTP client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from server.app import create_app
from server.db import Database
from server.migrations import upgrade_to_head
from server.settings import Settings
from tests.databases import (
    POSTGRES_URL,
    create_postgres_database,
    drop_postgres_database,
    truncate_all,
)

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrations run once per test session; each test starts from a copy (or a truncation)."""
    if POSTGRES_URL:
        url = create_postgres_database(POSTGRES_URL)
        upgrade_to_head(url)
        yield url
        drop_postgres_database(POSTGRES_URL, url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        upgrade_to_head(url)
        Database(url).dispose()
        yield url


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        yield migrated_template
        truncate_all(migrated_template)
    else:
        source = Path(make_url(migrated_template).database or "")
        target = tmp_path / "data" / "signpost.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        migrate_on_start=False,
        public_url="http://testserver",
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fault tests' counts (sent, acknowledged, stored, lost, duplicated), for CI logs."""
    from tests.faults import print_reports

    print_reports(terminalreporter)
