"""Time to the first step on screen, and the gzipped code it takes: the Signpost SDK beside
Driver.js and Shepherd.js, each driven through the same harness page in headless Chromium.

    .venv/bin/python -m bench.sdk_first_step [--runs 25]

The peers come from npm into bench/peers/node_modules (`npm ci` there; this script runs it
when the folder is missing) and are never shipped. Every run opens a new browser context
(cold cache), loads the library's harness page from a static server on loopback and polls
each animation frame until the step's card is in the page with a size; the figure is
`performance.now()` at that frame, i.e. milliseconds since navigation began. The three
libraries' runs are interleaved so that noise from the shared machine falls on all of them.

Signpost does more work on the way: its snippet is async, it asks its server for the
guides (`POST /sdk/v1/session`, a real `signpost serve` on loopback, SQLite), whose answer
carries the chunks of the tooltip path; the peers' step is written into the page's own
script."""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from playwright.sync_api import Browser, Response, sync_playwright

from bench.common import ROOT, fresh_database, running_server
from e2e.conftest import CHROMIUM_ARGS, chromium_path
from guides import create_app
from server.db import Database
from tests.factories import make_published_guide

PEERS = ROOT / "bench" / "peers"
DIST = ROOT / "sdk" / "dist"
TITLE, TEXT = "Create your first project", "Projects hold your reports and the work of your team."

# Each page marks `window.firstStep` at the first animation frame where `card()` is drawn.
POLL = """
<script>
  (function poll() {
    var card = window.card && window.card();
    var box = card && card.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) window.firstStep = performance.now();
    else requestAnimationFrame(poll);
  })();
</script>"""
BODY = '<h1>Projects</h1><p>The harness app.</p><button id="s0">Create project</button>'

PAGES = {
    "Signpost": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<script>window.card = function () {{
  var root = document.querySelector('[data-signpost-root]');
  return root && root.shadowRoot && root.shadowRoot.querySelector('[role=dialog]');
}};</script>
<script src="{{server}}/sdk/v1/signpost.js" data-app-key="{{key}}" async></script>
</head><body>{BODY}{POLL}</body></html>""",
    "Driver.js": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/node_modules/driver.js/dist/driver.css">
<script>window.card = function () {{ return document.querySelector('.driver-popover'); }};</script>
</head><body>{BODY}
<script type="module">
  import {{ driver }} from '/node_modules/driver.js/dist/driver.js.mjs';
  driver().highlight({{ element: '#s0', popover: {{ title: '{TITLE}', description: '{TEXT}' }} }});
</script>{POLL}</body></html>""",
    "Shepherd.js": f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/node_modules/shepherd.js/dist/css/shepherd.css">
<script>
  window.card = function () {{ return document.querySelector('.shepherd-element'); }};
</script>
</head><body>{BODY}
<script type="module">
  import Shepherd from '/node_modules/shepherd.js/dist/js/shepherd.mjs';
  const tour = new Shepherd.Tour({{ useModalOverlay: false }});
  tour.addStep({{ title: '{TITLE}', text: '{TEXT}', attachTo: {{ element: '#s0', on: 'bottom' }},
    buttons: [{{ text: 'Next', action: tour.next }}] }});
  tour.start();
</script>{POLL}</body></html>""",
}
PEER_FILES = {
    "Driver.js": ["driver.js/dist/driver.js.mjs", "driver.js/dist/driver.css"],
    "Shepherd.js": ["shepherd.js/dist/js/shepherd.mjs", "shepherd.js/dist/css/shepherd.css"],
}


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


@contextmanager
def harness(pages: dict[str, str]) -> Iterator[str]:
    """A static server on loopback: /<name>.html pages and bench/peers/node_modules."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.lstrip("/").removesuffix(".html")
            if name in pages:
                body = pages[name].encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(PEERS))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def seed_tooltip(url: str, origin: str) -> str:
    database = Database(url)
    try:
        with database.write() as session:
            app = create_app(session=session, name="Harness", allowed_origins=[origin])
            make_published_guide(
                session,
                app,
                "first-project",
                steps=[{"title": TITLE, "body": TEXT, "target": {"selector": "#s0"}}],
                kind="tooltip",
            )
            return app.public_key
    finally:
        database.dispose()


def one_run(browser: Browser, url: str) -> tuple[float, list[str]]:
    """Milliseconds to the first step, and the script and style URLs the page fetched."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        fetched: list[str] = []
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(str(e)))
        sessions: list[Response] = []
        scripts: list[Response] = []
        page.on(
            "response",
            lambda r: (
                scripts.append(r)
                if r.request.resource_type in ("script", "stylesheet")
                else sessions.append(r)
                if r.url.endswith("/sdk/v1/session")
                else None
            ),
        )
        page.goto(url)
        try:
            page.wait_for_function("window.firstStep !== undefined", timeout=15000)
        except Exception as error:
            raise RuntimeError(f"no step on screen at {url}: {messages}") from error
        first_step = float(page.evaluate("window.firstStep"))
        # Only what was asked for before the step was on screen (Signpost loads its event
        # delivery after it), and the chunks a session answer carried, as `<name>.js`.
        shown_at = float(page.evaluate("performance.timeOrigin")) + first_step
        fetched += [r.url for r in scripts if r.request.timing["startTime"] < shown_at]
        for answer in sessions:
            fetched += [f"/{name}.js" for name in answer.json().get("chunks", {})]
        return first_step, fetched
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="runs per library (default 25)")
    args = parser.parse_args()
    if not (PEERS / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEERS, check=True)

    times: dict[str, list[float]] = {name: [] for name in PAGES}
    code: dict[str, int] = {}
    pages: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        harness(pages) as base,
        fresh_database("sqlite", Path(folder), "") as url,
    ):
        key = seed_tooltip(url, base)
        with running_server(url, Path(folder)) as server, sync_playwright() as playwright:
            pages.update(
                {
                    name: p.replace("{server}", server).replace("{key}", key)
                    for name, p in PAGES.items()
                }
            )
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
            )
            for name in PAGES:  # one warm-up each: the server's caches, the OS's files
                one_run(browser, f"{base}/{name}.html")
            for _ in range(args.runs):
                for name in PAGES:
                    elapsed, fetched = one_run(browser, f"{base}/{name}.html")
                    times[name].append(elapsed)
                    if name == "Signpost":
                        files = {u.rsplit("/", 1)[-1].split("?")[0] for u in fetched}
                        code[name] = sum(gzipped((DIST / f).read_bytes()) for f in files)
            browser.close()
    for name, files in PEER_FILES.items():
        code[name] = sum(gzipped((PEERS / "node_modules" / f).read_bytes()) for f in files)

    baseline = statistics.median(times["Driver.js"])
    print(f"time to the first step on screen, {args.runs} cold runs each (headless Chromium)\n")
    print(f"{'library':<14}{'gzip -9':>10}{'median':>10}{'p90':>10}{'ratio to Driver.js':>22}")
    for name, values in times.items():
        values.sort()
        p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
        median = statistics.median(values)
        print(
            f"{name:<14}{code[name] / 1024:>8.1f}KB{median:>8.1f}ms{p90:>8.1f}ms"
            f"{median / baseline:>22.2f}"
        )


if __name__ == "__main__":
    main()
