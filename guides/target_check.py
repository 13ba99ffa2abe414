"""`signpost guides check`: open the app in headless Chromium and ask the SDK's own target
finder, injected as its `check` chunk (sdk/src/chunks/check.js), whether each step's target
is on the page, so a customer's CI catches a release that breaks a guide.

Playwright is an optional extra (`pip install 'signpost[check]'`): the server never needs it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from guides.documents import GuideDocument
from guides.errors import CheckUnavailable
from guides.targeting import page_matches
from sdk import DIST_PATH

CHECK_CHUNK = DIST_PATH / "check.js"
DEFAULT_TIMEOUT_MS = 5000
INSTALL_HINT = (
    "`signpost guides check` needs Playwright: pip install 'signpost[check]', then "
    "`playwright install chromium` (or pass --chromium with a Chromium already installed)"
)
LISTEN = """() => {
  document.addEventListener('signpost:chunk', (event) => {
    const detail = event.detail || {};
    if (detail.name === 'check') window.__signpostCheck = detail.exports;
  });
}"""
LOCATE = "(target) => window.__signpostCheck && window.__signpostCheck.locate(target)"


@dataclass(frozen=True)
class StepCheck:
    slug: str
    step: int  # from 1
    title: str
    target: dict[str, object]
    page: str
    found: str | None  # the element the SDK would use, described; None when missing


def page_for(document: GuideDocument, url: str) -> str:
    """Where to look for a guide's targets: the given URL when the guide's page rules allow
    it, else the first exact or prefix rule's path on the same site."""
    if page_matches(document.pages, url) or not document.pages.include:
        return url
    for rule in document.pages.include:
        if rule.match in ("exact", "prefix") and rule.value.startswith("/"):
            return urljoin(url, rule.value)
    return url


def chromium_path(given: str | None = None) -> str | None:
    """The Chromium given, else one on the PATH, else (None) Playwright's own."""
    for candidate in (given, "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return given


def check_targets(
    documents: list[GuideDocument],
    url: str,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    chromium: str | None = None,
) -> list[StepCheck]:
    """Every step with a target, in file order, found or not."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CheckUnavailable(INSTALL_HINT) from None
    if urlsplit(url).scheme not in ("http", "https"):
        raise CheckUnavailable(f"{url!r} is not an http or https address")
    chunk = CHECK_CHUNK.read_text("utf-8")
    results: list[StepCheck] = []
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(chromium), headless=True, args=["--no-sandbox"]
            )
        except PlaywrightError as exc:
            raise CheckUnavailable(f"{INSTALL_HINT}\n{str(exc).splitlines()[0]}") from None
        # The app's own Content-Security-Policy would refuse the injected chunk.
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        try:
            for document in documents:
                steps = [(i, s) for i, s in enumerate(document.steps, 1) if s.target]
                if not steps:
                    continue
                where = page_for(document, url)
                try:
                    page.goto(where, wait_until="load")
                except PlaywrightError as exc:
                    raise CheckUnavailable(
                        f"cannot open {where}: {str(exc).splitlines()[0]}"
                    ) from None
                page.evaluate(LISTEN)
                page.add_script_tag(content=chunk)
                for number, step in steps:
                    assert step.target is not None
                    target = step.target.model_dump(mode="json")
                    wait = target.get("timeout_ms") or timeout_ms
                    try:
                        handle = page.wait_for_function(LOCATE, arg=target, timeout=wait)
                        found = str(handle.json_value())
                    except PlaywrightTimeout:
                        found = None
                    results.append(
                        StepCheck(document.slug, number, step.title, target, where, found)
                    )
        finally:
            context.close()
            browser.close()
    return results
