"""An app's theme: hex colours, a radius in pixels, and text that stays readable."""

from __future__ import annotations

import pytest

from guides.errors import InvalidPayload
from guides.themes import DEFAULT_THEME, contrast, theme_for, validate_theme


class TestContrast:
    @pytest.mark.parametrize(
        ("first", "second", "ratio"),
        [("#000000", "#ffffff", 21.0), ("#fff", "#fff", 1.0), ("#4338ca", "#ffffff", 7.9)],
    )
    def test_contrast_follows_wcag(self, first: str, second: str, ratio: float) -> None:
        assert round(contrast(first, second), 1) == ratio

    def test_the_default_theme_is_readable(self) -> None:
        assert contrast(DEFAULT_THEME["text"], DEFAULT_THEME["background"]) >= 4.5
        assert contrast(DEFAULT_THEME["accent_text"], DEFAULT_THEME["accent"]) >= 4.5


class TestThemeFor:
    def test_the_app_theme_is_sent_over_the_defaults(self) -> None:
        sent = theme_for({"accent": "#0f766e", "radius": 4, "unknown": 1})

        assert sent == {**DEFAULT_THEME, "accent": "#0f766e", "radius": 4}

    def test_a_readable_button_text_is_sent_as_the_app_chose_it(self) -> None:
        assert theme_for({"accent": "#fde68a", "accent_text": "#1f2937"})["accent_text"] == (
            "#1f2937"
        )

    @pytest.mark.parametrize(
        ("stored", "accent_text"),
        [
            ({"accent": "#fde68a"}, "#111827"),  # light accent, default white text: unreadable
            ({"accent": "#1e3a8a", "accent_text": "#1e40af"}, "#ffffff"),
            ({"accent": "#fde68a", "accent_text": "yellow"}, "#111827"),
            ({"accent": "teal"}, "#ffffff"),  # not a colour: the default accent and its text
        ],
    )
    def test_an_unreadable_stored_button_text_is_replaced_by_black_or_white(
        self, stored: dict[str, str], accent_text: str
    ) -> None:
        sent = theme_for(stored)

        assert sent["accent_text"] == accent_text
        assert contrast(sent["accent_text"], sent["accent"]) >= 4.5


class TestValidateTheme:
    def test_only_what_was_set_is_kept_normalized(self) -> None:
        assert validate_theme({"accent": "#0F766E", "radius": "6", "text": ""}) == {
            "accent": "#0f766e",
            "radius": 6,
        }

    def test_bad_values_are_named_by_field(self) -> None:
        with pytest.raises(InvalidPayload) as refused:
            validate_theme({"accent": "teal", "radius": "99"})

        assert refused.value.fields == [
            {"field": "theme.accent", "message": "use a colour like #4338ca"},
            {"field": "theme.radius", "message": "a number of pixels, 0 to 32"},
        ]

    def test_a_font_list_is_kept(self) -> None:
        assert validate_theme({"font": "Inter, 'Segoe UI', sans-serif"}) == {
            "font": "Inter, 'Segoe UI', sans-serif"
        }

    @pytest.mark.parametrize(
        "font",
        [
            "Inter; color: red",
            "x}:host{display:none",
            "url(https://evil.example/f.woff)",
            "Inter,",
            '"unclosed',
            "a" * 201,
        ],
    )
    def test_a_font_that_is_more_than_family_names_is_refused(self, font: str) -> None:
        with pytest.raises(InvalidPayload) as refused:
            validate_theme({"font": font})

        assert [field["field"] for field in refused.value.fields] == ["theme.font"]

    def test_a_stored_font_that_is_not_a_family_list_is_not_sent(self) -> None:
        assert theme_for({"font": "x;}*{display:none"})["font"] == DEFAULT_THEME["font"]
        assert theme_for({"font": "Inter, sans-serif"})["font"] == "Inter, sans-serif"

    def test_unreadable_button_text_is_refused(self) -> None:
        with pytest.raises(InvalidPayload) as refused:
            validate_theme({"accent": "#ffff00"})

        assert refused.value.fields == [
            {
                "field": "theme.accent_text",
                "message": "contrast with accent is 1.1:1; it needs at least 4.5:1 to be readable",
            }
        ]
