"""A guide's own theme: its colours over its app's theme, the derived colours worked out
again, refused when hard to read, carried in published versions and merged at delivery."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from guides import store
from guides.apps import update_theme
from guides.errors import InvalidPayload
from guides.themes import DEFAULT_THEME, contrast, guide_theme_problems, merged_theme
from server.db import Database
from tests.factories import (
    ORIGIN,
    guide_document,
    make_app,
    make_guide,
    make_published_guide,
    session_body,
)


class TestMergedTheme:
    def test_without_a_theme_of_its_own_a_guide_looks_like_its_app(self) -> None:
        assert merged_theme({"accent": "#0f766e"}, {}) == {**DEFAULT_THEME, "accent": "#0f766e"}

    def test_a_new_accent_gets_readable_button_text(self) -> None:
        merged = merged_theme({"accent_text": "#ffffff"}, {"accent": "#fde047"})

        assert merged["accent"] == "#fde047"
        assert merged["accent_text"] == "#111827"  # white on yellow would be 1.3:1
        assert contrast(merged["accent_text"], merged["accent"]) >= 4.5

    def test_button_text_the_guide_sets_itself_is_kept(self) -> None:
        merged = merged_theme({}, {"accent": "#000000", "accent_text": "#fde047"})

        assert merged["accent_text"] == "#fde047"

    def test_a_dark_guide_gets_a_readable_step_counter(self) -> None:
        merged = merged_theme({}, {"text": "#f9fafb", "background": "#111827"})

        assert merged["muted"] != DEFAULT_THEME["muted"]
        assert contrast(merged["muted"], merged["background"]) >= 4.5

    def test_keys_that_are_not_theme_keys_are_ignored(self) -> None:
        assert merged_theme({}, {"z_index": 1, "evil": "x"})["z_index"] == 1
        assert "evil" not in merged_theme({}, {"evil": "x"})


class TestGuideThemeProblems:
    def test_a_readable_theme_has_none(self) -> None:
        assert guide_theme_problems({}, {"accent": "#fde047", "radius": 0}) == []

    def test_dark_background_under_the_apps_dark_text_is_marked_at_the_background(self) -> None:
        assert guide_theme_problems({}, {"background": "#111827"}) == [
            {
                "field": "theme.background",
                "message": "contrast with text is 1.2:1; it needs at least 4.5:1 to be readable",
            }
        ]

    def test_light_text_on_the_apps_white_is_marked_at_the_text_alone(self) -> None:
        assert guide_theme_problems({}, {"text": "#eeeeee"}) == [
            {
                "field": "theme.text",
                "message": "contrast with background is 1.2:1; "
                "it needs at least 4.5:1 to be readable",
            }
        ]

    def test_unreadable_button_text_is_marked_at_the_button_text(self) -> None:
        assert guide_theme_problems({}, {"accent": "#fde047", "accent_text": "#ffffff"}) == [
            {
                "field": "theme.accent_text",
                "message": "contrast with accent is 1.3:1; it needs at least 4.5:1 to be readable",
            }
        ]


class TestGuideThemeInDocuments:
    def test_colours_are_normalized_and_empty_themes_dropped(self) -> None:
        document = guide_document(theme={"accent": "#0F766E"})
        assert document.to_plain()["theme"] == {"accent": "#0f766e"}
        assert guide_document(theme={}).to_plain()["theme"] is None

    def test_a_font_list_is_kept_as_typed(self) -> None:
        document = guide_document(theme={"font": " 'Noto Sans JP', -apple-system, sans-serif "})
        assert document.to_plain()["theme"] == {"font": "'Noto Sans JP', -apple-system, sans-serif"}

    @pytest.mark.parametrize(
        ("theme", "where", "message"),
        [
            ({"accent": "teal"}, ("theme", "accent"), "Value error, use a colour like #4338ca"),
            ({"radius": 40}, ("theme", "radius"), "Input should be less than or equal to 32"),
            (
                {"font": "x;}:host{display:none"},
                ("theme", "font"),
                "Value error, a font list like Inter, system-ui, sans-serif "
                "(names, quotes, commas only)",
            ),
            ({"shadow": "none"}, ("theme", "shadow"), "Extra inputs are not permitted"),
        ],
    )
    def test_bad_values_are_named_by_field(
        self, theme: dict[str, object], where: tuple[str, ...], message: str
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            guide_document(theme=theme)

        assert [(e["loc"], e["msg"]) for e in refused.value.errors()] == [(where, message)]

    def test_saving_an_unreadable_theme_is_refused_with_its_field(self, db: Database) -> None:
        with pytest.raises(InvalidPayload) as refused, db.write() as session:
            make_guide(session, make_app(session), theme={"background": "#111827"})

        assert refused.value.fields[0]["field"] == "theme.background"

    def test_the_theme_is_checked_over_the_apps_own_theme(self, db: Database) -> None:
        with db.write() as session:
            app = make_app(session)
            assert app.id is not None
            update_theme(
                session=session,
                app_id=app.id,
                values={"text": "#f9fafb", "background": "#111827", "muted": "#d1d5db"},
            )
            guide = make_guide(session, app, theme={"background": "#030712"})

            assert guide.theme == {"background": "#030712"}


class TestDelivery:
    def test_a_guide_with_its_own_accent_is_delivered_with_the_whole_merged_theme(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            app = make_app(session)
            assert app.id is not None
            update_theme(
                session=session, app_id=app.id, values={"accent": "#0f766e", "radius": "4"}
            )
            make_published_guide(session, app, "own", theme={"accent": "#fde047"})
            make_published_guide(session, app, "plain", priority=-1)
            body = session_body(app)

        response = client.post(
            "/sdk/v1/session",
            content=json.dumps(body).encode(),
            headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
        )

        assert response.status_code == 200, response.text
        answer = response.json()
        app_theme = {**DEFAULT_THEME, "accent": "#0f766e", "radius": 4}
        assert answer["theme"] == app_theme
        by_slug = {guide["slug"]: guide for guide in answer["guides"]}
        assert by_slug["own"]["theme"] == {
            **app_theme,
            "accent": "#fde047",
            "accent_text": "#111827",
        }
        assert "theme" not in by_slug["plain"]

    def test_published_versions_carry_only_the_guides_own_colours(self, db: Database) -> None:
        with db.write() as session:
            guide = make_published_guide(session, make_app(session), theme={"radius": 0})
            assert guide.id is not None
            version = store.version(session, guide.id, 1)
            assert version is not None
            assert version.snapshot["theme"] == {"radius": 0}
