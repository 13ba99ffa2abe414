"""Guides in the admin: the list and its filters, the editor (steps, validation next to each
field, nothing typed lost), and the lifecycle (publish, versions, rollback, duplicate)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from guides import Guide, GuideStep, GuideVersion
from guides.kinds import KINDS
from server.db import Database
from tests.admin_client import post, sign_in
from tests.factories import make_admin, make_guide, make_published_guide, make_workspace_app
from tests.test_admin_access import GUIDE_FORM


def signed_in_owner(client: TestClient, db: Database) -> tuple[str, Any]:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
    return sign_in(client, "owner@example.com"), app


class TestGuideList:
    def test_filters_by_text_kind_status_and_page(self, client: TestClient, db: Database) -> None:
        _, app = signed_in_owner(client, db)
        with db.write() as session:
            make_published_guide(
                session,
                app,
                "welcome-tour",
                steps=3,
                pages={"include": [{"match": "exact", "value": "/dashboard"}]},
            )
            make_guide(
                session,
                app,
                "export-tip",
                steps=1,
                pages={"include": [{"match": "prefix", "value": "/reports"}]},
            )
        base = f"/admin/apps/{app.id}/guides/"

        everything = client.get(base)
        tours = client.get(base + "?q=TOUR")
        tooltips = client.get(base + "?kind=tooltip")
        published = client.get(base + "?status=published")
        reports = client.get(base + "?page=/reports")
        recent = client.get(base + "?edited=1")
        none = client.get(base + "?q=nothing-like-this")

        assert everything.template.name == "guides/list.html"

        def slugs(response: Any) -> list[str]:
            return [row.guide.slug for row in response.context["rows"]]

        assert sorted(slugs(everything)) == ["export-tip", "welcome-tour"]
        assert slugs(tours) == ["welcome-tour"]
        assert slugs(tooltips) == ["export-tip"]
        assert slugs(published) == ["welcome-tour"]
        assert slugs(reports) == ["export-tip"]
        assert sorted(slugs(recent)) == ["export-tip", "welcome-tour"]
        assert slugs(none) == []
        assert "No guide matches these filters." in none.text


TEMPLATES = Path(__file__).parent.parent / "admin" / "templates"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_guide_kind_has_a_partial_with_its_own_fields(kind: str) -> None:
    assert (TEMPLATES / "guides" / "kinds" / f"_{kind}.html").is_file()


class TestGuideEditor:
    def test_creating_a_walkthrough_saves_a_draft_with_rendered_content(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)

        response = post(client, f"/admin/apps/{app.id}/guides/new", csrf, **GUIDE_FORM)

        with db.read() as session:
            guide = session.exec(select(Guide)).one()
            steps = session.exec(select(GuideStep).order_by(GuideStep.position)).all()
        assert response.status_code == 303
        assert response.headers["location"] == (
            f"http://testserver/admin/guides/{guide.id}?done=created"
        )
        assert (guide.slug, guide.name, guide.kind, guide.status) == (
            "new-tour",
            "Tour",
            "walkthrough",
            "draft",
        )
        assert guide.pages == {
            "include": [{"match": "exact", "value": "/dashboard"}],
            "exclude": [],
        }
        assert [(s.title, s.body_html, s.target) for s in steps] == [
            ("Hello", "<p>Some <strong>text</strong></p>", {"selector": "#a"}),
            ("Next", "<p>More</p>", {"selector": "#b"}),
        ]
        page = client.get(response.headers["location"])
        assert page.template.name == "guides/detail.html"
        assert "The guide was created as a draft." in page.text

    def test_errors_show_next_to_their_fields_and_nothing_typed_is_lost(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        form = {
            **GUIDE_FORM,
            "name": "",
            "priority": "lots",
            "pages_include": "regex ([",
            "audience": "plan sometimes pro",
            "steps-1-body": "x" * 20_001,
        }

        response = post(client, f"/admin/apps/{app.id}/guides/new", csrf, **form)

        assert response.status_code == 422
        assert response.template.name == "guides/edit.html"
        errors = response.context["form"].errors
        assert set(errors) == {"name", "priority", "pages_include", "audience", "steps-1-body"}
        assert response.context["form"].values["pages_include"] == "regex (["
        assert response.context["form"].steps[1]["body"] == "x" * 20_001
        assert 'id="steps-1-body-error"' in response.text
        assert 'aria-describedby="pages_include-error"' in response.text
        assert "Nothing was saved." in response.text
        with db.read() as session:
            assert session.exec(select(Guide)).all() == []

    def test_a_tooltip_with_two_steps_is_refused_with_the_reason(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)

        response = post(
            client, f"/admin/apps/{app.id}/guides/new", csrf, **{**GUIDE_FORM, "kind": "tooltip"}
        )

        assert response.status_code == 422
        assert response.context["form"].form_error == "a tooltip has exactly one step"
        assert 'id="steps-error"' in response.text

    def test_changing_the_kind_shows_that_kinds_fields_without_saving(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        url = f"/admin/apps/{app.id}/guides/new"

        tooltip = post(client, url, csrf, **{**GUIDE_FORM, "kind": "tooltip", "op": "refresh"})
        walkthrough = post(client, url, csrf, **{**GUIDE_FORM, "op": "refresh"})

        assert tooltip.status_code == walkthrough.status_code == 200
        assert tooltip.context["spec"].name == "tooltip"
        assert 'name="steps-0-content.button"' in tooltip.text
        assert "Add a step" not in tooltip.text
        assert "default: Got it" in tooltip.text and "default: Got it" not in walkthrough.text
        assert "Add a step" in walkthrough.text
        with db.read() as session:
            assert session.exec(select(Guide)).all() == []

    def test_a_survey_is_written_with_its_own_fields_and_read_back(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        form = {
            **{k: v for k, v in GUIDE_FORM.items() if not k.startswith("steps-")},
            "kind": "survey",
            "steps-0-title": "How do you like reports?",
            "steps-0-body": "",
            "steps-0-selector": "",
            "steps-0-placement": "auto",
            "steps-0-missing_target": "skip",
            "steps-0-content.id": "q1",
            "steps-0-content.scale": "single",
            "steps-0-content.required": "false",
            "steps-0-content.options": "good: Good\nbad: Not great",
        }

        created = post(client, f"/admin/apps/{app.id}/guides/new", csrf, **form)

        with db.read() as session:
            guide = session.exec(select(Guide)).one()
            (step,) = session.exec(select(GuideStep)).all()
        assert created.status_code == 303
        assert step.content == {
            "id": "q1",
            "scale": "single",
            "options": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Not great"}],
            "required": False,
        }
        editor = client.get(f"/admin/guides/{guide.id}/edit")
        assert editor.context["form"].steps[0]["content"] == {
            "id": "q1",
            "scale": "single",
            "options": "good: Good\nbad: Not great",
            "required": "false",
        }
        assert 'name="steps-0-content.options"' in editor.text

    @pytest.mark.parametrize("kind", ["checklist", "resource_center"])  # items, articles
    def test_a_bad_content_field_is_named_next_to_it(
        self, client: TestClient, db: Database, kind: str
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        form = {
            **GUIDE_FORM,
            "kind": kind,
            "steps-0-selector": "",
            "steps-1-selector": "",
            "steps-0-content.id": "Not An Id",
            "steps-1-content.id": "second",
        }

        response = post(client, f"/admin/apps/{app.id}/guides/new", csrf, **form)

        assert response.status_code == 422
        assert set(response.context["form"].errors) == {"steps-0-content.id"}
        assert 'id="steps-0-content-id-error"' in response.text
        assert response.context["form"].steps[0]["content"]["id"] == "Not An Id"

    def test_steps_are_added_moved_and_deleted_without_saving(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        url = f"/admin/apps/{app.id}/guides/new"

        added = post(client, url, csrf, **{**GUIDE_FORM, "op": "add_step"})
        moved = post(client, url, csrf, **{**GUIDE_FORM, "op": "move_down:0"})
        deleted = post(client, url, csrf, **{**GUIDE_FORM, "op": "delete_step:0"})

        assert [s["title"] for s in added.context["form"].steps] == ["Hello", "Next", ""]
        assert [s["title"] for s in moved.context["form"].steps] == ["Next", "Hello"]
        assert [s["title"] for s in deleted.context["form"].steps] == ["Next"]
        assert moved.template.name == "guides/edit.html"
        with db.read() as session:
            assert session.exec(select(Guide)).all() == []

    def test_preview_renders_the_markdown_sanitized(self, client: TestClient, db: Database) -> None:
        csrf, app = signed_in_owner(client, db)
        form = {
            **GUIDE_FORM,
            "steps-0-body": "**Hi** <script>alert(1)</script> [x](javascript:alert(1))",
            "op": "preview",
        }

        response = post(client, f"/admin/apps/{app.id}/guides/new", csrf, **form)

        assert response.context["previews"][0] == (
            "<p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt; "
            "[x](javascript:alert(1))</p>"
        )
        assert "<script>alert(1)</script>" not in response.text

    def test_editing_keeps_the_slug_and_records_before_and_after(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        with db.write() as session:
            guide = make_guide(session, app, "welcome", steps=2)
        form = {**GUIDE_FORM, "slug": "hijacked", "name": "Welcome back"}

        response = post(client, f"/admin/guides/{guide.id}/edit", csrf, **form)

        with db.read() as session:
            fresh = session.get(Guide, guide.id)
        assert response.status_code == 303
        assert fresh is not None and (fresh.slug, fresh.name) == ("welcome", "Welcome back")
        editor = client.get(f"/admin/guides/{guide.id}/edit")
        assert editor.context["form"].values["name"] == "Welcome back"
        assert editor.context["form"].values["picker_url"] == "https://app.example.com/dashboard"


class TestLifecycle:
    def test_publish_edit_publish_then_roll_back_to_the_first_version(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        with db.write() as session:
            guide = make_guide(session, app, "welcome", steps=2)
        base = f"/admin/guides/{guide.id}"

        post(client, base + "/publish", csrf)
        post(client, base + "/edit", csrf, **{**GUIDE_FORM, "steps-0-title": "Hello v2"})
        detail = client.get(base)
        post(client, base + "/publish", csrf)
        history = client.get(base + "/versions")
        rolled = post(client, base + "/rollback", csrf, number="1")
        after = client.get(rolled.headers["location"])

        assert detail.context["unpublished_changes"] is True
        assert "The draft has changes that are not live yet." in detail.text
        assert [item["version"].number for item in history.context["history"]] == [2, 1]
        assert history.context["history"][0]["changes"] == [
            "name changed",
            "pages changed",
            "step 1: title, content, target changed",
            "step 2: title, content, target changed",
        ]
        assert history.context["history"][1]["changes"] == ["first version"]
        assert history.context["history"][0]["version"].published_by == "owner@example.com"
        assert after.context["guide"].live_version == 1
        assert "Rolled back: version 1 is live again." in after.text

    def test_duplicate_makes_a_draft_copy_under_a_free_slug(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        with db.write() as session:
            guide = make_published_guide(session, app, "welcome", steps=2)

        first = post(client, f"/admin/guides/{guide.id}/duplicate", csrf)
        second = post(client, f"/admin/guides/{guide.id}/duplicate", csrf)

        with db.read() as session:
            rows = session.exec(select(Guide).order_by(Guide.id)).all()
            versions = session.exec(select(GuideVersion)).all()
        assert [(g.slug, g.name, g.status) for g in rows] == [
            ("welcome", "Welcome", "published"),
            ("welcome-copy", "Welcome (copy)", "draft"),
            ("welcome-copy-2", "Welcome (copy)", "draft"),
        ]
        assert len(versions) == 1
        assert first.headers["location"].endswith(f"/admin/guides/{rows[1].id}?done=duplicated")
        assert second.status_code == 303

    def test_unpublish_and_archive(self, client: TestClient, db: Database) -> None:
        csrf, app = signed_in_owner(client, db)
        with db.write() as session:
            guide = make_published_guide(session, app, "welcome", steps=2)

        post(client, f"/admin/guides/{guide.id}/unpublish", csrf)
        unpublished = client.get(f"/admin/guides/{guide.id}")
        post(client, f"/admin/guides/{guide.id}/archive", csrf)
        archived = client.get(f"/admin/guides/{guide.id}")

        assert (unpublished.context["guide"].status, unpublished.context["guide"].live_version) == (
            "draft",
            None,
        )
        assert archived.context["guide"].status == "archived"
        assert "Archive</button>" not in archived.text

    def test_a_viewer_reads_guides_and_versions_without_any_edit_control(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session, "viewer@example.com", "viewer")
            app = make_workspace_app(session)
            guide = make_published_guide(session, app, "welcome", steps=2)
        sign_in(client, "viewer@example.com")

        pages = [
            client.get(f"/admin/apps/{app.id}/guides/"),
            client.get(f"/admin/guides/{guide.id}"),
            client.get(f"/admin/guides/{guide.id}/versions"),
            client.get(f"/admin/guides/{guide.id}/versions/1"),
        ]

        for page in pages:
            assert page.status_code == 200
            assert page.text.count('method="post"') == 1  # log out
            for control in (
                "New guide",
                ">Publish<",
                "Edit</a>",
                "Roll back",
                "Preview this draft",
            ):
                assert control not in page.text


class TestTargets:
    def test_saving_keeps_the_clues_of_a_target_the_form_does_not_show(
        self, client: TestClient, db: Database
    ) -> None:
        csrf, app = signed_in_owner(client, db)
        with db.write() as session:
            guide = make_guide(
                session,
                app,
                "welcome",
                steps=[
                    {"title": "A", "target": {"test_id": "new-report", "text": "New report"}},
                    {"title": "B", "target": {"selector": "#share", "label": "Share"}},
                    {"title": "C", "target": {"selector": "#old", "label": "Old"}},
                ],
                kind="walkthrough",
            )
        editor = client.get(f"/admin/guides/{guide.id}/edit")
        form = {k: v for k, v in GUIDE_FORM.items() if not k.startswith("steps-")}
        for index, step in enumerate(editor.context["form"].steps):
            for key in ("title", "body", "selector", "target", "placement", "missing_target"):
                form[f"steps-{index}-{key}"] = step[key]
        form["steps-2-selector"] = "#new"  # typed by hand: the old clues go

        saved = post(client, f"/admin/guides/{guide.id}/edit", csrf, **form)

        with db.read() as session:
            steps = session.exec(select(GuideStep).order_by(col(GuideStep.position))).all()
            targets = [step.target for step in steps]
        assert saved.status_code == 303
        assert targets == [
            {"test_id": "new-report", "text": "New report"},
            {"selector": "#share", "label": "Share"},
            {"selector": "#new"},
        ]
