"""Limits and transport security of the SDK endpoints (reliability.md B4, B5; issue items 2
and 3): a per-client rate limit, slow clients cut off, HSTS over HTTPS."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.factories import ORIGIN, make_app, session_body
from tests.faults import ServerProcess


def limited(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


class TestPerClientRateLimit:
    def test_one_address_beyond_its_burst_gets_429_with_retry_after(
        self, settings: Settings, db: Database
    ) -> None:
        with db.write() as session:
            app = make_app(session)
        body = json.dumps(session_body(app))
        tight = limited(settings, client_rate_per_second=1, client_burst=3)
        with TestClient(create_app(tight), client=("198.51.100.7", 4000)) as client:
            statuses = [
                client.post("/sdk/v1/session", content=body, headers={"Origin": ORIGIN})
                for _ in range(4)
            ]
        with TestClient(create_app(tight), client=("198.51.100.8", 4000)) as other:
            neighbour = other.post("/sdk/v1/session", content=body, headers={"Origin": ORIGIN})

        assert [r.status_code for r in statuses] == [200, 200, 200, 429]
        assert statuses[3].json() == {
            "error": "too many requests from this address; retry after the number of "
            "seconds in Retry-After",
            "code": "rate_limited",
            "status": 429,
        }
        assert statuses[3].headers["retry-after"] == "1"
        assert neighbour.status_code == 200

    def test_the_events_endpoint_is_limited_per_address_too(
        self, settings: Settings, db: Database
    ) -> None:
        with db.write() as session:
            app = make_app(session)
        body = json.dumps({"app_key": app.public_key, "anonymous_id": "a", "events": []})
        tight = limited(settings, client_rate_per_second=1, client_burst=2)
        with TestClient(create_app(tight)) as client:
            codes = [client.post("/sdk/v1/events", content=body).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


class TestPerKeySessionLimit:
    def test_one_app_key_beyond_its_burst_gets_429_while_other_apps_get_their_guides(
        self, settings: Settings, db: Database
    ) -> None:
        """The per-address limit off, so only the per-key limit can refuse; a slow refill
        (one per 100 s) so a loaded machine's pauses refill nothing."""
        with db.write() as session:
            noisy, quiet = make_app(session, "Noisy"), make_app(session, "Quiet")
        tight = limited(
            settings, session_rate_per_second=0.01, session_burst=3, client_rate_per_second=0
        )
        answers = []
        with TestClient(create_app(tight)) as client:
            for app in [noisy] * 5 + [quiet] * 3:
                body = json.dumps(session_body(app))
                answers.append(
                    client.post("/sdk/v1/session", content=body, headers={"Origin": ORIGIN})
                )

        assert [r.status_code for r in answers] == [200, 200, 200, 429, 429, 200, 200, 200]
        assert answers[3].json() == {
            "error": "too many session requests for this app key; retry after the number of "
            "seconds in Retry-After",
            "code": "rate_limited",
            "status": 429,
        }
        assert answers[3].headers["retry-after"] == "100"
        assert "guides" in answers[5].json()


class TestSlowClients:
    def test_a_body_that_trickles_in_is_cut_off_with_408(
        self, db: Database, database_url: str, tmp_path: Path
    ) -> None:
        """Against the real server: headers promise a body, a few bytes come, then nothing."""
        with db.write() as session:
            app = make_app(session)
        body = json.dumps(session_body(app)).encode()
        server = ServerProcess(database_url, tmp_path, {"body_timeout_seconds": "0.5"})
        server.start()
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                head = (
                    "POST /sdk/v1/session HTTP/1.1\r\nHost: x\r\n"
                    f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
                )
                sock.sendall(head.encode() + body[:10])
                started = time.monotonic()
                answer = sock.recv(4096).decode()
                waited = time.monotonic() - started
                while "}" not in answer:  # the body may come in its own packet
                    answer += sock.recv(4096).decode()
        finally:
            server.stop()
        assert answer.startswith("HTTP/1.1 408"), answer
        assert '"code":"request_timeout"' in answer.replace(" ", "")
        assert waited < 5


class TestStrictTransportSecurity:
    @pytest.mark.parametrize("path", ["/admin/login", "/sdk/v1/openapi.json", "/healthz"])
    def test_hsts_is_sent_over_https_only(self, settings: Settings, path: str) -> None:
        app = create_app(settings)
        with TestClient(app, base_url="https://signpost.example") as secure:
            assert secure.get(path).headers["strict-transport-security"] == "max-age=31536000"
        with TestClient(app) as plain:
            assert "strict-transport-security" not in plain.get(path).headers
