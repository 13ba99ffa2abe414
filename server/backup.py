"""Backing up a SQLite database while the server runs, and restoring a backup.

SQLite's online backup API copies a consistent snapshot page by page, so a backup taken in
the middle of ingestion is never torn (a plain file copy of a WAL database can be). A restore
first keeps the current database beside it, so restoring the wrong file loses nothing.
PostgreSQL has its own tools (pg_dump, pg_restore): docs/deploy.md says how.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from server.migrations import alembic_config, upgrade_to_head

SQLITE_HEADER = b"SQLite format 3\x00"
PAGES_PER_STEP = 1024  # lets writers in between steps of a long backup


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]

    def describe(self) -> str:
        counts = ", ".join(f"{count} {table}" for table, count in self.rows.items())
        return f"{self.path} (schema {self.revision}): {counts}"


COUNTED_TABLES = ("app", "guide", "guide_version", "end_user", "event")


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "signpost backup and restore work on SQLite; for PostgreSQL use pg_dump and "
            "pg_restore (docs/deploy.md, 'Backups')"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(url.database)


def backup(database_url: str, target: Path) -> BackupSummary:
    """Copy the live database to `target` (which must not exist) as one consistent snapshot."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()
    summary = inspect(partial)
    partial.replace(target)  # a backup file is either whole or absent
    return BackupSummary(target, summary.revision, summary.rows)


def restore(database_url: str, source: Path) -> tuple[BackupSummary, Path | None]:
    """Replace the database's content with the backup at `source`, then migrate it.

    Returns what was restored and where the replaced database was kept (None if there was
    none). Servers may keep running: they see the restored data on their next transaction.
    """
    live_path = sqlite_path(database_url)
    summary = inspect(source)
    kept = None
    if live_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = live_path.with_name(f"{live_path.stem}-before-restore-{stamp}{live_path.suffix}")
        backup(database_url, kept)
    live_path.parent.mkdir(parents=True, exist_ok=True)
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    live = sqlite3.connect(live_path, timeout=30)
    try:
        backup_file.backup(live)
    finally:
        live.close()
        backup_file.close()
    upgrade_to_head(database_url)  # a backup made by an older release
    return summary, kept


def inspect(path: Path) -> BackupSummary:
    """Check that `path` is an intact Signpost database this release can read."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (integrity,) = connection.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise BackupError(f"{path} is damaged: {integrity}")
        try:
            (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except (sqlite3.DatabaseError, TypeError):
            raise BackupError(f"{path} is not a Signpost database") from None
        rows = {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (fixed names)
            for table in COUNTED_TABLES
        }
    finally:
        connection.close()
    known = {script.revision for script in _scripts().walk_revisions()}
    if revision not in known:
        raise BackupError(f"{path} was made by a newer Signpost (schema {revision})")
    return BackupSummary(path, revision, rows)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))
