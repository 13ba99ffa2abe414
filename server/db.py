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

import sqlite3
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session

from guides import json_codec
from guides.errors import StorageUnavailable

# JSON columns written and read by orjson, with the standard library's results kept.
JSON_CODEC = {"json_serializer": json_codec.dumps, "json_deserializer": json_codec.loads}

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
                **JSON_CODEC,
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
        in_memory = make_url(url).database in (None, "", ":memory:")
        self.quick = QuickReader(url, busy_timeout_ms) if self.is_sqlite and not in_memory else None

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
        if self.quick:
            self.quick.close()
        self.engine.dispose()


class QuickReader:
    """Reads for the hottest path (a returning user's session) on SQLite, without the ORM
    session, the pool and the transaction around them, which cost several times the
    queries themselves (bench/delivery.py).

    Each thread gets its own read-only sqlite3 connection in autocommit mode: every statement
    reads the latest committed data (WAL) and holds no transaction open between requests.
    Statements are SQLAlchemy selects with plain (str or int) parameters, compiled once;
    their results go through the columns' own result processors (JSON, booleans, UTC
    datetimes), so rows look as they do through SQLAlchemy."""

    def __init__(self, url: str, busy_timeout_ms: int) -> None:
        self._path = make_url(url).database or ""
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._dialect = sqlite.dialect(
            paramstyle="named",
            json_serializer=json_codec.dumps,
            json_deserializer=json_codec.loads,
        )
        self._compiled: dict[int, tuple[Select[Any], str, Callable[[tuple[Any, ...]], Any]]] = {}

    def rows(self, statement: Select[Any], parameters: dict[str, str | int]) -> list[Any]:
        sql, make_row = self._compile(statement)
        cursor = self._connection().execute(sql, parameters)
        return [make_row(values) for values in cursor.fetchall()]

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
            connection.execute("PRAGMA query_only=ON")
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def _compile(self, statement: Select[Any]) -> tuple[str, Callable[[tuple[Any, ...]], Any]]:
        found = self._compiled.get(id(statement))
        if found is None or found[0] is not statement:
            columns = list(statement.selected_columns)
            processors = [
                column.type.dialect_impl(self._dialect).result_processor(self._dialect, None)
                for column in columns
            ]
            names = [str(column.key) for column in columns]
            row_type = namedtuple("QuickRow", names)  # type: ignore[misc]

            def make_row(values: tuple[Any, ...]) -> Any:
                return row_type(
                    *(
                        process(value) if process and value is not None else value
                        for process, value in zip(processors, values, strict=True)
                    )
                )

            found = (statement, str(statement.compile(dialect=self._dialect)), make_row)
            self._compiled[id(statement)] = found
        return found[1], found[2]

    def close(self) -> None:
        with self._lock:
            for connection in self._opened:
                connection.close()
            self._opened.clear()


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
        **JSON_CODEC,
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
