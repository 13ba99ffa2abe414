"""The ingestion path's statements, fast on SQLite: straight to the driver, with values and
results converted by the same type processors SQLAlchemy would use, so what is stored and
read is exactly what `session.execute` would store and read, at a fraction of its cost
(bench/ingest.py: SQLAlchemy's per-row parameter handling and per-statement set-up were the
largest costs of ingestion once the events themselves were cheap to check). Other databases
go through `session.execute`.

- `execute_many`: one statement run for many rows (inserts, upserts, updates).
- `select_rows`: a select whose list parameters (`bindparam(..., expanding=True)`) become
  as many placeholders.

Statements must be long-lived objects (module constants): their compiled forms are kept by
identity, per dialect and set of columns."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

# (dialect, id of the statement, columns) -> (SQL, [(bind name, processor)], the statement,
# kept so that its id is never reused).
_COMPILED: dict[tuple[str, int, tuple[str, ...]], tuple[str, list[tuple[str, Any]], Any]] = {}


Statement = TypeVar("Statement")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def per_dialect(build: Callable[[Any], Statement]) -> dict[str, Statement]:
    """A statement built once for each database from that dialect's `insert` (whose
    `ON CONFLICT` differs); `for_session` picks the one a session runs."""
    return {"postgresql": build(postgresql_insert), "sqlite": build(sqlite_insert)}


def for_session(statements: Mapping[str, Statement], session: Session) -> Statement:
    return statements["sqlite" if is_sqlite(session) else "postgresql"]


def _compiled(session: Session, statement: Any, names: tuple[str, ...]) -> tuple[str, list[Any]]:
    dialect = session.get_bind().dialect
    key = (dialect.name, id(statement), names)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(names))
        processors = compiled._bind_processors
        order = [(name, processors.get(name)) for name in compiled.positiontup]
        found = _COMPILED[key] = (compiled.string, order, statement)
    return found[0], found[1]


def execute_many(session: Session, statement: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run `statement` once per row (all rows have the same keys); no result.

    `statement` must be a long-lived object (a module constant or a cached statement): its
    compiled form is kept by identity."""
    if not rows:
        return
    if not is_sqlite(session):
        session.execute(statement, list(rows))
        return
    sql, order = _compiled(session, statement, tuple(rows[0]))
    # Column by column: a column without a processor costs no Python call per value.
    columns = [[row[name] for row in rows] for name, _ in order]
    for index, (_, process) in enumerate(order):
        column = columns[index]
        if process is None:
            continue
        if len(set(map(id, column))) == 1:  # one object for all (a batch's receipt time)
            columns[index] = [process(column[0])] * len(column)
        else:
            columns[index] = list(map(process, column))
    values = list(zip(*columns, strict=True))
    with _cursor(session, sql) as cursor:
        cursor.executemany(sql, values)


@contextmanager
def _cursor(session: Session, sql: str) -> Iterator[Any]:
    """A cursor in the session's transaction; driver errors raised as SQLAlchemy's own
    (`IntegrityError`, `OperationalError`), as `session.execute` would raise them."""
    cursor = session.connection().connection.cursor()
    try:
        yield cursor
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, None, exc, sqlite3.Error) from exc
    finally:
        cursor.close()


_EXPANDING = "__[POSTCOMPILE_{}]"
_SELECTS: dict[int, tuple[Any, str, list[tuple[str, Any, bool]], list[Any]]] = {}


def select_rows(session: Session, statement: Any, parameters: Mapping[str, Any]) -> list[Any]:
    """The rows of a long-lived select, as tuples of values read as SQLAlchemy reads them."""
    if not is_sqlite(session) or any(
        isinstance(value, list | tuple) and not value for value in parameters.values()
    ):  # an empty IN list: SQLAlchemy's own rendering of it
        return [tuple(row) for row in session.execute(statement, dict(parameters))]
    found = _SELECTS.get(id(statement))
    if found is None or found[0] is not statement:
        dialect = session.get_bind().dialect
        compiled = statement.compile(dialect=dialect)
        processors = compiled._bind_processors
        order = [
            (name, processors.get(name), compiled.binds[name].expanding)
            for name in compiled.positiontup
        ]
        results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]
        found = _SELECTS[id(statement)] = (statement, compiled.string, order, results)
    _, sql, order, results = found
    values: list[Any] = []
    for name, process, expanding in order:
        value = parameters[name]
        if expanding:
            sql = sql.replace(_EXPANDING.format(name), ", ".join("?" * len(value)), 1)
            values.extend(value if process is None else map(process, value))
        else:
            values.append(value if process is None else process(value))
    with _cursor(session, sql) as cursor:
        rows = cursor.execute(sql, values).fetchall()
    if not any(results):
        return rows
    return [
        tuple(
            value if process is None or value is None else process(value)
            for process, value in zip(results, row, strict=True)
        )
        for row in rows
    ]
