"""Storage: SQLite tuned for one writer (WAL, busy timeout, BEGIN IMMEDIATE), transactions that
commit or roll back as a whole, and concurrent read-then-write transactions that never fail."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from guides import App
from server.db import Database
from tests.databases import POSTGRES_URL

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite pragmas")

WRITES_PER_THREAD = 500


def app_count(db: Database) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(App)).one()


def read_then_write(db: Database, name: str) -> None:
    """The pattern that fails under deferred SQLite transactions: read, then write."""
    with db.write() as session:
        seen = session.exec(select(func.count()).select_from(App)).one()
        session.add(App(name=f"{name} after {seen}"))


def hammer(databases: list[Database], threads: int) -> list[BaseException]:
    """`threads` threads, spread over `databases`, each doing WRITES_PER_THREAD transactions."""
    start = threading.Barrier(threads)

    def work(index: int) -> list[BaseException]:
        db = databases[index % len(databases)]
        failures: list[BaseException] = []
        start.wait(timeout=60)
        for i in range(WRITES_PER_THREAD):
            try:
                read_then_write(db, f"t{index}-{i}")
            except Exception as exc:
                failures.append(exc)
        return failures

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [failure for result in pool.map(work, range(threads)) for failure in result]


class TestSqliteConnection:
    @sqlite_only
    def test_the_database_runs_in_wal_mode_with_the_configured_timeout(
        self, database_url: str
    ) -> None:
        db = Database(database_url, busy_timeout_ms=1234)
        try:
            with db.read() as session:
                pragmas = {
                    name: session.exec(text(f"PRAGMA {name}")).one()[0]  # type: ignore[call-overload]
                    for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
                }
        finally:
            db.dispose()

        assert pragmas == {
            "journal_mode": "wal",
            "busy_timeout": 1234,
            "foreign_keys": 1,
            "synchronous": 1,  # NORMAL
        }

    @sqlite_only
    def test_a_write_transaction_takes_the_write_lock_up_front(self, db: Database) -> None:
        with db.write() as session:
            session.connection()
            # Another connection can still read (WAL) but cannot start writing.
            with db.engine.connect() as other:
                other.exec_driver_sql("PRAGMA busy_timeout=0")
                assert other.exec_driver_sql("SELECT count(*) FROM app").scalar() == 0
                with pytest.raises(Exception, match="database is locked"):
                    other.exec_driver_sql("BEGIN IMMEDIATE")

    @sqlite_only
    def test_the_folder_of_a_new_sqlite_file_is_created(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        db = Database(f"sqlite:///{tmp_path}/a/b/signpost.db")
        try:
            with db.write() as session:
                session.exec(text("CREATE TABLE t (x INTEGER)"))  # type: ignore[call-overload]
        finally:
            db.dispose()

        assert (tmp_path / "a" / "b" / "signpost.db").exists()


class TestTransactions:
    def test_a_write_block_commits_when_it_ends(self, db: Database) -> None:
        with db.write() as session:
            session.add(App(name="kept"))

        assert app_count(db) == 1

    def test_a_write_block_rolls_back_everything_on_an_exception(self, db: Database) -> None:
        with pytest.raises(RuntimeError), db.write() as session:
            session.add(App(name="first"))
            session.flush()
            session.add(App(name="second"))
            session.flush()
            raise RuntimeError("half-way")

        assert app_count(db) == 0

    def test_a_failed_write_leaves_the_database_usable(self, db: Database) -> None:
        with pytest.raises(RuntimeError), db.write() as session:
            session.add(App(name="lost"))
            raise RuntimeError("boom")

        with db.write() as session:
            session.add(App(name="kept"))

        with db.read() as session:
            assert [a.name for a in session.exec(select(App)).all()] == ["kept"]

    def test_a_read_block_never_commits(self, db: Database) -> None:
        with db.read() as session:
            session.add(App(name="never"))
            session.flush()

        assert app_count(db) == 0


class TestConcurrentWrites:
    def test_four_threads_reading_then_writing_never_fail(self, db: Database) -> None:
        failures = hammer([db], threads=4)

        assert failures == []
        assert app_count(db) == 4 * WRITES_PER_THREAD

    def test_a_second_process_writing_the_same_file_at_once_never_fails(
        self, db: Database, database_url: str
    ) -> None:
        # A second Database on the same file has its own engine and lock, like another
        # process: only BEGIN IMMEDIATE and the busy timeout keep the two apart.
        second = Database(database_url)
        try:
            failures = hammer([db, second], threads=4)
        finally:
            second.dispose()

        assert failures == []
        assert app_count(db) == 4 * WRITES_PER_THREAD
