"""The SDK delivers every event (reliability.md part A), in real Chromium against the real
server on loopback. Faults come from the network, never from a fake server: the server is
not running yet (A1), or a loopback proxy in front of it (e2e/fault_proxy.py) answers
`POST /sdk/v1/events` the way a load balancer or a failing server would: a status with
headers, a reset connection, or no answer at all while the server did store the batch.
Every test checks the database: each event stored exactly once. The counts go to the run's
"fault tests" report."""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page
from sqlmodel import select

from analytics.models import Event
from e2e.conftest import STATIC_TYPES, RunningServer, _HostPageHandler, free_port
from e2e.fault_proxy import PASS, RESET, SWALLOW, FaultProxy, Rule
from server.db import Database
from tests.factories import make_app
from tests.faults import REPORTS, ServerProcess

SDK_DIST = Path(__file__).resolve().parent.parent / "sdk" / "dist"
A1_PAGE_LOADS = int(os.environ.get("SIGNPOST_A1_PAGE_LOADS", "200"))
A1_OUTAGE_SECONDS = float(os.environ.get("SIGNPOST_A1_OUTAGE_SECONDS", "30"))
EVENTS_PER_PAGE = 5
ERRORS_SCRIPT = """
window.__signpostErrors = [];
document.addEventListener('signpost:error', (e) => window.__signpostErrors.push(e.detail.message));
"""


class _SelfHostingHandler(_HostPageHandler):
    """Host pages that also serve a copy of the built SDK at /sdk/v1/*.js, as a customer
    who self-hosts the script (or a CDN that still has it) would."""

    def do_GET(self) -> None:
        name = self.path.split("?")[0]
        if name.startswith("/sdk/v1/") and name.endswith(".js"):
            built = SDK_DIST / name.removeprefix("/sdk/v1/")
            if built.is_file() and built.parent == SDK_DIST:
                self._send(built.read_bytes(), STATIC_TYPES[".js"], {})
                return
        super().do_GET()


def serve_pages(server_url: str, handler: type[_HostPageHandler]) -> ThreadingHTTPServer:
    bound = type("Handler", (handler,), {"server_url": server_url})
    pages = ThreadingHTTPServer(("127.0.0.1", free_port()), bound)
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    return pages


def page_url(pages: ThreadingHTTPServer, name: str, key: str) -> str:
    return f"http://127.0.0.1:{pages.server_address[1]}/{name}?key={key}"


def new_app(db: Database, origin: str) -> tuple[int, str]:
    with db.write() as session:
        app = make_app(session, name=f"Delivery {uuid.uuid4().hex[:8]}", origins=[origin])
        assert app.id is not None
        return app.id, app.public_key


def stored(db: Database, app_id: int) -> tuple[int, int, set[str]]:
    """Rows, distinct event ids and the tracked names of one app's events."""
    with db.read() as session:
        rows = session.exec(
            select(Event.event_id, Event.properties).where(Event.app_id == app_id)
        ).all()
    return len(rows), len({row[0] for row in rows}), {str(row[1].get("name")) for row in rows}


