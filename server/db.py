"""Database engine and sessions: SQLite tuned for one writer, or PostgreSQL.

SQLite gets WAL mode, a busy timeout and `BEGIN IMMEDIATE` for every write transaction,
behind one in-process writer lock. With deferred transactions, concurrent read-then-write
transactions fail with "database is locked" despite the busy timeout (1,969 of 2,000 on
this machine); taking the write lock up front makes them wait their turn instead.

When PostgreSQL cannot be reached, connecting gives up after CONNECT_TIMEOUT_SECONDS and
for the next OUTAGE_HOLD_SECONDS every session fails at once with `StorageUnavailable`
(503 with Retry-After) instead of each request waiting on its own connection attempt; the
SDK keeps its events and sends them again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session

from guides.errors import StorageUnavailable

_BEGIN_OPTION = "signpost_sqlite_begin"
CONNECT_TIMEOUT_SECONDS = 2  # libpq's smallest useful value
POOL_TIMEOUT_SECONDS = 5
OUTAGE_HOLD_SECONDS = 1.0


class Database:
    """One engine plus the two kinds of session the app uses: read and write."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 5000, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, busy_timeout_ms)
        else:
            self.engine = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                # An unreachable database must give a fast 503, not a request that hangs.
                pool_timeout=POOL_TIMEOUT_SECONDS,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
            )
        self._write_engine = (
            self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
            if self.is_sqlite
            else self.engine
        )
        # SQLite allows one writer at a time; queue writers of this process here rather
        # than in SQLite's busy loop. Other processes are held off by BEGIN IMMEDIATE.
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._down_until = 0.0

    def _check_up(self) -> None:
        if self._down_until and time.monotonic() < self._down_until:
            raise StorageUnavailable("the database is unavailable; retry shortly")

    @contextmanager
    def _watch(self) -> Iterator[None]:
        """Remember an unreachable PostgreSQL for a moment (a locked SQLite is not down)."""
        try:
            yield
        except (OperationalError, DisconnectionError) as exc:
            invalidated = getattr(exc, "connection_invalidated", False)
            if not self.is_sqlite and (invalidated or _is_connect_error(exc)):
                self._down_until = time.monotonic() + OUTAGE_HOLD_SECONDS
            raise
        else:
            self._down_until = 0.0

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; it never commits."""
        self._check_up()
        with self._watch(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits when the block ends, or rolls back on error."""
        self._check_up()
        with (
            self._watch(),
            self._write_lock or nullcontext(),
            Session(self._write_engine, expire_on_commit=False) as session,
        ):
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _is_connect_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(
        sign in text for sign in ("connection", "timeout expired", "could not connect", "closed")
    )


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
