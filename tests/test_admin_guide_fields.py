"""The guide editor covers every field of a guide: what it shows, submitted untouched, saves
the same guide (nothing the document holds is dropped), and translations are edited beside
the steps, with their errors next to their fields."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from guides import Guide
from guides.authoring import guide_document
from guides.documents import GuideDocument
from server.audit import AuditEntry
from server.db import Database
from tests.admin_client import sign_in
from tests.factories import make_admin, make_guide, make_workspace_app
from tests.html_form import form_fields

RICH_GUIDE: dict[str, Any] = {
    "kind": "walkthrough",
    "priority": 7,
    "frequency": "until_completed",
    "pages": {
        "include": [{"match": "prefix", "value": "/reports"}],
        "exclude": [{"match": "exact", "value": "/reports/old"}],
    },
    "audience": {
        "match": "any",
        "conditions": [{"trait": "plan", "op": "in", "value": ["pro", "team"]}],
        "history": [{"kind": "completed_guide", "guide": "welcome"}],
    },
    "trigger": {"type": "page_load", "delay_ms": 1500},
    "translations": {
        "fr": {
            "name": "Visite des rapports",
            "steps": [{"title": "Nouveau rapport", "body": "Cliquez **ici**."}, {"title": "Fin"}],
        },
        "pt-BR": {"steps": [{"body": "Clique aqui."}]},
    },
}


def stored(db: Database, slug: str = "reports") -> GuideDocument:
    with db.read() as session:
        guide = session.exec(select(Guide).where(Guide.slug == slug)).one()
        document = guide_document(session=session, guide=guide)
    assert document is not None
    return document


def editor_fields(client: TestClient, guide_id: int) -> list[tuple[str, str]]:
    page = client.get(f"/admin/guides/{guide_id}/edit")
    assert page.status_code == 200
    return form_fields(page.text, "editor")


def setup(client: TestClient, db: Database) -> int:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        guide = make_guide(session, app, "reports", steps=2, **RICH_GUIDE)
        assert guide.id
    sign_in(client, "owner@example.com")
    return guide.id


def submit(client: TestClient, guide_id: int, fields: list[tuple[str, str]], op: str) -> Any:
    pairs = [*(pair for pair in fields if pair[0] != "op"), ("op", op)]
    return client.post(
        f"/admin/guides/{guide_id}/edit",
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


class TestEveryField:
    def test_saving_the_editor_untouched_keeps_the_whole_guide(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        before = stored(db).to_plain()

        response = submit(client, guide_id, editor_fields(client, guide_id), "save")

        assert response.status_code == 303, response.text
        assert stored(db).to_plain() == before
        with db.read() as session:
            updates = session.exec(
                select(AuditEntry).where(col(AuditEntry.action) == "guide.update")
            ).all()
        assert updates == []  # nothing changed, nothing recorded


class TestTranslations:
    def test_a_language_is_added_translated_and_saved(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        added = submit(client, guide_id, editor_fields(client, guide_id), "add_locale")
        assert added.status_code == 200
        fields = form_fields(added.text, "editor")
        assert ("tr-2-locale", "") in fields
        typed = {
            "tr-2-locale": "de",
            "tr-2-name": "Berichte",
            "tr-2-1-title": "Ende",
        }
        fields = [(name, typed.get(name, value)) for name, value in fields]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 303, response.text
        assert stored(db).to_plain()["translations"]["de"] == {
            "name": "Berichte",
            "steps": [{"title": None, "body": None}, {"title": "Ende", "body": None}],
        }

    def test_moving_a_step_moves_its_translations(self, client: TestClient, db: Database) -> None:
        guide_id = setup(client, db)

        moved = submit(client, guide_id, editor_fields(client, guide_id), "move_down:0")
        saved = submit(client, guide_id, form_fields(moved.text, "editor"), "save")

        assert saved.status_code == 303
        french = stored(db).to_plain()["translations"]["fr"]["steps"]
        assert [step["title"] for step in french] == ["Fin", "Nouveau rapport"]

    def test_removing_a_language_deletes_it(self, client: TestClient, db: Database) -> None:
        guide_id = setup(client, db)

        removed = submit(client, guide_id, editor_fields(client, guide_id), "delete_locale:0")
        saved = submit(client, guide_id, form_fields(removed.text, "editor"), "save")

        assert saved.status_code == 303
        assert list(stored(db).to_plain()["translations"]) == ["pt-BR"]

    def test_a_bad_tag_and_a_repeated_one_show_next_to_their_fields(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        before = stored(db).to_plain()
        fields = editor_fields(client, guide_id)
        bad = [(n, {"tr-1-locale": "Brazil!"}.get(n, v)) for n, v in fields]
        twice = [(n, {"tr-1-locale": "fr", "tr-1-name": "encore"}.get(n, v)) for n, v in fields]

        wrong = submit(client, guide_id, bad, "save")
        repeated = submit(client, guide_id, twice, "save")

        assert wrong.status_code == 422
        assert "not a language tag" in wrong.context["form"].errors["tr-1-locale"]
        assert 'id="tr-1-locale-error"' in wrong.text
        assert 'value="Brazil!"' in wrong.text
        assert repeated.status_code == 422
        assert repeated.context["form"].errors == {"tr-1-locale": "this language is given twice"}
        assert 'value="encore"' in repeated.text
        assert stored(db).to_plain() == before


class TestSchedule:
    def test_the_schedule_is_written_in_utc_and_read_back(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"schedule_starts_at": "2026-12-01T09:00", "schedule_ends_at": "2027-01-15T18:30"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 303, response.text
        assert stored(db).to_plain()["schedule"] == {
            "starts_at": "2026-12-01T09:00:00Z",
            "ends_at": "2027-01-15T18:30:00Z",
        }
        shown = dict(editor_fields(client, guide_id))
        assert (shown["schedule_starts_at"], shown["schedule_ends_at"]) == (
            "2026-12-01T09:00",
            "2027-01-15T18:30",
        )

    def test_an_end_before_the_start_is_marked_at_the_end_and_nothing_is_lost(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"schedule_starts_at": "2026-12-01T09:00", "schedule_ends_at": "2026-11-01T09:00"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        assert response.context["form"].errors == {
            "schedule_ends_at": "the end must come after the start"
        }
        assert 'id="schedule_ends_at-error"' in response.text
        assert 'value="2026-11-01T09:00"' in response.text
        assert stored(db).to_plain()["schedule"] is None


class TestAdvance:
    def test_a_step_moves_on_when_its_element_is_clicked(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        fields = [
            (n, "target_click" if n == "steps-1-advance" else v)
            for n, v in editor_fields(client, guide_id)
        ]
        assert ("steps-0-advance", "button") in fields

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 303, response.text
        steps = stored(db).to_plain()["steps"]
        assert [step["advance"] for step in steps] == ["button", "target_click"]
        assert dict(editor_fields(client, guide_id))["steps-1-advance"] == "target_click"

    def test_a_click_rule_without_an_element_is_marked_at_the_step(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"steps-1-advance": "target_click", "steps-1-selector": "", "steps-1-target": ""}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        assert response.context["form"].errors == {
            "steps-1-advance": "clicking the element can only move on when the step has one"
        }
        assert 'id="steps-1-advance-error"' in response.text


def test_the_guide_page_shows_its_schedule_and_languages(client: TestClient, db: Database) -> None:
    guide_id = setup(client, db)
    typed = {"schedule_starts_at": "2026-12-01T09:00", "schedule_ends_at": ""}
    submit(
        client, guide_id, [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)], "save"
    )

    page = client.get(f"/admin/guides/{guide_id}")

    assert "from 2026-12-01 09:00 UTC" in page.text
    assert "<code>fr</code> <code>pt-BR</code>" in page.text


def test_a_walkthrough_step_names_its_own_button(client: TestClient, db: Database) -> None:
    guide_id = setup(client, db)
    fields = editor_fields(client, guide_id)
    assert ("steps-0-content.button", "") in fields
    typed = {"steps-0-content.button": "Show me"}

    response = submit(client, guide_id, [(n, typed.get(n, v)) for n, v in fields], "save")

    assert response.status_code == 303, response.text
    contents = [step["content"] for step in stored(db).to_plain()["steps"]]
    assert contents == [{"button": "Show me"}, {}]


class TestAdvanceByEventAndDelay:
    def test_an_event_and_a_delay_are_saved_and_shown_again(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"steps-0-advance_event": "  Report created ", "steps-1-advance_delay": "90"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 303, response.text
        steps = stored(db).to_plain()["steps"]
        assert [(s["advance_event"], s["advance_delay"]) for s in steps] == [
            ("Report created", None),
            (None, 90),
        ]
        shown = dict(editor_fields(client, guide_id))
        assert shown["steps-0-advance_event"] == "Report created"
        assert shown["steps-1-advance_delay"] == "90"

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("0", "Input should be greater than or equal to 1"),
            ("3601", "Input should be less than or equal to 3600"),
            ("soon", "Input should be a valid integer, unable to parse string as an integer"),
        ],
    )
    def test_a_bad_delay_is_marked_at_its_field_and_nothing_typed_is_lost(
        self, client: TestClient, db: Database, typed: str, message: str
    ) -> None:
        guide_id = setup(client, db)
        changes = {"steps-1-advance_delay": typed, "steps-0-title": "Typed title"}
        fields = [(n, changes.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        assert response.context["form"].errors == {"steps-1-advance_delay": message}
        assert 'id="steps-1-advance_delay-error"' in response.text
        assert response.context["form"].steps[1]["advance_delay"] == typed
        assert response.context["form"].steps[0]["title"] == "Typed title"

    def test_a_checklist_has_no_advance_fields(self, client: TestClient, db: Database) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
            guide = make_guide(
                session, app, "list", kind="checklist", steps=[{"content": {"id": "a"}}]
            )
        sign_in(client, "owner@example.com")

        names = dict(editor_fields(client, guide.id or 0))

        assert "steps-0-advance_event" not in names
        assert "steps-0-advance_delay" not in names


class TestGuideTheme:
    def test_the_guides_own_colours_are_saved_and_shown_again(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"theme_accent": "#0F766E", "theme_radius": "2", "theme_font": "Georgia, serif"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 303, response.text
        assert stored(db).to_plain()["theme"] == {
            "accent": "#0f766e",
            "radius": 2,
            "font": "Georgia, serif",
        }
        shown = dict(editor_fields(client, guide_id))
        assert (shown["theme_accent"], shown["theme_radius"], shown["theme_text"]) == (
            "#0f766e",
            "2",
            "",
        )
        assert shown["theme_font"] == "Georgia, serif"

    def test_a_font_that_is_not_a_family_list_is_marked_at_its_field(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"theme_font": "url(https://evil.example/x.woff)"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        assert list(response.context["form"].errors) == ["theme_font"]
        assert 'id="theme_font-error"' in response.text
        assert stored(db).to_plain()["theme"] is None

    def test_an_unreadable_theme_is_marked_at_its_field_and_nothing_typed_is_lost(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        typed = {"theme_background": "#111827", "steps-0-title": "Typed title"}
        fields = [(n, typed.get(n, v)) for n, v in editor_fields(client, guide_id)]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        form = response.context["form"]
        assert form.errors == {
            "theme_background": "contrast with text is 1.2:1; "
            "it needs at least 4.5:1 to be readable"
        }
        assert form.form_error == "Nothing was saved. Please fix the fields marked below."
        assert 'id="theme_background-error"' in response.text
        assert 'value="#111827"' in response.text
        assert form.steps[0]["title"] == "Typed title"
        assert stored(db).to_plain()["theme"] is None

    def test_a_colour_that_is_not_one_is_marked_at_its_field(
        self, client: TestClient, db: Database
    ) -> None:
        guide_id = setup(client, db)
        fields = [
            (n, "teal" if n == "theme_accent" else v) for n, v in editor_fields(client, guide_id)
        ]

        response = submit(client, guide_id, fields, "save")

        assert response.status_code == 422
        assert response.context["form"].errors == {"theme_accent": "use a colour like #4338ca"}


class TestDragToReorder:
    def test_a_step_dropped_elsewhere_moves_there_with_its_translations(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
            guide = make_guide(
                session, app, "reports", steps=3, translations=RICH_GUIDE["translations"]
            )
        sign_in(client, "owner@example.com")
        fields = editor_fields(client, guide.id or 0)

        response = submit(client, guide.id or 0, fields, "move_to:2:0")

        assert response.status_code == 200
        form = response.context["form"]
        assert [step["title"] for step in form.steps] == ["Step 3", "Step 1", "Step 2"]
        assert [step["title"] for step in form.translations[0]["steps"]] == [
            "",
            "Nouveau rapport",
            "Fin",
        ]
        assert stored(db).to_plain()["steps"][0]["title"] == "Step 1"  # not saved yet

    @pytest.mark.parametrize("op", ["move_to:5:0", "move_to:0:9", "move_to:x:1", "move_to:1"])
    def test_a_move_outside_the_steps_changes_nothing(
        self, client: TestClient, db: Database, op: str
    ) -> None:
        guide_id = setup(client, db)

        response = submit(client, guide_id, editor_fields(client, guide_id), op)

        assert response.status_code == 200
        assert [step["title"] for step in response.context["form"].steps] == ["Step 1", "Step 2"]


def test_the_guide_page_shows_its_advance_rules_and_theme(client: TestClient, db: Database) -> None:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        steps = [{"title": "One", "advance_event": "Report <b>made</b>"}, {"advance_delay": 30}]
        guide = make_guide(
            session, app, "rules", steps=steps, kind="walkthrough", theme={"radius": 0}
        )
    sign_in(client, "owner@example.com")

    page = client.get(f"/admin/guides/{guide.id}")

    assert page.status_code == 200
    assert "moves on when <code>Report &lt;b&gt;made&lt;/b&gt;</code> happens" in page.text
    assert "moves on after 30 s" in page.text
    assert "its own: <code>radius 0</code>" in page.text
