"""The XSS corpus (reliability.md C1): the curated vectors of `fixtures/xss_vectors.txt` plus
mutations generated from them the way filter-evasion attacks vary a vector: other sinks for
the sentinel call, mixed case, characters browsers ignore inside a scheme, entity-encoded
schemes, and prefixes that try to break out of an attribute or an element first.

Deterministic, so a failure names the same payload on every run."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

VECTORS = Path(__file__).parent / "fixtures" / "xss_vectors.txt"

# What an executed payload calls: every one is caught by the sentinel in the browser test.
SINKS = ("confirm(1)", "prompt(1)", "alert`1`", "top.alert(1)", "(alert)(1)", "self['alert'](1)")
BREAKOUTS = ('">', "'>", "</title>", "</textarea>", "-->", "</p>", "]]>", "`>")
SCHEME_TRICKS = (
    "JaVaScRiPt:",
    "java\tscript:",
    "java\nscript:",
    "java&#x09;script:",
    "java&#10;script:",
    "&#106;avascript:",
    "&#x6a;&#x61;vascript:",
    " \x0bjavascript:",
    "javascript&colon;",
    "jav&#x61;script:",
)


def curated() -> list[str]:
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def _mixed_case(payload: str) -> str:
    # <script> -> <ScRiPt>, onerror -> OnErRoR: what case-sensitive filters miss.
    def flip(match: re.Match[str]) -> str:
        word = match.group(0)
        return "".join(c.upper() if i % 2 == 0 else c.lower() for i, c in enumerate(word))

    return re.sub(r"(?<=<)[a-zA-Z]+|\bon[a-z]+|javascript", flip, payload)


def mutations(payload: str) -> list[str]:
    out = []
    if "alert(1)" in payload:
        out.extend(payload.replace("alert(1)", sink) for sink in SINKS)
    if "javascript:" in payload.lower():
        out.extend(
            re.sub("javascript:", trick, payload, flags=re.IGNORECASE) for trick in SCHEME_TRICKS
        )
    out.append(_mixed_case(payload))
    if payload.startswith("<"):
        out.extend(breakout + payload for breakout in BREAKOUTS)
    return out


SIZE = 600


@cache
def corpus(size: int = SIZE) -> tuple[str, ...]:
    """`size` distinct payloads: every curated one, then mutations taken round-robin (the
    first mutation of each vector, then the second, ...) so every class is represented."""
    seen: dict[str, None] = dict.fromkeys(curated())
    pending = [mutations(payload) for payload in curated()]
    depth = 0
    while len(seen) < size and any(depth < len(m) for m in pending):
        for generated in pending:
            if depth < len(generated) and len(seen) < size:
                seen.setdefault(generated[depth])
        depth += 1
    return tuple(seen)
