"""Several server processes on one database: a guide published through any process (here the
CLI, a third process) is what every server delivers on its very next session request, and a
rollback reaches them the same way. Each process caches guides by the app's publish stamp,
which every session request reads (docs/deploy.md)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.cli import worker_environment
from server.settings import Settings
from tests.conftest import TEST_SECRET

GUIDE = """\
slug: hello
name: Hello
kind: tooltip
status: {status}
pages:
  include:
  - match: prefix
    value: /
steps:
- title: {title}
  body: Hi
  target:
    selector: "#hello"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SIGNPOST_DATABASE_URL": database_url,
        "SIGNPOST_DATA_DIR": str(data_dir),
        "SIGNPOST_SECRET_KEY": TEST_SECRET,
        "SIGNPOST_LOG_LEVEL": "warning",
    }


def signpost(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def post_session(url: str, app_key: str) -> dict[str, Any]:
    body = {"app_key": app_key, "anonymous_id": "a-1", "url": "https://app.test/"}
    request = urllib.request.Request(
        f"{url}/sdk/v1/session",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def titles(answer: dict[str, Any]) -> list[str]:
    return [guide["steps"][0]["title"] for guide in answer["guides"]]


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return cli_env(database_url, tmp_path / "data")


@pytest.fixture
def servers(env: dict[str, str], tmp_path: Path) -> Iterator[list[str]]:
    """Two `signpost serve` processes on the same database, each on its own port."""
    processes: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    for number in (1, 2):
        port = free_port()
        log = tmp_path / f"server-{number}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=out,
            )
        processes.append((process, f"http://127.0.0.1:{port}", log))
    try:
        for process, url, log in processes:
            _wait_until_up(process, url, log)
        yield [url for _, url, _ in processes]
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    # Generous: two workers importing and migrating on a loaded 2-core machine can take long.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"a server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    pytest.fail(f"a server did not answer within 120 s:\n{log.read_text()}")


def test_a_publish_reaches_every_process_on_its_next_request(
    servers: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    key = signpost(env, "apps", "create", "Acme").split()[-1]
    assert [titles(post_session(url, key)) for url in servers] == [[], []]
    # Both processes have now cached the app's (empty) guide set.

    guide = tmp_path / "hello.yaml"
    guide.write_text(GUIDE.format(status="published", title="Version one"))
    signpost(env, "guides", "import", str(guide), "--app", "Acme")
    assert [titles(post_session(url, key)) for url in servers] == [
        ["Version one"],
        ["Version one"],
    ]

    guide.write_text(GUIDE.format(status="published", title="Version two"))
    signpost(env, "guides", "import", str(guide), "--app", "Acme")
    assert [titles(post_session(url, key)) for url in servers] == [
        ["Version two"],
        ["Version two"],
    ]

    guide.write_text(GUIDE.format(status="draft", title="Version two"))
    signpost(env, "guides", "import", str(guide), "--app", "Acme")
    assert [titles(post_session(url, key)) for url in servers] == [[], []]


def test_worker_settings_equal_the_parents(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.workers, settings.demo, settings.database_pool_size = 3, True, 7
    for name, value in worker_environment(settings).items():
        monkeypatch.setenv(name, value)

    in_worker = Settings()

    assert in_worker.model_dump(exclude={"migrate_on_start"}) == settings.model_dump(
        exclude={"migrate_on_start"}
    )
    assert in_worker.secret_key == settings.secret_key
    assert in_worker.migrate_on_start is False  # the parent migrated once for all of them


def test_serve_with_two_workers_starts_two_processes_that_answer(
    env: dict[str, str], tmp_path: Path
) -> None:
    key = signpost(env, "apps", "create", "Acme").split()[-1]
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, url, log)
        workers = _children(process.pid)
        deadline = time.monotonic() + 20
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = _children(process.pid)
        assert len(workers) == 2, log.read_text()
        answers = [post_session(url, key) for _ in range(10)]
        assert [answer["guides"] for answer in answers] == [[]] * 10
    finally:
        process.terminate()
        process.wait(timeout=15)


def _children(pid: int) -> list[int]:
    """Worker processes of `pid` (uvicorn's supervisor) that run the server's code."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    # uvicorn spawns workers through multiprocessing (its resource tracker is a child too).
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
