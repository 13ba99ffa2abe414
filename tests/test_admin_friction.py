"""The friction report in the admin: every member reads it, rows are ranked from the
struggle rollups, "Create a guide here" opens the editor prefilled; and the app's struggle
switch on its edit page reaches the SDK's session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from analytics import EventBatch, record_events
from guides import App
from server.db import Database
from tests.admin_client import post, sign_in
from tests.factories import ORIGIN, event, make_admin, make_workspace_app, session_body


def struggle(signal: str, selector: str, page: str = "/reports", text: str = "Export") -> Any:
    return event(
        "struggle_detected",
        url=f"{ORIGIN}{page}",
        properties={
            "signal": signal,
            "count": 3,
            "role": "button",
            "text": text,
            "selector": selector,
        },
    )


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        make_admin(session)
        make_admin(session, "viewer@example.com", role="viewer")
        make_admin(session, "stranger@example.com", workspace="Other team")
        app = make_workspace_app(session)
    for user, events in {
        "u1": [struggle("rage_click", "#export"), struggle("dead_click", "#export")],
        "u2": [struggle("dead_click", "#export")],
        "u3": [struggle("u_turn", "", page="/billing")],
    }.items():
        with db.write() as session:
            record_events(
                session=session,
                app=app,
                batch=EventBatch.model_validate(
                    {"app_key": app.public_key, "anonymous_id": user, "events": events}
                ),
                received_at=datetime.now(UTC),
            )
    return app


class TestFrictionReport:
    def test_a_viewer_reads_the_places_worst_first_without_a_create_button(
        self, client: TestClient, app: App
    ) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(f"/admin/apps/{app.id}/friction/")

        assert page.status_code == 200
        assert page.template.name == "friction/report.html"  # type: ignore[attr-defined]
        rows = page.context["report"].rows  # type: ignore[attr-defined]
        assert [(r.page, r.selector, r.users, r.occurrences) for r in rows] == [
            ("/reports", "#export", 2, 3),
            ("/billing", "", 1, 1),
        ]
        assert "Dead clicks" in page.text and "Rage clicks" in page.text
        assert "The whole page" in page.text
        assert "66.7%" in page.text  # 2 of the 3 sessions struggled on Export
        assert "Create a guide here" not in page.text

    def test_an_editor_creates_a_guide_from_a_row_with_page_and_target_filled_in(
        self, client: TestClient, app: App
    ) -> None:
        sign_in(client, "owner@example.com")
        page = client.get(f"/admin/apps/{app.id}/friction/")
        (first, link), _ = page.context["rows"]  # type: ignore[attr-defined]

        editor = client.get(link)

        assert first.selector == "#export"
        assert urlsplit(link).path == f"/admin/apps/{app.id}/guides/new"
        assert editor.template.name == "guides/edit.html"  # type: ignore[attr-defined]
        form = editor.context["form"]  # type: ignore[attr-defined]
        assert (form.kind, form.values["pages_include"], form.values["name"]) == (
            "tooltip",
            "/reports",
            "Help with Export",
        )
        assert form.steps[0]["selector"] == "#export"
        assert 'value="#export"' in editor.text

    def test_grouped_by_page_and_filtered_by_signal(self, client: TestClient, app: App) -> None:
        sign_in(client, "viewer@example.com")

        by_page = client.get(f"/admin/apps/{app.id}/friction/?by=page&days=7")
        u_turns = client.get(f"/admin/apps/{app.id}/friction/?signal=u_turn&by=nonsense")

        assert [(r.page, r.users) for r in by_page.context["report"].rows] == [  # type: ignore[attr-defined]
            ("/reports", 2),
            ("/billing", 1),
        ]
        assert u_turns.context["by"] == "element"  # type: ignore[attr-defined]
        assert [r.page for r in u_turns.context["report"].rows] == ["/billing"]  # type: ignore[attr-defined]

    def test_another_workspace_cannot_see_it(self, client: TestClient, app: App) -> None:
        sign_in(client, "stranger@example.com")

        response = client.get(f"/admin/apps/{app.id}/friction/")

        assert response.status_code == 404

    def test_the_main_menu_leads_to_the_first_apps_report(
        self, client: TestClient, app: App
    ) -> None:
        sign_in(client, "viewer@example.com")

        response = client.get("/admin/friction", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"] == f"http://testserver/admin/apps/{app.id}/friction/"
        assert ">Friction</a>" in client.get("/admin/apps/").text
        assert 'href="http://testserver/admin/friction"' in client.get("/admin/apps/").text


class TestStruggleSwitch:
    FORM = {"name": "Acme", "origins": ORIGIN, "struggle_form": "1"}

    def test_an_owner_turns_signals_off_and_the_sdk_session_says_so(
        self, client: TestClient, app: App
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        edit = client.get(f"/admin/apps/{app.id}/edit")
        assert edit.context["values"]["struggle_enabled"] == "on"  # type: ignore[attr-defined]

        response = post(
            client,
            f"/admin/apps/{app.id}/edit",
            csrf,
            **self.FORM,
            struggle_enabled="on",
            struggle_rage_click="on",
            struggle_step_stall="on",
            struggle_stall_seconds="20",
        )
        session = client.post("/sdk/v1/session", json=session_body(app), headers={"Origin": ORIGIN})

        assert response.status_code == 303
        assert session.json()["struggle"] == {
            "enabled": True,
            "signals": ["rage_click", "step_stall"],
            "stall_ms": 20000,
        }

    def test_switched_off_the_sdk_is_told_not_to_detect(self, client: TestClient, app: App) -> None:
        csrf = sign_in(client, "owner@example.com")

        post(client, f"/admin/apps/{app.id}/edit", csrf, **self.FORM, struggle_stall_seconds="60")
        session = client.post("/sdk/v1/session", json=session_body(app), headers={"Origin": ORIGIN})

        assert session.json()["struggle"]["enabled"] is False

    def test_a_bad_stall_time_shows_next_to_its_field(self, client: TestClient, app: App) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            f"/admin/apps/{app.id}/edit",
            csrf,
            **self.FORM,
            struggle_enabled="on",
            struggle_stall_seconds="1",
        )

        assert response.status_code == 422
        assert response.context["errors"] == {  # type: ignore[attr-defined]
            "struggle.stall_seconds": "Input should be greater than or equal to 2"
        }
        assert (
            'id="struggle-stall_seconds-error"' in response.text or "greater than" in response.text
        )


class TestStruggleTriggerInTheEditor:
    def test_an_editor_saves_a_guide_that_starts_when_users_rage_click_export(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        from guides import store
        from tests.test_admin_access import GUIDE_FORM

        csrf = sign_in(client, "owner@example.com")
        response = post(
            client,
            f"/admin/apps/{app.id}/guides/new",
            csrf,
            **{
                **GUIDE_FORM,
                "trigger_type": "struggle",
                "trigger_signal": "rage_click",
                "trigger_selector": "#export",
                "trigger_cooldown_seconds": "600",
            },
        )

        assert response.status_code == 303
        with db.read() as session:
            guide = store.guide_by_slug(session, app.id or 0, GUIDE_FORM["slug"])
        assert guide is not None
        assert guide.trigger == {
            "type": "struggle",
            "delay_ms": 0,
            "signal": "rage_click",
            "selector": "#export",
            "cooldown_seconds": 600,
        }
        editor = client.get(f"/admin/guides/{guide.id}/edit")
        assert editor.context["form"].values["trigger_signal"] == "rage_click"  # type: ignore[attr-defined]
        assert 'value="#export"' in editor.text

    def test_a_struggle_trigger_without_a_signal_is_refused_next_to_the_field(
        self, client: TestClient, app: App
    ) -> None:
        from tests.test_admin_access import GUIDE_FORM

        csrf = sign_in(client, "owner@example.com")
        response = post(
            client,
            f"/admin/apps/{app.id}/guides/new",
            csrf,
            **{**GUIDE_FORM, "trigger_type": "struggle", "trigger_step": "2"},
        )

        assert response.status_code == 422
        assert response.context["form"].errors == {  # type: ignore[attr-defined]
            "trigger_type": "a struggle trigger needs a signal"
        }
