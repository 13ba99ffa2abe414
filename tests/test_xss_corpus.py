"""The XSS corpus through the server side (reliability.md C1): every payload saved as a
step's title, body, button label, link label and link URL either is refused with a field
error or comes out safe. The browser half is e2e/test_xss.py."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from guides.documents import GuideDocument
from guides.sanitize import render_markdown
from tests.test_sanitize import Elements, assert_safe
from tests.xss_corpus import corpus, curated

UNSAFE_SCHEME = re.compile(r"^(javascript|data|vbscript|blob|filesystem):", re.IGNORECASE)


def browser_scheme(url: str) -> str:
    """What a browser reads as the scheme: it drops whitespace and control characters."""
    return re.sub(r"[\x00-\x20\x7f-\x9f]", "", url)


def test_the_corpus_has_at_least_500_payloads_from_curated_vectors_and_mutations() -> None:
    payloads = corpus()
    assert len(payloads) >= 500
    assert len(set(payloads)) == len(payloads)
    assert len(curated()) >= 200
    assert sum(p not in set(curated()) for p in payloads) >= 300


@pytest.mark.parametrize("chunk", range(6))
def test_every_payload_as_markdown_body_renders_to_allow_listed_html(chunk: int) -> None:
    for payload in corpus()[chunk * 100 : (chunk + 1) * 100]:
        html = render_markdown(payload)
        assert_safe(html)
        for _, attrs in Elements(html).tags:  # parsed: "javascript:" as text is harmless
            href = attrs.get("href") or ""
            assert not UNSAFE_SCHEME.match(browser_scheme(href)), (payload, html)


def step_document(payload: str, field: str) -> GuideDocument:
    content = {"link_label": "Read more", "link_url": "https://example.com/"}
    step: dict[str, object] = {"title": "Title", "body": "Body", "content": content}
    if field in ("title", "body"):
        step[field] = payload
    else:
        content[field] = payload
    return GuideDocument.model_validate(
        {"slug": "xss", "name": "XSS", "kind": "modal", "steps": [step]}
    )


@pytest.mark.parametrize("field", ["title", "button", "link_label", "link_url"])
def test_every_payload_in_a_plain_field_is_kept_as_text_or_refused(field: str) -> None:
    accepted = 0
    for payload in corpus():
        try:
            document = step_document(payload, field)
        except ValidationError as refused:
            assert refused.errors(), payload
            continue
        accepted += 1
        step = document.steps[0]
        if field == "link_url":
            url = step.content["link_url"]
            assert not UNSAFE_SCHEME.match(browser_scheme(url)), payload
    assert accepted > 0