def wait_for(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def queued_in_browser(page: Page) -> int:
    return int(
        page.evaluate(
            """() => Object.keys(localStorage).filter(k => k.startsWith('signpost:queue'))
                .map(k => JSON.parse(localStorage.getItem(k)))
                .reduce((n, saved) => n + ((saved && saved.items) || []).length, 0)"""
        )
    )


def track(page: Page, names: list[str]) -> None:
    page.evaluate("(names) => names.forEach((name) => Signpost.track(name))", names)


# --- A1: the server is not running for the first 30 s; 200 page loads -------------------------


@pytest.mark.timeout(int(A1_OUTAGE_SECONDS) + 300)
def test_a1_server_down_while_200_pages_emit_events_and_navigate_away_loses_none(
    server: RunningServer, db: Database, context: BrowserContext, tmp_path: Path
) -> None:
    process = ServerProcess(server.database_url, tmp_path, {"ingest_rate_per_second": "0"})
    pages = serve_pages(process.url, _SelfHostingHandler)
    origin = f"http://127.0.0.1:{pages.server_address[1]}"
    app_id, key = new_app(db, origin)
    up = threading.Event()
    failed: list[BaseException] = []

    def start_late() -> None:
        time.sleep(A1_OUTAGE_SECONDS)
        try:
            process.start()
        except BaseException as error:  # reported by the test
            failed.append(error)
        up.set()

    page = context.new_page()
    loads_while_down = 0
    started = time.monotonic()
    threading.Thread(target=start_late, daemon=True).start()
    try:
        for number in range(A1_PAGE_LOADS):
            # Spread over one and a half outages: two thirds of the loads meet a server that
            # is down, the rest one that came back while earlier pages' events wait.
            pause = started + number * 1.5 * A1_OUTAGE_SECONDS / A1_PAGE_LOADS - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            page.goto(page_url(pages, "delivery-self-hosted", key))
            loads_while_down += not up.is_set()
            track(page, [f"a1-{number}-{i}" for i in range(EVENTS_PER_PAGE)])
        loop_seconds = time.monotonic() - started
        assert up.wait(A1_OUTAGE_SECONDS + 60) and not failed, failed
        # The user comes back once more after the outage: that page delivers what is left.
        page.goto(page_url(pages, "delivery-self-hosted", key))
        sent = A1_PAGE_LOADS * EVENTS_PER_PAGE
        wait_for(lambda: stored(db, app_id)[0] >= sent and queued_in_browser(page) == 0, 90)
        time.sleep(1)  # anything still on its way (a duplicate) has time to land
        rows, distinct, names = stored(db, app_id)
        left = queued_in_browser(page)
    finally:
        process.stop()  # first: nothing below may leave the server running
        page.close()
        pages.shutdown()
        pages.server_close()
    expected = {f"a1-{n}-{i}" for n in range(A1_PAGE_LOADS) for i in range(EVENTS_PER_PAGE)}
    REPORTS.append(
        {
            "test": "a1_server_down_page_loads",
            "page_loads": A1_PAGE_LOADS,
            "loads_while_down": loads_while_down,
            "outage_seconds": A1_OUTAGE_SECONDS,
            "loop_seconds": round(loop_seconds, 1),
            "sent": sent,
            "stored": rows,
            "lost": len(expected - names),
            "duplicated": rows - distinct,
            "left_in_browser": left,
        }
    )
    assert 0 < loads_while_down < A1_PAGE_LOADS
    assert names == expected
    assert rows == distinct == sent
    assert left == 0


@pytest.mark.timeout(180)
def test_a_page_that_started_while_the_server_was_down_delivers_once_it_is_back_no_reload(
    server: RunningServer, db: Database, context: BrowserContext, tmp_path: Path
) -> None:
    """A single-page app open for hours: its core came from the host, but the server (and so
    the event-delivery chunk) was down when it started. Once the server is back, the page
    loads the chunk and delivers what it held, with no reload."""
    process = ServerProcess(server.database_url, tmp_path, {"ingest_rate_per_second": "0"})
    pages = serve_pages(process.url, _SelfHostingHandler)
    app_id, key = new_app(db, f"http://127.0.0.1:{pages.server_address[1]}")
    page = context.new_page()
    try:
        page.goto(page_url(pages, "delivery-self-hosted", key))
        track(page, [f"late-{i}" for i in range(EVENTS_PER_PAGE)])
        time.sleep(5)  # past the 3 s after which delivery starts without a guide: it failed
        held = queued_in_browser(page)
        process.start()
        delivered = wait_for(lambda: stored(db, app_id)[0] >= EVENTS_PER_PAGE, 60)
        time.sleep(1)  # a duplicate would have time to land
        rows, distinct, names = stored(db, app_id)
    finally:
        process.stop()
        page.close()
        pages.shutdown()
        pages.server_close()
    assert held == EVENTS_PER_PAGE
    assert delivered, "the page never delivered after the server came back"
    assert names == {f"late-{i}" for i in range(EVENTS_PER_PAGE)}
    assert rows == distinct == EVENTS_PER_PAGE


# --- A2 to A9 through the fault proxy ----------------------------------------------------------


@pytest.fixture(scope="module")
def faulty(
    server: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FaultProxy, ThreadingHTTPServer]]:
    """The real server of its own behind a fault proxy, and host pages pointing at the
    proxy. The per-address limit is off: every tab here is one address."""
    process = ServerProcess(
        server.database_url,
        tmp_path_factory.mktemp("faulty"),
        {"ingest_rate_per_second": "0", "client_rate_per_second": "0"},
    )
    process.start()
    proxy = FaultProxy(process.url)
    pages = serve_pages(proxy.url, _HostPageHandler)
    try:
        yield proxy, pages
    finally:
        process.stop()  # first: nothing below may leave the server running
        pages.shutdown()
        pages.server_close()
        proxy.close()


