"""Authored content to safe HTML: Markdown rendered, then cleaned by nh3 to an allow-list.

The SDK rebuilds this HTML node by node through its own allow-list as a second line of
defence, so the two lists must agree (`docs/sdk-protocol.md`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "blockquote",
        "span",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# "commonmark" with raw HTML off: authors write Markdown, and anything that looks like a tag
# is shown as text rather than trusted. Linkify and tables stay off to keep output small.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True})


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown to sanitized HTML, ready for the SDK."""
    return clean_html(_markdown.render(source)).strip()


def contains_nul(value: Any) -> bool:
    """Whether a string in `value` (or in its keys and items) holds U+0000.

    PostgreSQL cannot store it in text or jsonb, so SDK payloads refuse it up front (422)
    instead of failing at INSERT (500).
    """
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def clean_text(value: str) -> str:
    """A plain-text field (title, button label): control characters dropped, trimmed.

    Plain text is never HTML: the SDK sets it with `textContent`, the admin escapes it.
    """
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
