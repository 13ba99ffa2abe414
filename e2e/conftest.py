"""End-to-end fixtures: the real `signpost demo` server in a subprocess on a free loopback
port, a second loopback server for host pages on another origin, and real Chromium."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from guides import App
from sdk import DIST_PATH
from server.db import Database
from tests.databases import POSTGRES_URL, create_postgres_database, drop_postgres_database
from tests.factories import make_app

PAGES = Path(__file__).parent / "pages"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")


@pytest.fixture(scope="session")
def server_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if POSTGRES_URL:
        url = create_postgres_database(POSTGRES_URL)
        yield url
        drop_postgres_database(POSTGRES_URL, url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'signpost.db'}"


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, server_database_url: str
) -> Iterator[RunningServer]:
    """`signpost demo`, exactly as the README runs it, on its own data folder and port."""
    data_dir = tmp_path_factory.mktemp("server-data")
    port = free_port()
    log = data_dir / "server.log"
    env = {
        **os.environ,
        "SIGNPOST_DATA_DIR": str(data_dir),
        "SIGNPOST_DATABASE_URL": server_database_url,
        "SIGNPOST_PORT": str(port),
        "SIGNPOST_HOST": "127.0.0.1",
        "SIGNPOST_LOG_LEVEL": "warning",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "demo"], env=env, stdout=out, stderr=out
        )
    running = RunningServer(f"http://127.0.0.1:{port}", server_database_url, process, log)
    _wait_until_up(running)
    yield running
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _wait_until_up(running: RunningServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running.check_alive()
        try:
            with urllib.request.urlopen(f"{running.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer within {timeout} s:\n{running.output()}")


@pytest.fixture
def db(server: RunningServer) -> Iterator[Database]:
    """The server's own database, to seed guides and read what the SDK sent."""
    database = Database(server.database_url)
    yield database
    database.dispose()
    server.check_alive()


STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class _HostPageHandler(SimpleHTTPRequestHandler):
    """Serves e2e/pages/*.html with {{SERVER}}, {{APP_KEY}} (from ?key=) and {{NONCE}} filled
    in, and e2e/static/* (the host app's own script and CSS). Pages named `strict*` carry a
    nonce-only Content-Security-Policy with no 'unsafe-inline' or 'unsafe-eval'; pages named
    `selfcsp*` one that allows script files from the page and the server only, no nonce."""

    server_url = ""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        name = parts.path.strip("/").split("/")[0] or "index"
        if parts.path == "/vendor/signpost.mjs":  # the ES-module build, as an app bundles it
            self._send((DIST_PATH / "signpost.mjs").read_bytes(), STATIC_TYPES[".js"], {})
            return
        asset = STATIC / name
        if "." in name and asset.is_file() and asset.suffix in STATIC_TYPES:
            self._send(asset.read_bytes(), STATIC_TYPES[asset.suffix], {})
            return
        page = PAGES / f"{name}.html"
        if not page.is_file():
            self.send_error(404)
            return
        key = parse_qs(parts.query).get("key", [""])[0]
        nonce = secrets.token_urlsafe(16)
        html = (
            page.read_text()
            .replace("{{SERVER}}", self.server_url)
            .replace("{{APP_KEY}}", key)
            .replace("{{NONCE}}", nonce)
        )
        headers = {}
        if name.startswith("strict"):
            headers["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; "
                f"style-src 'self'; connect-src 'self' {self.server_url}; "
                "object-src 'none'; base-uri 'none'"
            )
        if name.startswith("selfcsp"):
            headers["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'self' {self.server_url}; style-src 'self'; "
                f"connect-src 'self' {self.server_url}; object-src 'none'; base-uri 'none'"
            )
        self._send(html.encode(), "text/html; charset=utf-8", headers)

    def _send(self, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for header, value in headers.items():
            self.send_header(header, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def host_pages(server: RunningServer) -> Iterator[str]:
    """Base URL of a customer's app on another origin than the Signpost server."""
    handler = type("Handler", (_HostPageHandler,), {"server_url": server.url})
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def chromium_path() -> str | None:
    """Debian's Chromium (Playwright cannot download its own here), else Playwright's."""
    for candidate in (os.environ.get("SIGNPOST_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A fresh page that fails the test on any uncaught error or CSP violation in it."""
    new_page = context.new_page()
    problems: list[str] = []
    new_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    new_page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield new_page
    assert problems == []


@pytest.fixture
def host_app(db: Database, host_pages: str) -> Iterator[App]:
    """A new app whose allowed origin is the host pages' server."""
    with db.write() as session:
        app = make_app(session, name=f"Host {uuid.uuid4().hex[:8]}", origins=[host_pages])
    yield app


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fault tests' counts (sent, acknowledged, stored, lost, duplicated), for CI logs."""
    from tests.faults import print_reports

    print_reports(terminalreporter)
