"""Killed mid-ingestion (reliability.md B2, D4): the real server takes event batches from
several SDK-like clients and is SIGKILLed at a random moment, then restarted: 50 times (D4;
`SIGNPOST_CRASH_CYCLES` sets the count, and CI's PostgreSQL pass runs B2's 20).
Every batch that got a 2xx must be stored; batches that got no answer are sent again after
the restart, as the SDK does, and must be stored once; the database stays intact and the
rollups equal a rebuild from the raw events. The counts are printed at the end of the run."""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from analytics.models import Event
from analytics.rollups import rebuild_rollups
from server.db import Database
from tests.factories import make_app, make_published_guide
from tests.faults import REPORTS, ServerProcess, batch, new_event, post_batch
from tests.test_rollups import snapshot

CYCLES = int(os.environ.get("SIGNPOST_CRASH_CYCLES", "50"))
CLIENTS = 3
EVENTS_PER_BATCH = 20


@pytest.mark.timeout(120 + 15 * CYCLES)
def test_sigkill_during_ingestion_loses_no_acknowledged_event_and_stores_none_twice(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    with db.write() as session:
        app = make_app(session, origins=["https://app.example.com"])
        guide = make_published_guide(session, app, "tour", steps=3)
        assert app.id is not None and guide.id is not None
        app_id, key, guide_id = app.id, app.public_key, guide.id
    server = ServerProcess(database_url, tmp_path, {"ingest_rate_per_second": "0"})
    rng = random.Random(2026)
    sent: set[str] = set()
    acked: set[str] = set()
    unanswered: list[dict[str, Any]] = []  # what the SDK would still hold and send again
    lock = threading.Lock()

    def client(number: int, stop: threading.Event) -> None:
        while not stop.is_set():
            with lock:
                body = unanswered.pop() if unanswered else None
            if body is None:
                events = [new_event(guide_id, i % 3) for i in range(EVENTS_PER_BATCH)]
                body = batch(key, number * 1000 + len(sent) % 50, events)
                with lock:
                    sent.update(e["event_id"] for e in events)
            try:
                status = post_batch(server.url, body, timeout=5)
            except (OSError, http.client.HTTPException):  # killed mid-answer: no answer
                status = 0
            with lock:
                if 200 <= status < 300:
                    acked.update(e["event_id"] for e in body["events"])
                else:
                    unanswered.append(body)
            if status == 0:
                time.sleep(0.02)  # the server is down: the SDK backs off

    try:
        for _ in range(CYCLES):
            server.start()
            stop = threading.Event()
            threads = [
                threading.Thread(target=client, args=(n, stop), daemon=True) for n in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.2, 0.7))
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=15)
        server.start()  # the last restart: everything still held is delivered
        acked_under_fire, resent = len(acked), len(unanswered)
        while unanswered:
            body = unanswered.pop()
            assert post_batch(server.url, body) == 200, server.output()
            acked.update(e["event_id"] for e in body["events"])
    finally:
        server.stop()

    with db.read() as session:
        stored = [
            str(event_id)
            for event_id in session.exec(select(Event.event_id).where(Event.app_id == app_id))
        ]
        if db.is_sqlite:
            integrity = session.execute(text("PRAGMA integrity_check")).scalar_one()
        else:
            integrity = "ok"  # PostgreSQL's own crash safety; the server process died, not it
        live = snapshot(session)
    with db.write() as session:
        rebuild_rollups(session, app_id)
    with db.read() as session:
        rebuilt = snapshot(session)

    report = {
        "test": "sigkill_during_ingestion",
        "database": "sqlite" if db.is_sqlite else "postgresql",
        "cycles": CYCLES,
        "sent": len(sent),
        "acknowledged_during_kills": acked_under_fire,
        "batches_resent_after_restart": resent,
        "acknowledged": len(acked),
        "stored": len(stored),
        "lost": len(acked - set(stored)),
        "duplicated": len(stored) - len(set(stored)),
    }
    REPORTS.append(report)
    assert report["lost"] == 0
    assert report["duplicated"] == 0
    assert set(stored) == sent
    assert integrity == "ok"
    assert live == rebuilt, "the rollups were committed with the events they count"
