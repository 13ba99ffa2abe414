"""Server memory under ingestion: resident memory of `signpost serve` (one process, loopback,
rate limit off) before and after a million events, sampled every half second.

    .venv/bin/python -m bench.memory [--events 1000000] [--clients 8] [--database postgresql]

The events are bench/ingest.py's realistic batches of 50 (guides walked step by step, exits
with reasons, tracks, searches), each with a fresh time-ordered id. The server should hold
nothing per event: caches are per app and per guide, rollups live in the database. The
figure to watch is the growth after the first 10% of the events, when the caches, the
connection pool and the allocator's arenas have settled, per 100,000 events."""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from bench.common import fresh_database, seed, server_process
from bench.ingest import BATCH, POSTGRES, make_batches, post_all
from tests.factories import uuid7

ROUND_BATCHES = 1000  # batches generated and sent per round (50,000 events)


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.5):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def bodies_of_round(key: str, guides: list[int], round_number: int) -> list[bytes]:
    """One round of batches, with ids no other round has (make_batches repeats its ids)."""
    batches = make_batches(key, guides, ROUND_BATCHES)
    counter = round_number * ROUND_BATCHES * BATCH
    for batch in batches:
        batch["user_id"] = f"r{round_number}-{batch['user_id']}"
        for event in batch["events"]:
            counter += 1
            millis = int(time.time() * 1000) - 86_400_000 + counter % 86_400_000
            event["event_id"] = str(uuid7(millis, counter))
    return [json.dumps(b).encode() for b in batches]


def mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    # 8 connections, so the server's group commit has batches waiting to join: 1M events
    # took 5.5 minutes on the shared 2-core machine at a load average of 18.
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP connections")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES)
    args = parser.parse_args()
    rounds = max(1, args.events // (ROUND_BATCHES * BATCH))

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        with fresh_database(args.database, folder, args.postgres_url) as url:
            key, guides = seed(url)
            with server_process(url, folder, ingest_rate_per_second="0") as (base, process):
                started = rss_bytes(process.pid)
                sampler = Sampler(process.pid)
                sampler.start()
                settled = started
                errors = 0
                began = time.perf_counter()
                for number in range(rounds):
                    _seconds, _latencies, failed = post_all(
                        base, bodies_of_round(key, guides, number), args.clients
                    )
                    errors += failed
                    if number == max(0, rounds // 10 - 1):
                        settled = rss_bytes(process.pid)
                    print(
                        f"  {(number + 1) * ROUND_BATCHES * BATCH:>9,} events:"
                        f" {mib(rss_bytes(process.pid))}",
                        flush=True,
                    )
                seconds = time.perf_counter() - began
                time.sleep(2)
                final = rss_bytes(process.pid)
                sampler.stop()

    events = rounds * ROUND_BATCHES * BATCH
    after_settling = events - (max(1, rounds // 10)) * ROUND_BATCHES * BATCH
    print(
        f"\nsignpost serve ({args.database}, 1 process), {events:,} events in {seconds:.0f} s"
        f" ({events / seconds:,.0f} events/s), {errors} errors"
    )
    print(f"resident memory at start:       {mib(started)}")
    print(f"after the first 10% of events:  {mib(settled)}")
    print(f"{f'after {events:,} events:':<32}{mib(final)} (peak {mib(sampler.peak)})")
    print(f"growth from start:              {mib(final - started)}")
    print(f"ratio final / start:            {final / started:.2f}")
    growth = (final - settled) / max(1, after_settling) * 100_000
    print(f"growth after settling:          {mib(growth)} per 100,000 events")


if __name__ == "__main__":
    main()