@pytest.fixture
def proxy(
    faulty: tuple[FaultProxy, ThreadingHTTPServer], db: Database
) -> Iterator[tuple[FaultProxy, str, int]]:
    """The proxy with a clean record, and a new app's page URL and id."""
    fault_proxy, pages = faulty
    app_id, key = new_app(db, f"http://127.0.0.1:{pages.server_address[1]}")
    fault_proxy.rule = lambda body, index: PASS
    fault_proxy.seen.clear()
    yield fault_proxy, page_url(pages, "delivery", key), app_id
    fault_proxy.rule = lambda body, index: PASS


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.add_init_script(ERRORS_SCRIPT)
    with page.expect_response("**/sdk/v1/session"):
        page.goto(url)
    page.wait_for_function("() => window.Signpost && typeof window.Signpost.track === 'function'")
    return page


def first_n(count: int, fault: str | tuple[int, dict[str, str]]) -> Rule:
    """The first `count` events requests get `fault`, the rest pass."""
    return lambda body, index: fault if index < count else PASS


def test_a2_a_request_never_answered_then_a_reload_sends_the_same_ids_stored_once(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(1, SWALLOW)
    page = open_page(context, url)
    names = [f"a2-{i}" for i in range(5)]
    track(page, names)
    assert wait_for(lambda: stored(db, app_id)[0] == 5), "the server stored the batch"
    time.sleep(0.5)  # the page still waits for its answer
    waiting = queued_in_browser(page)

    page.reload()
    assert wait_for(lambda: queued_in_browser(page) == 0)
    time.sleep(0.5)
    rows, distinct, stored_names = stored(db, app_id)
    seen = fault_proxy.requests()
    page.close()

    REPORTS.append(
        {
            "test": "a2_no_answer_then_reload",
            "sent": 5,
            "requests": [s.answer for s in seen],
            "stored": rows,
            "duplicated": rows - distinct,
        }
    )
    assert waiting == 5, "with no answer, nothing leaves the queue"
    assert [s.answer for s in seen][:2] == [SWALLOW, 200]
    assert set(seen[1].event_ids) == set(seen[0].event_ids), "the same ids, sent again"
    assert rows == distinct == 5 and stored_names == set(names)


def test_a2_a_request_never_answered_is_given_up_and_sent_again_with_no_reload(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    """A long-lived page whose request hangs: after `answer_timeout_ms` (1.5 s on this page,
    30 s by default) it gives the request up and sends the same ids again."""
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(1, SWALLOW)
    page = open_page(context, url.replace("/delivery?", "/delivery-timeout?"))
    names = [f"hang-{i}" for i in range(5)]
    track(page, names)
    assert wait_for(lambda: queued_in_browser(page) == 0, 30), "delivered with no reload"
    time.sleep(0.5)
    rows, distinct, stored_names = stored(db, app_id)
    seen = fault_proxy.requests()
    page.close()
    assert [s.answer for s in seen][:2] == [SWALLOW, 200]
    assert set(seen[1].event_ids) == set(seen[0].event_ids), "the same ids, sent again"
    assert rows == distinct == 5 and stored_names == set(names)


def test_a3_503_three_times_then_200_is_four_requests_with_growing_waits_then_nothing(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(3, (503, {}))
    page = open_page(context, url)
    track(page, [f"a3-{i}" for i in range(3)])
    assert wait_for(lambda: stored(db, app_id)[0] == 3)
    time.sleep(2.5)  # longer than any back-off here: a fifth request would have come
    seen = fault_proxy.requests()
    page.close()

    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(seen)]
    REPORTS.append({"test": "a3_retries", "answers": [s.answer for s in seen], "gaps_s": gaps})
    assert [s.answer for s in seen] == [503, 503, 503, 200]
    assert all(s.event_ids == seen[0].event_ids for s in seen)
    # Equal jitter on a 200 ms base: the n-th wait is at least half of 200 ms * 2^n.
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2 and gaps[2] >= 0.4


@pytest.mark.parametrize(
    "fault",
    [(408, {}), (429, {}), (500, {}), (502, {}), (503, {}), (504, {}), RESET],
    ids=["408", "429", "500", "502", "503", "504", "network-error"],
)
def test_a4_retryable_answers_are_retried_and_stored_once(
    context: BrowserContext,
    db: Database,
    proxy: tuple[FaultProxy, str, int],
    fault: str | tuple[int, dict[str, str]],
) -> None:
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(2, fault)
    page = open_page(context, url)
    track(page, [f"a4-{i}" for i in range(4)])
    assert wait_for(lambda: stored(db, app_id)[0] == 4 and queued_in_browser(page) == 0)
    seen = fault_proxy.requests()
    errors = page.evaluate("window.__signpostErrors")
    page.close()

    rows, distinct, _ = stored(db, app_id)
    assert [s.answer for s in seen[:3]] == [fault[0] if fault != RESET else RESET] * 2 + [200]
    assert seen[0].event_ids == seen[1].event_ids == seen[2].event_ids
    assert rows == distinct == 4
    assert not [e for e in errors if "dropped" in e]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a4_refused_answers_drop_the_batch_and_count_it(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int], status: int
) -> None:
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(1, (status, {}))
    page = open_page(context, url)
    track(page, [f"a4-refused-{i}" for i in range(3)])
    assert wait_for(lambda: len(fault_proxy.requests()) == 1)
    track(page, ["a4-after"])  # the queue goes on with the next event
    assert wait_for(lambda: stored(db, app_id)[0] == 1 and queued_in_browser(page) == 0)
    time.sleep(0.5)
    seen = fault_proxy.requests()
    errors = page.evaluate("window.__signpostErrors")
    page.close()

    assert [s.answer for s in seen] == [status, 200], "dropped, never sent again"
    assert len(seen[0].event_ids) == 3
    assert stored(db, app_id)[2] == {"a4-after"}
    assert f"3 events dropped: http_{status}" in errors


def test_a4_413_halves_the_batch_until_it_fits_and_every_event_is_stored_once(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    """A reverse proxy in front of the server accepts bodies up to 3,000 bytes."""
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = lambda body, index: (413, {}) if len(body) > 3000 else PASS
    page = open_page(context, url)
    names = [f"a4-413-{i}-" + "x" * 80 for i in range(20)]  # one batch of 20, over 3,000 bytes
    track(page, names)
    assert wait_for(lambda: stored(db, app_id)[0] == 20 and queued_in_browser(page) == 0)
    seen = fault_proxy.requests()
    page.close()

    rows, distinct, stored_names = stored(db, app_id)
    sizes = [(len(s.event_ids), s.answer) for s in seen]
    REPORTS.append({"test": "a4_413_split", "batches": sizes, "stored": rows})
    assert sizes[0] == (20, 413)
    assert [n for n, answer in sizes if answer == 413][:2] == [20, 10]
    assert all(s.size <= 3000 for s in seen if s.answer == 200)
    assert rows == distinct == 20 and stored_names == set(names)


@pytest.mark.parametrize(("retry_after", "at_least", "at_most"), [("1", 0.9, 4), ("3600", 1.9, 10)])
def test_a4_retry_after_is_honoured_and_capped(
    context: BrowserContext,
    db: Database,
    proxy: tuple[FaultProxy, str, int],
    retry_after: str,
    at_least: float,
    at_most: float,
) -> None:
    """The page's back-off starts at 200 ms and is capped at 2 s (`data-retry-max-ms`): a
    Retry-After of 1 s makes it wait 1 s; one of an hour, 2 s."""
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = first_n(1, (429, {"Retry-After": retry_after}))
    page = open_page(context, url)
    track(page, ["a4-retry-after"])
    assert wait_for(lambda: stored(db, app_id)[0] == 1, 20)
    seen = fault_proxy.requests()
    page.close()

    wait = seen[1].at - seen[0].at
    REPORTS.append({"test": "a4_retry_after", "retry_after": retry_after, "waited_s": wait})
    assert [s.answer for s in seen] == [429, 200]
    assert at_least <= wait < at_most


def test_a5_at_pagehide_each_body_stays_under_the_beacon_limit_and_the_rest_arrives_later(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    fault_proxy, url, app_id = proxy
    fault_proxy.rule = lambda body, index: RESET
    page = open_page(context, url)
    names = [f"a5-{i}-" + "y" * 400 for i in range(300)]  # about 150 KB queued
    track(page, names)
    assert queued_in_browser(page) == 300
    fault_proxy.rule = lambda body, index: PASS
    before = len(fault_proxy.requests())
    page.goto("about:blank")  # pagehide
    wait_for(lambda: len(fault_proxy.requests()) > before, 10)
    time.sleep(1)  # anything else sent at pagehide lands too
    at_pagehide = fault_proxy.requests()[before:]
    after_pagehide = stored(db, app_id)[0]

    page.goto(url)  # the next load sends the rest
    delivered = wait_for(lambda: stored(db, app_id)[0] == 300 and queued_in_browser(page) == 0)
    assert delivered, (
        stored(db, app_id)[0],
        queued_in_browser(page),
        str([(len(s.event_ids), s.size, s.answer) for s in fault_proxy.requests()]),
        page.evaluate("window.__signpostErrors"),
    )
    rows, distinct, stored_names = stored(db, app_id)
    sizes = [s.size for s in fault_proxy.requests()]
    page.close()

    REPORTS.append(
        {
            "test": "a5_pagehide",
            "queued": 300,
            "requests_at_pagehide": len(at_pagehide),
            "largest_body_at_pagehide": max((s.size for s in at_pagehide), default=0),
            "stored_after_pagehide": after_pagehide,
            "stored": rows,
        }
    )
    assert at_pagehide, "the page hands a body to the browser as it goes"
    assert all(s.size < 48000 for s in at_pagehide)
    assert max(s.size for s in at_pagehide) > 20000, "one beacon carries far more than a batch"
    assert after_pagehide < 300, "what did not fit waited for the next page"
    assert max(sizes) < 48000
    assert rows == distinct == 300 and stored_names == set(names)


def test_a7_two_tabs_server_down_one_closed_all_events_of_both_arrive_once(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    fault_proxy, url, app_id = proxy
    first, second = open_page(context, url), open_page(context, url)
    fault_proxy.rule = lambda body, index: RESET  # the server is unreachable
    track(first, [f"a7-first-{i}" for i in range(10)])
    track(second, [f"a7-second-{i}" for i in range(10)])
    time.sleep(1)
    first.close()  # its queue stays in localStorage, owned by nobody
    fault_proxy.rule = lambda body, index: PASS
    # The open tab retries its own events and, once the closed tab's queue has been
    # untouched for `queue_adopt_after_ms` (1.5 s here), adopts and sends those too.
    assert wait_for(lambda: stored(db, app_id)[0] >= 20 and queued_in_browser(second) == 0)
    time.sleep(1)
    rows, distinct, names = stored(db, app_id)
    second.close()

    REPORTS.append(
        {"test": "a7_two_tabs", "sent": 20, "stored": rows, "duplicated": rows - distinct}
    )
    assert names == {f"a7-{tab}-{i}" for tab in ("first", "second") for i in range(10)}
    assert rows == distinct == 20


def test_a9_a_page_clock_two_hours_ahead_still_stores_the_right_times(
    context: BrowserContext, db: Database, proxy: tuple[FaultProxy, str, int]
) -> None:
    _, url, app_id = proxy
    page = context.new_page()
    page.add_init_script(
        """(() => {
          const Real = Date, skew = 2 * 3600 * 1000;
          class Skewed extends Real {
            constructor(...args) { super(...(args.length ? args : [Real.now() + skew])); }
            static now() { return Real.now() + skew; }
          }
          window.Date = Skewed;
        })();"""
    )
    page.goto(url)
    page.wait_for_function("() => new Date().getTime() - performance.timeOrigin > 3600000")
    emitted = time.time()
    track(page, ["a9"])
    assert wait_for(lambda: stored(db, app_id)[0] == 1)
    page.close()

    with db.read() as session:
        occurred = session.exec(select(Event.occurred_at).where(Event.app_id == app_id)).one()
    off = abs(occurred.timestamp() - emitted)
    REPORTS.append({"test": "a9_clock_skew", "page_clock_ahead_s": 7200, "stored_off_s": off})
    assert off < 2
