"""Guide page computation time at 1 million and (with --ten-million) 10 million raw events,
on SQLite or PostgreSQL.

Data: 20 guides of 4 steps, 2 versions, one year; users walk 1 to 3 guides (shown, steps,
completion or an exit with a reason, time on each step) plus tracks and searches, about 25
events each. A template of 20,000 users (about 500,000 events) is made in Python once; the
database makes every copy of it (new user and event ids) by INSERT ... SELECT into the real
`event` table, whose secondary indexes and constraints are dropped for the load and made
again after it (PostgreSQL: rows go to their month's partition). Rollups are made from the
template's events by the product's own `RollupDelta`, multiplied by the number of copies, and
written by `analytics.rollups.apply` (first-seen rows are counted but not stored: the page
never reads them); a check compares them with the raw events. The 10M run adds 9M events to
the 1M database.

    .venv/bin/python -m bench.guide_page [--database postgresql] [--ten-million]
"""

from __future__ import annotations

import argparse
import copy as copy_module
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from analytics.guide_page import guide_page
from analytics.models import ALL_VERSIONS, WHOLE_GUIDE, Event, GuideDaily, StepDuration
from analytics.partitions import PARTITION_PREFIX, ensure_partitions
from analytics.rollups import RollupDelta, apply
from analytics.store import Period
from bench.common import fresh_database, seed
from server.db import Database
from tests.databases import drop_postgres_database
from tests.factories import uuid7

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GUIDES = 20
STEPS = 4
DAYS = 365
TODAY = date(2026, 11, 23)
USERS_PER_CHUNK = 20_000  # users per template: about 500,000 events
REASONS = ["dismissed", "navigated_away", "target_missing", "error", "timed_out"]


def user_events(
    rng: random.Random, user: int, guides: list[int], counter: list[int]
) -> list[tuple]:
    """One user's events as (event_id, type, guide, version, step, properties, occurred_at)."""
    moment = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) - timedelta(
        days=rng.randrange(DAYS), seconds=rng.randrange(86_400)
    )
    rows = []

    def add(
        type: str,
        guide: int | None,
        version: int | None,
        step: int | None,
        properties: dict[str, Any],
    ) -> None:
        nonlocal moment
        moment += timedelta(milliseconds=rng.randrange(200, 20_000))
        counter[0] += 1
        event_id = uuid7(int(moment.timestamp() * 1000), counter[0])
        rows.append((event_id, type, guide, version, step, properties, moment))

    for _ in range(rng.randint(1, 3)):
        guide = rng.choice(guides)
        version = 1 if rng.random() < 0.6 else 2
        add("guide_shown", guide, version, None, {})
        for step in range(STEPS):
            add("step_shown", guide, version, step, {})
            if rng.random() < 0.15 + 0.05 * step:
                reason = rng.choice(REASONS)
                add(
                    "guide_dismissed",
                    guide,
                    version,
                    step,
                    {"reason": reason, "duration_ms": rng.randrange(300, 30_000)},
                )
                break
            add(
                "step_completed",
                guide,
                version,
                step,
                {"duration_ms": int(rng.lognormvariate(8.5, 1))},
            )
        else:
            add("guide_completed", guide, version, STEPS - 1, {"duration_ms": 1500})
    while len(rows) < 25:
        if rng.random() < 0.2:
            add(
                "resource_center_searched",
                None,
                None,
                None,
                {
                    "query": rng.choice(["sso", "export csv", "billing", "api key"]),
                    "results": rng.choice([0, 0, 3]),
                },
            )
        else:
            add("track", None, None, None, {"name": "report_opened"})
    return rows


def template(guides: list[int], seed_value: int) -> tuple[list[tuple], RollupDelta]:
    """USERS_PER_CHUNK users' events, ready to insert, and the rollups they add. Larger
    loads insert copies of it for other users (new user and event ids): the raw table gets
    every row, and each copy adds the same rollup counts."""
    rng = random.Random(seed_value)
    counter = [0]
    rows = []
    delta = RollupDelta(1)
    for user in range(USERS_PER_CHUNK):
        for event_id, type, guide, version, step, properties, occurred_at in user_events(
            rng, user, guides, counter
        ):
            rows.append(
                (
                    event_id.int,
                    type,
                    user,
                    guide,
                    version,
                    step,
                    json.dumps(properties),
                    occurred_at,
                )
            )
            delta.add(
                end_user_id=user,
                type=type,
                guide_id=guide,
                guide_version=version,
                step_index=step,
                properties=properties,
                occurred_at=occurred_at,
            )
    return rows, delta


