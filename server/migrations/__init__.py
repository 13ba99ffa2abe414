"""Alembic migrations for SQLite and PostgreSQL, run from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from analytics.partitions import is_partition_name

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter: leave out the monthly partitions of `event`, which the maintenance
    job makes at run time (analytics/partitions.py), not the models."""
    return not (type_ == "table" and name is not None and is_partition_name(name))
