"""Issue 3, item 10: from the script's start to the first step on screen, one request to the
Signpost server. The session answer carries the chunks the page's first guide needs
(server/sdk_chunks.py), run by the SDK with its own nonce; event delivery starts once the
step is on screen. Counted with the browser's own record of requests, cold cache."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from e2e.test_kinds import open_host, publish
from guides import App
from server.db import Database

# Logs, in the page's own order, every request the page starts (fetch, beacon, script
# element) and the moment the first guide is shown: one JavaScript thread, so no clock skew.
MARK = """(() => {
  const log = (window.__requests = []);
  const note = (method, url) => log.push([method, String(url), !!window.__shown]);
  document.addEventListener('signpost:guide-shown', () => { window.__shown = true; });
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    note((init && init.method) || 'GET', input instanceof Request ? input.url : input);
    return fetch.apply(this, arguments);
  };
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => { note('POST', url); return beacon(url, data); };
  for (const name of ['appendChild', 'insertBefore']) {
    const original = Node.prototype[name];
    Node.prototype[name] = function (node) {
      if (node instanceof HTMLScriptElement && node.src) note('GET', node.src);
      return original.apply(this, arguments);
    };
  }
})();"""


# The transfer sizes of this page's loads of the `ui` and `anchor` files, by Resource Timing
# (the server allows it: Timing-Allow-Origin): 0 when the browser's cache served the file.
TRANSFERRED = """() => performance.getEntriesByType('resource')
  .filter((e) => /\\/(ui|anchor)\\.js/.test(e.name)).map((e) => e.transferSize)"""


def before_first_guide(page: Page, server: str) -> list[str]:
    """`METHOD /path` of the requests to the server started before the first guide showed."""
    page.wait_for_function("() => window.__shown")
    return [
        f"{method} {url.split('?')[0].split('/sdk/v1')[1]}"
        for method, url, shown in page.evaluate("window.__requests")
        if url.startswith(server) and not shown
    ]


def tooltip(db: Database, app: App) -> None:
    publish(
        db,
        app,
        slug="first-tip",
        kind="walkthrough",
        frequency="every_session",
        steps=[
            {
                "title": "Create one",
                "body": "Start here.",
                "target": {"selector": "#create-project"},
            },
            {"title": "Then this", "body": "And here.", "target": {"selector": "#heading"}},
        ],
    )


def test_a_walkthrough_step_needs_one_request_to_the_server(
    page: Page, db: Database, host_app: App, host_pages: str, server: Any
) -> None:
    tooltip(db, host_app)
    page.add_init_script(MARK)
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Create one")).to_be_visible()
    assert before_first_guide(page, server.url) == ["POST /session"]
    # Events still go out, after the step: the `events` chunk loads then.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some((e) => e.name.includes('/events.js'))"
    )


def test_a_modal_a_lazy_kind_needs_one_request_also_under_a_nonce_only_csp(
    page: Page, db: Database, host_app: App, host_pages: str, server: Any
) -> None:
    publish(
        db,
        host_app,
        slug="news",
        kind="modal",
        steps=[{"title": "What's new", "body": "Templates."}],
    )
    page.add_init_script(MARK)
    page.goto(f"{host_pages}/strict?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="What's new")).to_be_visible()
    assert before_first_guide(page, server.url) == ["POST /session"]
    assert page.evaluate("window.violations") == []


def test_a_page_refusing_inline_scripts_loads_the_chunks_as_files_then_from_cache(
    context: BrowserContext, db: Database, host_app: App, host_pages: str, server: Any
) -> None:
    # Not the `page` fixture: this page's CSP refuses the first inline chunk, on purpose.
    page = context.new_page()
    tooltip(db, host_app)
    page.add_init_script(MARK)
    fetched: list[str] = []
    page.on("response", lambda r: fetched.append(r.url) if r.url.startswith(server.url) else None)
    page.goto(f"{host_pages}/selfcsp?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="Create one")).to_be_visible()
    assert sorted(before_first_guide(page, server.url)) == [
        "GET /anchor.js",
        "GET /ui.js",
        "POST /session",
    ]
    violations = page.evaluate("window.violations")
    assert violations and all(v.startswith("script-src") for v in violations), violations
    # The refusal is remembered: the next page asks for no inline chunks, and the pinned
    # files come from the browser's cache, without asking the server.
    fetched.clear()
    page.reload()
    expect(page.get_by_role("dialog", name="Create one")).to_be_visible()
    assert sorted(before_first_guide(page, server.url)) == [
        "GET /anchor.js",
        "GET /ui.js",
        "POST /session",
    ]
    assert page.evaluate("window.violations") == []
    network = [u for u in fetched if "/ui.js" in u or "/anchor.js" in u]
    assert page.evaluate(TRANSFERRED) == [0, 0], network


def test_a_later_page_is_not_sent_the_code_the_browser_keeps_cached(
    page: Page, db: Database, host_app: App, host_pages: str, server: Any
) -> None:
    tooltip(db, host_app)
    page.add_init_script(MARK)
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Create one")).to_be_visible()
    assert before_first_guide(page, server.url) == ["POST /session"]
    # Once the page is idle, the chunks that came inline are fetched once as files, which
    # the browser keeps (immutable), and remembered.
    page.wait_for_function(
        """() => Object.keys(localStorage).some((key) => key.startsWith('signpost:cached:')
          && JSON.parse(localStorage[key]).length === 2)"""
    )
    first = page.evaluate(TRANSFERRED)
    assert len(first) == 2 and all(size > 0 for size in first), first

    sent: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    page.on(
        "request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/session") else None
    )
    page.on("response", lambda r: answers.append(r.json()) if r.url.endswith("/session") else None)
    page.reload()
    expect(page.get_by_role("dialog", name="Create one")).to_be_visible()

    assert sorted(sent[0]["cached"]) == ["anchor", "ui"]
    assert "chunks" not in answers[0]
    # The files load from the cache: still one request to the server before the first step.
    assert sorted(before_first_guide(page, server.url)) == [
        "GET /anchor.js",
        "GET /ui.js",
        "POST /session",
    ]
    assert page.evaluate(TRANSFERRED) == [0, 0]