def scaled(delta: RollupDelta, copies: range) -> RollupDelta:
    """What these copies of the template add to the rollups: the same keys, each counter
    multiplied (first-seen users counted, not stored, as `write_first_seen=False` does);
    the per-user rows of struggle rollups (active users per day) once per copy's user."""
    times = len(copies)
    result = copy_module.deepcopy(delta)
    for (_, key), day in result.first.items():
        result.count_user(key, day, +1)
    result.first.clear()
    for table in (result.guides, result.questions, result.items, result.searches):
        for counters in table.values():
            for name in counters:
                counters[name] *= times
    for flat in (result.durations, result.values):
        for key in flat:
            flat[key] *= times
    struggle = result.struggle
    for row in struggle.daily.values():
        row["occurrences"] *= times
        row["count"] *= times
    struggle.active = {
        (day, n * USERS_PER_CHUNK + user + 1) for n in copies for day, user in struggle.active
    }
    struggle.users = {
        (n * USERS_PER_CHUNK + user + 1, day, place)
        for n in copies
        for user, day, place in struggle.users
    }
    return result


def load(
    url: str,
    app_id: int,
    copies: range,
    template_rows: list[tuple],
    delta: RollupDelta,
) -> None:
    """Insert copies of the template (copy c: users c*USERS_PER_CHUNK + 1 ...) and their
    rollups, as a bulk load: the template goes into a temporary table once, every copy is
    made from it inside the database by one INSERT ... SELECT (new user ids, new event ids),
    the event table's secondary indexes and constraints are dropped before and made again
    after (one sort each instead of millions of scattered index inserts), and the rollups of
    all the copies are written in one pass (the template's `RollupDelta`, multiplied). The
    benchmark's database is throwaway: SQLite runs the load without a journal."""
    database = Database(url)
    try:
        with database.write() as session:
            # The maintenance job would have made each past month's partition (PostgreSQL).
            start = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
            ensure_partitions(session.connection(), start - timedelta(days=DAYS), months_ahead=14)
    finally:
        database.dispose()  # no pooled connection may hold the SQLite file during the load
    # The template's counters must leave the copy's hex digits of the id at zero.
    assert max(row[0] for row in template_rows) & (16**12 - 1) < 16**6
    began = time.perf_counter()
    ordered = sorted(template_rows)  # event id order: a copy's rows go in (nearly) sorted
    if url.startswith("sqlite"):
        _load_sqlite(make_url(url).database or "", app_id, copies, ordered)
    else:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
        _load_postgresql(dsn, app_id, copies, ordered)
    raw_seconds = time.perf_counter() - began
    database = Database(url)
    try:
        with database.write() as session:
            apply(session, scaled(delta, copies), all_users_new=True, write_first_seen=False)
    finally:
        database.dispose()
    print(
        f"  {len(copies)} copies of the template: raw events and indexes {raw_seconds:.0f} s,"
        f" rollups {time.perf_counter() - began - raw_seconds:.0f} s",
        file=sys.stderr,
        flush=True,
    )


# The copy's event id, made from the template's: the copy number goes in hex digits 20 to 25
# (random bits of a UUIDv7, zero in the template, whose counters stay below 16**6), so ids
# stay unique and time-ordered, and land in the partition of their month.
_SQLITE_NEW_ID = "substr(t.event_id, 1, 20) || printf('%06x', c.n) || substr(t.event_id, 27, 6)"
_POSTGRES_NEW_ID = "overlay(t.event_id::text placing lpad(to_hex(c.n), 6, '0') from 25 for 6)::uuid"
_EVENT_COLUMNS = (
    "app_id, event_id, type, end_user_id, guide_id, guide_version, step_index, url,"
    " properties, occurred_at, received_at"
)


