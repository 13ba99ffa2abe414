"""Shared by the fault tests: the real server in a subprocess (so it can be SIGKILLed),
an SDK-like client that posts event batches and remembers what was acknowledged, and the
report every fault test prints at the end of the run (sent, acknowledged, stored, lost,
duplicated)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORTS: list[dict[str, Any]] = []  # printed by tests/conftest.py's terminal summary


def print_reports(terminalreporter: Any) -> None:
    if REPORTS:
        terminalreporter.section("fault tests")
        for report in REPORTS:
            terminalreporter.write_line(" ".join(f"{k}={v}" for k, v in report.items()))
        REPORTS.clear()  # one conftest prints them when a run covers tests/ and e2e/


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """`signpost serve` on a free loopback port; start, kill -9, start again."""

    database_url: str
    data_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        env = {
            **os.environ,
            "SIGNPOST_DATABASE_URL": self.database_url,
            "SIGNPOST_DATA_DIR": str(self.data_dir),
            "SIGNPOST_PORT": str(self.port),
            "SIGNPOST_LOG_LEVEL": "warning",
            "SIGNPOST_SECRET_KEY": "fault-test-secret-key-0123456789abcdef",
            **{f"SIGNPOST_{k.upper()}": v for k, v in self.settings.items()},
        }
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.output()) from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush, as a crash or an OOM kill."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def output(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def batch(app_key: str, user: int, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"app_key": app_key, "anonymous_id": f"fault-user-{user}", "events": events}


def new_event(guide_id: int, step: int) -> dict[str, Any]:
    """A step_shown event with a time-ordered id, as the SDK makes them."""
    ms = time.time_ns() // 1_000_000
    value = (ms << 80) | (0x7 << 76) | (0b10 << 62) | uuid.uuid4().int & ((1 << 62) - 1)
    return {
        "event_id": str(uuid.UUID(int=value)),
        "type": "step_shown",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "guide_id": guide_id,
        "guide_version": 1,
        "step_index": step,
    }


def post_batch(base_url: str, body: dict[str, Any], timeout: float = 10) -> int:
    """POST one batch as the SDK does; returns the status (raises on a network error)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(
            "POST",
            "/sdk/v1/events",
            body=json.dumps(body),
            headers={"Content-Type": "text/plain;charset=UTF-8"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
