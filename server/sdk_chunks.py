"""Which SDK chunks a session answer carries, so that from the script's start to the first
step on screen there is one request to the server (issue 3, item 10; docs/sdk.md, "Size").

The SDK sends its build hash when it can run code handed to it (its tag has a nonce, or the
page has no CSP blocking inline scripts); the answer then carries, as text, the chunks the
guides of this page need: `ui`, each kind's chunk, `anchor` when a step points at an
element, and `find` when a target has no selector (the finder is certain to be needed). A
chunk not sent (`find` for a selector that failed, a guide shown later by `show()`) still
loads on its own from `/sdk/v1/<name>.js`. The chunks must be of the build the SDK runs, so
an older cached core gets none and loads its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from guides.targeting import PageRules, page_matches

# Tooltip and walkthrough ride in `ui` with the player (sdk/src/render/index.js).
_IN_UI = frozenset({"tooltip", "walkthrough"})


def build_version(chunks: Mapping[str, bytes]) -> str:
    """The hash the core is built with (sdk/build.mjs: every chunk, by name)."""
    digest = hashlib.sha256()
    for name in sorted(chunks):
        digest.update(chunks[name])
    return digest.hexdigest()[:12]


def _on_page(guide: Mapping[str, Any], url: str) -> bool:
    try:
        rules = PageRules.model_validate(guide.get("pages") or {})
    except ValidationError:
        return False
    return page_matches(rules, url)


def chunks_for(guides: Iterable[Mapping[str, Any]], url: str) -> list[str]:
    """The chunks the guides that may show on `url` need, in load order."""
    names: list[str] = []
    for guide in guides:
        if not _on_page(guide, url):
            continue
        kind = str(guide.get("kind"))
        targets = [step.get("target") for step in guide.get("steps") or []]
        wanted = ["ui", "ui" if kind in _IN_UI else kind]
        if any(targets):
            wanted.append("anchor")
        if any(t and not t.get("selector") for t in targets):
            wanted.append("find")
        names += [name for name in wanted if name not in names]
    return names