def _load_sqlite(path: str, app_id: int, copies: range, rows: list[tuple]) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        journal = raw.execute("PRAGMA journal_mode").fetchone()[0]
        # For the load only: no rollback journal, no fsync, a 2 GB page cache (the unique
        # index on event ids fits), sorts in memory. The journal mode is put back after.
        raw.execute("PRAGMA journal_mode=OFF")
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-2000000")
        raw.execute("PRAGMA temp_store=MEMORY")
        stamp = _stamp(datetime.now(UTC))
        raw.execute(
            "CREATE TEMP TABLE template (position INTEGER PRIMARY KEY, event_id TEXT, type TEXT,"
            " user INTEGER, guide_id INTEGER, guide_version INTEGER, step_index INTEGER,"
            " properties TEXT, occurred_at TEXT)"
        )
        raw.execute("CREATE TEMP TABLE copies (n INTEGER PRIMARY KEY)")
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO temp.template VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (position, format(i, "032x"), t, u, g, v, s, p, _stamp(o))
                for position, (i, t, u, g, v, s, p, o) in enumerate(rows)
            ],
        )
        raw.executemany("INSERT INTO temp.copies VALUES (?)", [(n,) for n in copies])
        raw.execute(
            "WITH RECURSIVE u(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM u WHERE i < :last)"
            " INSERT INTO end_user (id, app_id, external_id, is_anonymous, traits,"
            " first_seen_at, last_seen_at) SELECT c.n * :users + u.i + 1, :app,"
            " 'user-' || (c.n * :users + u.i + 1), 0, '{}', :stamp, :stamp"
            " FROM temp.copies c CROSS JOIN u",
            {"last": USERS_PER_CHUNK - 1, "users": USERS_PER_CHUNK, "app": app_id, "stamp": stamp},
        )
        indexes = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'"
            " AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        for name, _ in indexes:
            raw.execute(f"DROP INDEX {name}")
        # Template rows in id order, each followed by its copies: the rowid and the unique
        # (app, event id) index grow (nearly) at their end, as with live traffic.
        raw.execute(
            f"INSERT INTO event ({_EVENT_COLUMNS}) SELECT :app, {_SQLITE_NEW_ID}, t.type,"
            " c.n * :users + t.user + 1, t.guide_id, t.guide_version, t.step_index,"
            " 'https://app.example.com/', t.properties, t.occurred_at, :stamp"
            " FROM temp.template t CROSS JOIN temp.copies c ORDER BY t.position, c.n",
            {"app": app_id, "users": USERS_PER_CHUNK, "stamp": stamp},
        )
        for _, sql in indexes:
            raw.execute(sql)
        raw.execute("COMMIT")
        raw.execute("DROP TABLE temp.template")
        raw.execute("DROP TABLE temp.copies")
        raw.execute(f"PRAGMA journal_mode={journal}")
    finally:
        raw.close()


