"""Guides in other languages: validated with the document, delivered in the session's
locale with fallback from `fr-CA` to `fr` to the authored text."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from guides import App, GuideDocument, guide_document, publish_guide, save_guide
from guides.delivery import pick_locale
from server.db import Database
from tests.factories import guide_document as document_of
from tests.factories import make_app, session_body
from tests.test_session_api import post

FRENCH = {
    "fr": {
        "name": "Visite",
        "steps": [{"title": "Créez un rapport", "body": "Cliquez sur **Nouveau**."}],
    },
    "pt-BR": {"steps": [{"title": "Crie um relatório"}]},
}


def tour(**overrides: Any) -> GuideDocument:
    steps = [
        {"title": "Create a report", "body": "Click **New**.", "target": {"selector": "#a"}},
        {"title": "Share it", "body": "Send a link.", "target": {"selector": "#b"}},
    ]
    return document_of("tour", steps=steps, kind="walkthrough", **overrides)


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        app = make_app(session)
        assert app.id is not None
        saved = save_guide(session=session, app_id=app.id, document=tour(translations=FRENCH))
        assert saved.guide.id is not None
        publish_guide(session=session, guide_id=saved.guide.id)
        return app


def delivered(client: TestClient, app: App, locale: str | None) -> list[tuple[str, str, str]]:
    response = post(client, session_body(app, locale=locale))
    assert response.status_code == 200, response.text
    guide = response.json()["guides"][0]
    return [(guide["name"], step["title"], step["body_html"]) for step in guide["steps"]]


class TestDelivery:
    def test_a_french_user_gets_the_french_text_and_the_rest_as_authored(
        self, client: TestClient, app: App
    ) -> None:
        assert delivered(client, app, "fr") == [
            ("Visite", "Créez un rapport", "<p>Cliquez sur <strong>Nouveau</strong>.</p>"),
            ("Visite", "Share it", "<p>Send a link.</p>"),
        ]

    def test_a_regional_locale_falls_back_to_its_language(
        self, client: TestClient, app: App
    ) -> None:
        assert delivered(client, app, "fr-CA")[0][:2] == ("Visite", "Créez un rapport")

    def test_a_translation_without_a_name_or_body_keeps_the_authored_ones(
        self, client: TestClient, app: App
    ) -> None:
        assert delivered(client, app, "pt-br")[0] == (
            "Tour",
            "Crie um relatório",
            "<p>Click <strong>New</strong>.</p>",
        )

    @pytest.mark.parametrize("locale", [None, "de", "de-DE", "en"])
    def test_a_language_without_a_translation_gets_the_authored_text(
        self, client: TestClient, app: App, locale: str | None
    ) -> None:
        assert delivered(client, app, locale)[0] == (
            "Tour",
            "Create a report",
            "<p>Click <strong>New</strong>.</p>",
        )


class TestDocument:
    def test_translations_round_trip_through_a_saved_draft(self, db: Database) -> None:
        with db.write() as session:
            app = make_app(session)
            assert app.id is not None
            saved = save_guide(session=session, app_id=app.id, document=tour(translations=FRENCH))
            read_back = guide_document(session=session, guide=saved.guide)

        assert read_back.to_plain()["translations"] == {
            "fr": {
                "name": "Visite",
                "steps": [{"title": "Créez un rapport", "body": "Cliquez sur **Nouveau**."}],
            },
            "pt-BR": {"name": None, "steps": [{"title": "Crie um relatório", "body": None}]},
        }

    @pytest.mark.parametrize(
        ("translations", "location", "message"),
        [
            (
                {"french": {}},
                ("translations",),
                "Value error, 'french' is not a language tag like 'fr' or 'pt-BR'",
            ),
            (
                {"fr": {"steps": [{}, {}, {}]}},
                ("translations", "fr", "steps"),
                "3 translated steps for 2 steps",
            ),
            (
                {"fr": {"title": "x"}},
                ("translations", "fr", "title"),
                "Extra inputs are not permitted",
            ),
        ],
    )
    def test_a_malformed_translation_is_refused(
        self, translations: dict[str, Any], location: tuple[str, ...], message: str
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            tour(translations=translations)

        assert [(e["loc"], e["msg"]) for e in caught.value.errors()] == [(location, message)]


@pytest.mark.parametrize(
    ("available", "wanted", "chosen"),
    [
        ({"fr": 1}, "fr-CA", "fr"),
        ({"fr-CA": 1, "fr": 1}, "fr-CA", "fr-CA"),
        ({"pt-BR": 1}, "pt_br", "pt-BR"),
        ({"pt-BR": 1}, "pt", None),
        ({"fr": 1}, None, None),
        ({}, "fr", None),
    ],
)
def test_the_locale_is_chosen_by_tag_then_language(
    available: dict[str, int], wanted: str | None, chosen: str | None
) -> None:
    assert pick_locale(available, wanted) == chosen
