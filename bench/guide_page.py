"""Guide page computation time at 1 million and (with --ten-million) 10 million raw events,
on SQLite or PostgreSQL.

Data: 20 guides of 4 steps, 2 versions, one year; users walk 1 to 3 guides (shown, steps,
completion or an exit with a reason, time on each step) plus tracks and searches, about 25
events each. Raw events are bulk-inserted (sqlite3 executemany / PostgreSQL COPY) into the
real schema; rollups are made from the same events by the product's own `RollupDelta` and
written by `analytics.rollups.apply` (first-seen rows are counted but not stored: the page
never reads them). The 10M run adds 9M events to the 1M database.

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from analytics.guide_page import guide_page
from analytics.models import ALL_VERSIONS, WHOLE_GUIDE, Event, GuideDaily, StepDuration
from analytics.partitions import ensure_partitions
from analytics.rollups import RollupDelta, apply
from analytics.store import Period
from bench.common import fresh_database, seed
from server.db import Database
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


def scaled(delta: RollupDelta, times: int) -> RollupDelta:
    """What `times` copies of the template add to the rollups: the same keys, each counter
    multiplied (first-seen users counted, not stored, as `write_first_seen=False` does)."""
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
    return result


def load(
    url: str,
    app_id: int,
    copies: range,
    template_rows: list[tuple],
    delta: RollupDelta,
) -> None:
    """Insert copies of the template (copy c: users c*USERS_PER_CHUNK + 1 ...) and their
    rollups. Copy 0 goes in from Python; the others are made from it inside the database
    (INSERT ... SELECT with new user ids and new event ids), so a 10M load takes minutes."""
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    database = Database(url)
    if kind == "sqlite":
        raw = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-2000000")  # 2 GB: the time-ordered indexes fit
    else:
        raw = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        with database.write() as session:
            # The maintenance job would have made each past month's partition (PostgreSQL).
            start = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
            ensure_partitions(session.connection(), start - timedelta(days=DAYS), months_ahead=14)
        for copy_number in copies:
            if copy_number == 0:
                _insert_template(raw, kind, app_id, template_rows)
            else:
                _duplicate_template(raw, kind, copy_number)
            print(f"  loaded copy {copy_number + 1} of the template", file=sys.stderr, flush=True)
        with database.write() as session:
            apply(session, scaled(delta, len(copies)), all_users_new=True, write_first_seen=False)
    finally:
        raw.close()
        database.dispose()


def _insert_template(raw: Any, kind: str, app_id: int, rows: list[tuple]) -> None:
    now = datetime.now(UTC)
    stamp = _stamp(now)
    users = [(u, app_id, f"user-{u}") for u in range(1, USERS_PER_CHUNK + 1)]
    if kind == "sqlite":
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO end_user (id, app_id, external_id, is_anonymous, traits,"
            " first_seen_at, last_seen_at) VALUES (?, ?, ?, 0, '{}', ?, ?)",
            [(*user, stamp, stamp) for user in users],
        )
        raw.executemany(
            "INSERT INTO event (app_id, event_id, type, end_user_id, guide_id,"
            " guide_version, step_index, url, properties, occurred_at, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'https://app.example.com/', ?, ?, ?)",
            [
                (app_id, format(i, "032x"), t, u + 1, g, v, s, p, _stamp(o), stamp)
                for i, t, u, g, v, s, p, o in rows
            ],
        )
        raw.execute("COMMIT")
        return
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY end_user (id, app_id, external_id, is_anonymous, traits,"
            " first_seen_at, last_seen_at) FROM STDIN"
        ) as copy:
            for user in users:
                copy.write_row((*user, False, "{}", now, now))
        with cursor.copy(
            "COPY event (app_id, event_id, type, end_user_id, guide_id,"
            " guide_version, step_index, url, properties, occurred_at,"
            " received_at) FROM STDIN"
        ) as copy:
            for i, t, u, g, v, s, p, o in rows:
                copy.write_row(
                    (
                        app_id,
                        uuid.UUID(int=i),
                        t,
                        u + 1,
                        g,
                        v,
                        s,
                        "https://app.example.com/",
                        p,
                        o,
                        now,
                    )
                )
    raw.commit()


def _duplicate_template(raw: Any, kind: str, copy_number: int) -> None:
    """Copy `copy_number` of the template, made from copy 0 by the database itself. New event
    ids put the copy number in hex digits 20 to 25 of the id (random bits of a UUIDv7, zero in
    the template, whose counters are small), so ids stay unique and time-ordered."""
    offset = copy_number * USERS_PER_CHUNK
    if kind == "sqlite":
        new_id = f"substr(event_id, 1, 20) || '{copy_number:06x}' || substr(event_id, 27, 6)"
    else:
        new_id = f"overlay(event_id::text placing '{copy_number:06x}' from 25 for 6)::uuid"
    statements = [
        "INSERT INTO end_user (id, app_id, external_id, is_anonymous, traits, first_seen_at,"
        f" last_seen_at) SELECT id + {offset}, app_id, 'user-' || (id + {offset}),"
        " is_anonymous, traits, first_seen_at, last_seen_at FROM end_user"
        f" WHERE id BETWEEN 1 AND {USERS_PER_CHUNK}",
        "INSERT INTO event (app_id, event_id, type, end_user_id, guide_id, guide_version,"
        f" step_index, url, properties, occurred_at, received_at) SELECT app_id, {new_id},"
        f" type, end_user_id + {offset}, guide_id, guide_version, step_index, url, properties,"
        f" occurred_at, received_at FROM event WHERE end_user_id BETWEEN 1 AND {USERS_PER_CHUNK}",
    ]
    if kind == "sqlite":
        raw.execute("BEGIN")
        for statement in statements:
            raw.execute(statement)
        raw.execute("COMMIT")
    else:
        with raw.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("SELECT setval('end_user_id_seq', (SELECT max(id) FROM end_user))")
        raw.commit()


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


def measure(url: str, app_id: int, guides: list[int], runs: int) -> dict[str, Any]:
    database = Database(url)
    timings: dict[str, list[float]] = {"365 days": [], "90 days": []}
    periods = {
        "365 days": Period(TODAY - timedelta(days=DAYS - 1), TODAY),
        "90 days": Period(TODAY - timedelta(days=89), TODAY),
    }
    try:
        with database.read() as session:
            events = session.execute(select(func.count()).select_from(Event)).scalar_one()
            rollup_rows = session.execute(select(func.count()).select_from(GuideDaily)).scalar_one()
            histogram_rows = session.execute(
                select(func.count()).select_from(StepDuration)
            ).scalar_one()
        for name, period in periods.items():
            for run in range(runs + 3):
                guide = guides[run % len(guides)]
                began = time.perf_counter()
                with database.read() as session:
                    page = guide_page(session, app_id=app_id, guide_id=guide, period=period)
                elapsed = time.perf_counter() - began
                assert page.summary.views > 0
                if run >= 3:  # the first runs warm the caches and connections
                    timings[name].append(elapsed * 1000)
    finally:
        database.dispose()
    return {
        "events": events,
        "guide_daily rows": rollup_rows,
        "histogram rows": histogram_rows,
        **{
            name: (statistics.median(values), sorted(values)[int(len(values) * 0.95) - 1])
            for name, values in timings.items()
        },
    }


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
    copies = max(1, round(args.million / (25 * USERS_PER_CHUNK)))
    sizes = [("1M", range(copies))]
    if args.ten_million:
        sizes.append(("10M", range(copies, 10 * copies)))

    with (
        tempfile.TemporaryDirectory() as temp,
        fresh_database(args.database, Path(temp), args.postgres_url) as url,
    ):
        _, guides = seed(url, guides=GUIDES, steps=STEPS)
        app_id = 1
        template_rows, delta = template(guides, 1)
        results = []
        for label, copies_of_template in sizes:
            began = time.perf_counter()
            load(url, app_id, copies_of_template, template_rows, delta)
            if not url.startswith("sqlite"):
                with psycopg.connect(
                    make_url(url).set(drivername="postgresql").render_as_string(False),
                    autocommit=True,
                ) as connection:
                    connection.execute("VACUUM ANALYZE")
            loaded = time.perf_counter() - began
            check_rollups(url)
            result = measure(url, app_id, guides, args.runs)
            results.append(result)
            print(
                f"{args.database} {label}: {result['events']:,} raw events (loaded in"
                f" {loaded:.0f} s), {result['guide_daily rows']:,} guide_daily rows,"
                f" {result['histogram rows']:,} histogram rows; guide page over 365 days:"
                f" median {result['365 days'][0]:.1f} ms, p95 {result['365 days'][1]:.1f} ms;"
                f" over 90 days: median {result['90 days'][0]:.1f} ms,"
                f" p95 {result['90 days'][1]:.1f} ms",
                flush=True,
            )
        if len(results) == 2:
            growth = results[1]["365 days"][0] / results[0]["365 days"][0]
            print(f"{args.database} growth of the median from 1M to 10M events: {growth:.2f}x")


if __name__ == "__main__":
    main()