def _load_postgresql(dsn: str, app_id: int, copies: range, rows: list[tuple]) -> None:
    with psycopg.connect(dsn) as raw, raw.cursor() as cursor:
        # This session only: sorts and index builds in memory; the commit does not wait for
        # the WAL flush (the server's settings are untouched).
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '512MB'")
        cursor.execute(
            "CREATE TEMP TABLE template (position integer PRIMARY KEY, event_id uuid, type text,"
            " user_number integer, guide_id integer, guide_version integer,"
            " step_index integer, properties jsonb, occurred_at timestamptz) ON COMMIT DROP"
        )
        with cursor.copy("COPY template FROM STDIN") as copy:
            for position, (i, t, u, g, v, s, p, o) in enumerate(rows):
                copy.write_row((position, uuid.UUID(int=i), t, u, g, v, s, p, o))
        cursor.execute("ANALYZE template")
        numbers = {
            "first": copies.start,
            "last": copies.stop - 1,
            "users": USERS_PER_CHUNK,
            "app": app_id,
        }
        cursor.execute(
            "INSERT INTO end_user (id, app_id, external_id, is_anonymous, traits,"
            " first_seen_at, last_seen_at) SELECT c.n * %(users)s + u + 1, %(app)s,"
            " 'user-' || (c.n * %(users)s + u + 1), false, '{}', now(), now()"
            " FROM generate_series(%(first)s::integer, %(last)s::integer) AS c(n)"
            " CROSS JOIN generate_series(0, %(users)s::integer - 1) AS u",
            numbers,
        )
        cursor.execute("SELECT setval('end_user_id_seq', (SELECT max(id) FROM end_user))")
        # Everything on `event` but its primary key (id first, so it grows at its end):
        # the unique key on event ids, the foreign keys and the secondary indexes.
        constraints = cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'event'::regclass AND contype <> 'p' ORDER BY conname"
        ).fetchall()
        indexes = cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'event'::regclass"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid"
            " AND k.conrelid = 'event'::regclass) ORDER BY c.relname"
        ).fetchall()
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE event DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        # Rows go to their month's partition by their event id, as live inserts do.
        cursor.execute(
            f"INSERT INTO event ({_EVENT_COLUMNS}) SELECT %(app)s, {_POSTGRES_NEW_ID}, t.type,"
            " c.n * %(users)s + t.user_number + 1, t.guide_id, t.guide_version, t.step_index,"
            " 'https://app.example.com/', t.properties, t.occurred_at, now()"
            " FROM template t"
            " CROSS JOIN generate_series(%(first)s::integer, %(last)s::integer) AS c(n)"
            " ORDER BY t.position, c.n",
            numbers,
        )
        for _, definition in indexes:
            # A partitioned table's index is reported ON ONLY: made here on every partition.
            cursor.execute(definition.replace(" ON ONLY ", " ON "))
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE event ADD CONSTRAINT {name} {definition}")
        raw.commit()


