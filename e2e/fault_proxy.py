"""An HTTP proxy on loopback between Chromium and the real Signpost server that injects
faults into `POST /sdk/v1/events` (everything else passes through untouched): an answer
of any status with any headers (as a reverse proxy or load balancer in front of the
server would give), a connection reset with no answer, or a request forwarded to the
server whose answer never comes back. It records every events request it sees: when, the
event ids in its body, the body's size and what the browser got."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PASS = "pass"
RESET = "reset"  # the connection is closed with a TCP reset, no answer: a network error
SWALLOW = "swallow"  # forwarded to the server, its answer never reaches the browser
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Seen:
    at: float
    event_ids: list[str]
    size: int
    answer: int | str  # the status the browser got, or RESET / SWALLOW


# A rule gets the request's body and how many events requests came before it and returns
# PASS, RESET, SWALLOW or (status, headers).
Rule = Callable[[bytes, int], str | tuple[int, dict[str, str]]]


@dataclass
class FaultProxy:
    upstream: str
    rule: Rule = field(default=lambda body, index: PASS)
    seen: list[Seen] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy._forward(self, b"")

            def do_OPTIONS(self) -> None:
                proxy._forward(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if urlsplit(self.path).path == "/sdk/v1/events":
                    proxy._events(self, body)
                else:
                    proxy._forward(self, body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # resets are the point
        self._lock = threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def requests(self) -> list[Seen]:
        with self._lock:
            return list(self.seen)

    def _events(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        try:
            ids = [str(event.get("event_id")) for event in json.loads(body).get("events", [])]
        except (ValueError, AttributeError):
            ids = []
        with self._lock:
            index = len(self.seen)
            seen = Seen(time.monotonic(), ids, len(body), PASS)
            self.seen.append(seen)
        action = self.rule(body, index)
        if action == RESET:
            seen.answer = RESET
            _reset(handler)
        elif action == SWALLOW:
            seen.answer = SWALLOW
            self._upstream(handler, body)  # the server stores the batch...
            self.released.wait(120)  # ...and the browser waits for an answer that never comes
            _reset(handler)
        elif action == PASS:
            seen.answer = self._forward(handler, body)
        else:
            status, headers = action  # type: ignore[misc]
            seen.answer = status
            answer = json.dumps({"error": "injected", "code": "injected", "status": status})
            origin = handler.headers.get("Origin")
            cors = {"Access-Control-Allow-Origin": origin} if origin else {}
            cors["Access-Control-Expose-Headers"] = "Retry-After"
            _answer(handler, status, {**cors, **headers}, answer.encode())

    def _upstream(
        self, handler: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        host, port = self.upstream.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> int | str:
        try:
            status, headers, payload = self._upstream(handler, body)
        except OSError:
            _reset(handler)  # the server is down: so is everything behind this proxy
            return RESET
        kept = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}
        _answer(handler, status, kept, payload)
        return status


def _answer(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with SO_LINGER 0: the browser sees a reset, not an answer."""
    handler.close_connection = True
    sock = handler.connection
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
