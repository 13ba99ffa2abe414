"""The database stops (reliability.md B5, A-series style, PostgreSQL only): the SDK
endpoints answer 503 with Retry-After at once, the SDK in Chromium keeps every event it
could not deliver, and once the database is back they are all stored, once each."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy.engine import make_url
from sqlmodel import select

from analytics.models import Event
from e2e.conftest import RunningServer, _HostPageHandler, free_port
from server.db import Database
from tests.factories import make_app
from tests.faults import REPORTS, ServerProcess, batch, new_event, post_batch
from tests.tcp_proxy import TcpProxy

EVENTS = 30


@pytest.fixture
def outage(server: RunningServer, tmp_path: Path) -> Iterator[tuple[ServerProcess, TcpProxy, str]]:
    """A server of its own whose database connection runs through a proxy we can cut, and
    host pages pointing at it."""
    if server.database_url.startswith("sqlite"):
        pytest.skip("SQLite is a file inside the server process: it cannot stop on its own")
    url = make_url(server.database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    process = ServerProcess(through, tmp_path, {"ingest_rate_per_second": "0"})
    process.start()
    handler = type("Handler", (_HostPageHandler,), {"server_url": process.url})
    pages = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    try:
        yield process, proxy, f"http://127.0.0.1:{pages.server_address[1]}"
    finally:
        pages.shutdown()
        pages.server_close()
        process.stop()
        proxy.close()


def test_database_down_gives_fast_503s_and_the_sdk_delivers_everything_after(
    page: Page, db: Database, outage: tuple[ServerProcess, TcpProxy, str]
) -> None:
    process, proxy, host_pages = outage
    with db.write() as session:
        app = make_app(session, name=f"Outage {uuid.uuid4().hex[:8]}", origins=[host_pages])
        assert app.id is not None
        app_id, key = app.id, app.public_key
    statuses: list[int] = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if "/sdk/v1/events" in r.url else None,
    )
    with page.expect_response("**/sdk/v1/session") as first:
        page.goto(f"{host_pages}/outage?key={key}")
    assert first.value.status == 200

    proxy.down()
    answered = []
    for _ in range(5):  # straight to the endpoint: the status and how long it took
        started = time.monotonic()
        track = {**new_event(1, 0), "type": "track", "properties": {"name": "direct"}}
        for field in ("guide_id", "guide_version", "step_index"):
            track.pop(field)
        status = post_batch(process.url, batch(key, 1, [track]))
        answered.append((status, time.monotonic() - started))
    for index in range(EVENTS):
        page.evaluate(f"Signpost.track('during outage {index}')")
    time.sleep(2)  # the SDK tries, gets 503s and backs off
    queued = page.evaluate(
        """() => Object.keys(localStorage).filter(k => k.startsWith('signpost:queue'))
            .map(k => JSON.parse(localStorage.getItem(k)))
            .reduce((n, saved) => n + ((saved && saved.items) || []).length, 0)"""
    )
    failed_while_down = [s for s in statuses if s != 200]

    proxy.up()
    deadline = time.monotonic() + 30
    stored: list[str] = []
    while time.monotonic() < deadline:
        with db.read() as session:
            stored = [
                str(properties.get("name"))
                for properties in session.exec(
                    select(Event.properties).where(Event.app_id == app_id, Event.type == "track")
                )
            ]
        if len(stored) >= EVENTS:
            break
        time.sleep(0.25)

    REPORTS.append(
        {
            "test": "database_down",
            "sent": EVENTS,
            "answered_503_while_down": len(failed_while_down),
            "queued_in_browser_while_down": queued,
            "slowest_503_seconds": round(max(t for _, t in answered), 2),
            "stored": len(stored),
            "lost": EVENTS - len(set(stored)),
            "duplicated": len(stored) - len(set(stored)),
        }
    )
    assert {s for s, _ in answered} == {503}
    assert max(t for _, t in answered) < 3, "503 comes at once, not after a long wait"
    assert failed_while_down and set(failed_while_down) == {503}
    assert queued == EVENTS
    assert len(stored) == EVENTS and len(set(stored)) == EVENTS