def check_partitions(url: str) -> str:
    """PostgreSQL: every event is in the partition of its month (none in the default one).
    Returns a one-line summary."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn) as connection:
        counts = connection.execute(
            "SELECT tableoid::regclass::text, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYYMM'),"
            " count(*) FROM event GROUP BY 1, 2"
        ).fetchall()
    misplaced = sum(n for table, month, n in counts if table != f"{PARTITION_PREFIX}{month}")
    if misplaced:
        raise SystemExit(f"{misplaced} events outside the partition of their month")
    return f"{len({table for table, _, _ in counts})} monthly partitions hold every event"


def _stamp(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def check_rollups(url: str) -> None:
    """The loaded rollups agree with the loaded raw events (views of every guide)."""
    database = Database(url)
    try:
        with database.read() as session:
            raw = session.execute(
                select(func.count()).select_from(Event).where(Event.type == "guide_shown")
            ).scalar_one()
            rolled = session.execute(
                select(func.sum(GuideDaily.shown)).where(
                    GuideDaily.guide_version == ALL_VERSIONS, GuideDaily.step_index == WHOLE_GUIDE
                )
            ).scalar_one()
    finally:
        database.dispose()
    if raw != rolled:
        raise SystemExit(f"rollups count {rolled} guide views, raw events {raw}")


@contextmanager
def snapshot(url: str, folder: Path, postgres_url: str) -> Iterator[str]:
    """A copy of the database as it is now (the 1M one), to time beside the grown one in the
    same minutes: on a shared machine, timings taken minutes apart are not comparable."""
    if url.startswith("sqlite"):
        path = folder / "bench-1m.db"
        source = sqlite3.connect(make_url(url).database or "")
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        yield f"sqlite:///{path}"
        return
    copy_url = make_url(url).set(database=f"{make_url(url).database}_1m")
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{copy_url.database}" TEMPLATE "{make_url(url).database}"')
    try:
        yield copy_url.render_as_string(False)
    finally:
        drop_postgres_database(postgres_url, copy_url.render_as_string(False))


def measure(
    urls: dict[str, str], app_id: int, guides: list[int], runs: int
) -> dict[str, dict[str, Any]]:
    """Guide page timings of each database, runs interleaved between them."""
    databases = {label: Database(url) for label, url in urls.items()}
    periods = {
        "365 days": Period(TODAY - timedelta(days=DAYS - 1), TODAY),
        "90 days": Period(TODAY - timedelta(days=89), TODAY),
    }
    timings: dict[str, dict[str, list[float]]] = {
        label: {name: [] for name in periods} for label in urls
    }
    results: dict[str, dict[str, Any]] = {}
    try:
        for label, database in databases.items():
            with database.read() as session:
                results[label] = {
                    "events": session.execute(select(func.count()).select_from(Event)).scalar_one(),
                    "guide_daily rows": session.execute(
                        select(func.count()).select_from(GuideDaily)
                    ).scalar_one(),
                    "histogram rows": session.execute(
                        select(func.count()).select_from(StepDuration)
                    ).scalar_one(),
                }
        for name, period in periods.items():
            for run in range(runs + 3):
                guide = guides[run % len(guides)]
                for label, database in databases.items():
                    began = time.perf_counter()
                    with database.read() as session:
                        page = guide_page(session, app_id=app_id, guide_id=guide, period=period)
                    elapsed = time.perf_counter() - began
                    assert page.summary.views > 0
                    if run >= 3:  # the first runs warm the caches and connections
                        timings[label][name].append(elapsed * 1000)
    finally:
        for database in databases.values():
            database.dispose()
    for label, by_period in timings.items():
        for name, values in by_period.items():
            values.sort()
            results[label][name] = (statistics.median(values), values[int(len(values) * 0.95) - 1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES)
    parser.add_argument("--ten-million", action="store_true", help="also measure at 10M events")
    parser.add_argument(
        "--million", type=int, default=1_000_000, help="events of the first size (rounded)"
    )
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    run_began = time.perf_counter()
    copies = max(1, round(args.million / (25 * USERS_PER_CHUNK)))
    sizes = [("1M", range(copies))]
    if args.ten_million:
        sizes.append(("10M", range(copies, 10 * copies)))

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(fresh_database(args.database, folder, args.postgres_url))
        _, guides = seed(url, guides=GUIDES, steps=STEPS)
        app_id = 1
        template_rows, delta = template(guides, 1)
        print(
            f"  template of {len(template_rows):,} events made in"
            f" {time.perf_counter() - run_began:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        urls: dict[str, str] = {}
        loaded: dict[str, float] = {}
        for label, copies_of_template in sizes:
            began = time.perf_counter()
            load(url, app_id, copies_of_template, template_rows, delta)
            if not url.startswith("sqlite"):
                with psycopg.connect(
                    make_url(url).set(drivername="postgresql").render_as_string(False),
                    autocommit=True,
                ) as connection:
                    connection.execute("VACUUM ANALYZE")
            loaded[label] = time.perf_counter() - began
            check_rollups(url)
            if not url.startswith("sqlite"):
                print(f"  {check_partitions(url)}", file=sys.stderr, flush=True)
            if label == "1M" and args.ten_million:
                urls[label] = stack.enter_context(snapshot(url, folder, args.postgres_url))
            else:
                urls[label] = url
        results = measure(urls, app_id, guides, args.runs)
        for label, result in results.items():
            print(
                f"{args.database} {label}: {result['events']:,} raw events (loaded in"
                f" {loaded[label]:.0f} s), {result['guide_daily rows']:,} guide_daily rows,"
                f" {result['histogram rows']:,} histogram rows; guide page over 365 days:"
                f" median {result['365 days'][0]:.1f} ms, p95 {result['365 days'][1]:.1f} ms;"
                f" over 90 days: median {result['90 days'][0]:.1f} ms,"
                f" p95 {result['90 days'][1]:.1f} ms",
                flush=True,
            )
        if len(results) == 2:
            for name in ("365 days", "90 days"):
                growth = results["10M"][name][0] / results["1M"][name][0]
                print(
                    f"{args.database} growth of the {name} median from 1M to 10M events"
                    f" (timed interleaved): {growth:.2f}x"
                )
    print(f"{args.database} whole run: {time.perf_counter() - run_began:.0f} s")


if __name__ == "__main__":
    main()
