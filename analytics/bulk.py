"""Many rows through one statement, fast: on SQLite, straight to the driver's `executemany`
with the values converted by the same type processors SQLAlchemy would use, so they are
stored exactly as through `session.execute(statement, rows)`, at a fraction of its cost per
row (bench/ingest.py: SQLAlchemy's per-row parameter handling was the largest cost of
ingestion). Other databases go through `session.execute` as before.

The statement is compiled once per dialect and set of columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session

# (dialect, id of the statement, columns) -> (SQL, [(bind name, processor)], the statement,
# kept so that its id is never reused).
_COMPILED: dict[tuple[str, int, tuple[str, ...]], tuple[str, list[tuple[str, Any]], Any]] = {}


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


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
    values = [
        tuple(row[name] if process is None else process(row[name]) for name, process in order)
        for row in rows
    ]
    cursor = session.connection().connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()
