"""Webhooks: the outbox row is written with the stored event, the dispatcher signs each
delivery and retries with back-off, and a receiver on loopback that is down for a while
then up gets every delivery exactly once, each with a valid signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from analytics.webhooks import (
    MAX_BACKOFF,
    WebhookDelivery,
    backoff,
    create_endpoint,
    signature,
)
from guides import App, Guide
from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.conftest import TEST_SECRET
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver:
    """A webhook receiver on loopback that records what it gets."""

    def __init__(self, port: int) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def valid_signature(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    fresh = abs(time.time() - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(parts["v1"], expected.hexdigest())


@pytest.fixture
def quick(settings: Settings) -> Iterator[TestClient]:
    fast = settings.model_copy(
        update={
            "webhook_retry_seconds": 0.2,
            "webhook_timeout_seconds": 2,
            "webhook_private_addresses": True,  # the receiver listens on loopback
        }
    )
    with TestClient(create_app(fast)) as client:
        yield client


def send(client: TestClient, app: App, user: str, *events: dict[str, Any]) -> None:
    batch = event_batch(app, list(events), user_id=user, anonymous_id=None)
    answer = client.post("/sdk/v1/events", json=batch, headers={"Origin": ORIGIN})
    assert answer.status_code == 200, answer.text


def deliveries(db: Database) -> list[WebhookDelivery]:
    with db.read() as session:
        return list(session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))))


def wait_until(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class TestDownThenUp:
    def test_every_delivery_arrives_once_with_a_valid_signature(
        self, quick: TestClient, db: Database
    ) -> None:
        port = free_port()
        with db.write() as session:
            app = make_app(session)
            guide = make_published_guide(session, app, "tour", steps=2)
            assert app.id is not None
            _, secret = create_endpoint(
                session=session,
                app_id=app.id,
                url=f"http://127.0.0.1:{port}/hooks",
                events=["guide_completed", "guide_dismissed"],
                server_key=TEST_SECRET,
                allow_private=True,
            )
            session.expunge_all()
        sent: list[dict[str, Any]] = []
        for user in ("ana", "bo", "cy", "di"):
            ending = event("guide_completed" if user != "di" else "guide_dismissed", guide)
            shown = event("guide_shown", guide)
            send(quick, app, user, shown, ending)
            sent.append(ending)
        send(quick, app, "ana", sent[0])  # a repeat is stored once, so sent once

        # The receiver is down: attempts fail and are scheduled again, with growing waits.
        wait_until(lambda: all(d.attempts >= 2 for d in deliveries(db)))
        down = deliveries(db)
        assert {d.status for d in down} == {"pending"}
        assert "refused" in down[0].last_error.lower()

        receiver = Receiver(port)
        try:
            wait_until(lambda: len(receiver.received) >= 4)
            time.sleep(1.0)  # long enough for any duplicate to show up
        finally:
            receiver.close()

        bodies = [json.loads(r["body"]) for r in receiver.received]
        assert sorted(b["id"] for b in bodies) == sorted(e["event_id"] for e in sent)
        assert sorted(b["type"] for b in bodies) == ["guide_completed"] * 3 + ["guide_dismissed"]
        assert {b["user"]["id"] for b in bodies} == {"ana", "bo", "cy", "di"}
        assert all(b["guide_id"] == guide.id for b in bodies)
        assert all(
            valid_signature(secret, r["headers"]["Signpost-Signature"], r["body"])
            for r in receiver.received
        )
        assert all(
            r["headers"]["Signpost-Event"] == json.loads(r["body"])["type"]
            for r in receiver.received
        )
        after = deliveries(db)
        assert {(d.status, d.last_status_code) for d in after} == {("delivered", 204)}
        assert min(d.attempts for d in after) >= 3


class TestPrivateAddresses:
    def test_by_default_nothing_is_sent_into_the_servers_network(
        self, settings: Settings, db: Database
    ) -> None:
        """An endpoint that reaches loopback (saved while allowed, or a name that now
        resolves inside) gets nothing once the setting is off; the log says why."""
        port = free_port()
        receiver = Receiver(port)
        strict = settings.model_copy(update={"webhook_retry_seconds": 0.2})
        try:
            with db.write() as session:
                app = make_app(session)
                guide = make_published_guide(session, app, "tour", steps=2)
                assert app.id is not None
                create_endpoint(
                    session=session,
                    app_id=app.id,
                    url=f"http://localhost:{port}/hooks",
                    events=["guide_completed"],
                    server_key=TEST_SECRET,
                    allow_private=True,
                )
                session.expunge_all()
            with TestClient(create_app(strict)) as client:
                send(client, app, "ana", event("guide_completed", guide))
                wait_until(lambda: all(d.attempts >= 1 for d in deliveries(db)))
        finally:
            receiver.close()

        assert receiver.received == []
        [delivery] = deliveries(db)
        assert delivery.last_error.startswith("not sent: localhost is this machine")


class TestSigningAndBackOff:
    def test_the_signature_is_hmac_sha256_over_timestamp_and_body(self) -> None:
        body = b'{"id":"1"}'
        mac = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()

        assert signature("whsec_x", 1_700_000_000, body) == f"t=1700000000,v1={mac}"

    def test_waits_double_with_jitter_and_are_capped(self) -> None:
        waits = [backoff(n, 30, 0.999).total_seconds() for n in range(1, 6)]

        assert [round(w) for w in waits] == [30, 60, 120, 240, 480]
        assert backoff(1, 30, 0.0) == timedelta(seconds=15)
        assert backoff(30, 30, 0.999) <= MAX_BACKOFF

    def test_events_nobody_subscribed_to_write_no_outbox_row(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            app = make_app(session)
            guide = make_published_guide(session, app, "tour", steps=2)
            assert app.id is not None
            create_endpoint(
                session=session,
                app_id=app.id,
                url="https://hooks.example.com/signpost",
                events=["guide_dismissed"],
                server_key=TEST_SECRET,
            )
            session.expunge_all()

        send(client, app, "ana", event("guide_shown", guide), event("guide_completed", guide))

        assert deliveries(db) == []
        with db.read() as session:
            assert session.exec(select(Guide)).first() is not None
