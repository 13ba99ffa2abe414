"""Ingestion throughput: batches of 50 events through the real HTTP endpoint (uvicorn, one
process, loopback, rate limit off), beside raw sqlite3 `executemany` of the same rows into
the same schema, 50 per commit, in the same run.

    .venv/bin/python -m bench.ingest [--batches 4000] [--clients 16] [--database postgresql]
                                     [--no-sessions]

Each batch is one browsing session: its events carry one `session_id`, as the SDK sends
them, unless `--no-sessions` (the events of SDKs older than session ids).

16 connections by default: in use, many pages post at once, and group commit stores the
batches that wait together (with 4 the server waits on its clients more than on its work).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import fresh_database, seed, server_process
from tests.factories import uuid7

BATCH = 50
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_batches(
    key: str, guides: list[int], count: int, *, sessions: bool = True
) -> list[dict[str, Any]]:
    """Realistic batches: each user walks guides (shown, steps, completion or exit), with
    some tracks and searches; four batches per user, each a session of its own; ids
    time-ordered like the SDK's."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    batches = []
    counter = 0
    for b in range(count):
        events = []
        session = {"session_id": str(uuid.UUID(int=rng.getrandbits(128)))} if sessions else {}
        start = now - timedelta(days=rng.randrange(30), seconds=rng.randrange(86_400))
        while len(events) < BATCH:
            guide = rng.choice(guides)
            walk: list[tuple[str, int | None, dict[str, Any]]] = [("guide_shown", None, {})]
            for step in range(4):
                walk.append(("step_shown", step, {}))
                if rng.random() < 0.2:
                    reason = rng.choice(["dismissed", "navigated_away", "timed_out"])
                    walk.append(("guide_dismissed", step, {"reason": reason, "duration_ms": 900}))
                    break
                walk.append(("step_completed", step, {"duration_ms": rng.randrange(200, 60_000)}))
            else:
                walk.append(("guide_completed", 3, {"duration_ms": 1200}))
            walk.append(("track", None, {"name": "export"}))
            if rng.random() < 0.3:
                walk.append(("resource_center_searched", None, {"query": "sso", "results": 0}))
            for type, step, properties in walk:
                start += timedelta(milliseconds=rng.randrange(100, 5000))
                counter += 1
                event: dict[str, Any] = {
                    "event_id": str(uuid7(int(start.timestamp() * 1000), counter)),
                    "type": type,
                    "timestamp": start.isoformat(),
                    "url": "https://app.example.com/reports",
                    "properties": properties,
                    **session,
                }
                if type not in ("track", "resource_center_searched"):
                    event |= {"guide_id": guide, "guide_version": 1, "step_index": step}
                events.append(event)
        batches.append({"app_key": key, "user_id": f"user-{b // 4}", "events": events[:BATCH]})
    return batches


def post_all(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float], int]:
    """Send every body once over keep-alive connections; (seconds, latencies, errors)."""
    parts = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]

    def client(mine: list[bytes]) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        own: list[float] = []
        failed = 0
        for body in mine:
            began = time.perf_counter()
            connection.request(
                "POST", "/sdk/v1/events", body, {"Content-Type": "text/plain;charset=UTF-8"}
            )
            response = connection.getresponse()
            response.read()
            own.append(time.perf_counter() - began)
            failed += response.status != 200
        connection.close()
        with lock:
            latencies.extend(own)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, errors[0]


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far (Linux); None elsewhere. Steadier than
    wall time on a shared machine, where other work stretches every request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raw_sqlite(folder: Path, batches: list[dict[str, Any]]) -> float:
    """The same events with plain sqlite3 into the same (migrated) schema; events/s."""
    with fresh_database("sqlite", folder, "") as url:
        seed(url)
        path = url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    users = sorted({b["user_id"] for b in batches})
    connection.executemany(
        "INSERT INTO end_user (app_id, external_id, is_anonymous, traits, first_seen_at,"
        " last_seen_at) VALUES (1, ?, 0, '{}', ?, ?)",
        [(u, now, now) for u in users],
    )
    user_ids = dict(connection.execute("SELECT external_id, id FROM end_user"))
    rows = [
        [
            (
                1,
                e["event_id"].replace("-", ""),
                e["type"],
                user_ids[b["user_id"]],
                e.get("guide_id"),
                e.get("guide_version"),
                e.get("step_index"),
                e["url"],
                json.dumps(e["properties"]),
                e["timestamp"][:26].replace("T", " "),
                now,
            )
            for e in b["events"]
        ]
        for b in batches
    ]
    began = time.perf_counter()
    for batch in rows:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO event (app_id, event_id, type, end_user_id, guide_id, guide_version,"
            " step_index, url, properties, occurred_at, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            batch,
        )
        connection.execute("COMMIT")
    seconds = time.perf_counter() - began
    connection.close()
    return sum(len(b) for b in rows) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=4000, help="batches of 50 to send")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP connections")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES)
    parser.add_argument(
        "--sessions",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="give the events session ids, as the SDK does (--no-sessions: older SDKs)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        with fresh_database(args.database, folder, args.postgres_url) as url:
            key, guides = seed(url)
            batches = make_batches(key, guides, args.batches, sessions=args.sessions)
            bodies = [json.dumps(b).encode() for b in batches]
            with server_process(url, folder, ingest_rate_per_second="0") as (base, process):
                before = cpu_seconds(process.pid)
                seconds, latencies, errors = post_all(base, bodies, args.clients)
                after = cpu_seconds(process.pid)
        events = len(bodies) * BATCH
        latencies.sort()
        print(
            f"HTTP ingestion ({args.database}, 1 uvicorn process, {args.clients} clients,"
            f" batches of {BATCH}, {'with' if args.sessions else 'without'} session ids):"
            f" {events} events in {seconds:.1f} s ="
            f" {events / seconds:,.0f} events/s; errors {errors};"
            f" latency p50 {statistics.median(latencies) * 1000:.1f} ms,"
            f" p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
        )
        if before is not None and after is not None:
            print(f"server CPU time: {(after - before) / events * 1e6:.0f} µs per event")
        raw_folder = folder / "raw"
        raw_folder.mkdir()
        rate = raw_sqlite(raw_folder, batches)
        print(
            f"raw sqlite3 executemany, {BATCH} per commit, same schema, no rollups:"
            f" {rate:,.0f} events/s"
        )


if __name__ == "__main__":
    main()
