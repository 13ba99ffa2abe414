"""What the benchmarks share: time-ordered event ids, a fresh migrated database with an app
and guides, and the real server in a subprocess on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.db import Database
from server.migrations import upgrade_to_head
from tests.databases import create_postgres_database, drop_postgres_database
from tests.factories import make_app, make_published_guide

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def fresh_database(kind: str, folder: Path, postgres_url: str) -> Iterator[str]:
    """A migrated, empty database: a SQLite file in `folder`, or a PostgreSQL database of
    our own on the server of `postgres_url`, dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
        upgrade_to_head(url)
        yield url
        return
    url = create_postgres_database(postgres_url)
    try:
        upgrade_to_head(url)
        yield url
    finally:
        drop_postgres_database(postgres_url, url)


def seed(url: str, guides: int = 4, steps: int = 4) -> tuple[str, list[int]]:
    """An app allowing any origin, with published guides; returns its key and guide ids."""
    database = Database(url)
    try:
        with database.write() as session:
            app = make_app(session, "Bench")
            ids = [
                make_published_guide(session, app, f"guide-{i}", steps=steps).id
                for i in range(guides)
            ]
            return app.public_key, [i for i in ids if i is not None]
    finally:
        database.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(url: str, data_dir: Path, **settings: str) -> Iterator[str]:
    """`signpost serve` (uvicorn, one process) on a free loopback port; yields its URL."""
    with server_process(url, data_dir, **settings) as (base, _process):
        yield base


@contextmanager
def server_process(
    url: str, data_dir: Path, **settings: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `running_server`, yielding the server's process too."""
    port = free_port()
    env = {
        **os.environ,
        "SIGNPOST_DATABASE_URL": url,
        "SIGNPOST_DATA_DIR": str(data_dir),
        "SIGNPOST_PORT": str(port),
        "SIGNPOST_LOG_LEVEL": "warning",
        # Benchmarks drive the server from one address: the per-client limit would answer 429.
        "SIGNPOST_CLIENT_RATE_PER_SECOND": "0",
        "SIGNPOST_SESSION_RATE_PER_SECOND": "0",  # and the per-key session limit too
        **{f"SIGNPOST_{k.upper()}": v for k, v in settings.items()},
    }
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text()) from None
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
