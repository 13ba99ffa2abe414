"""Choosing what an app's resource center lists: editors tick and order guides, checklists
and articles; the SDK's session answer carries exactly that selection; a bad save keeps what
was typed; articles are searchable in the admin; viewers only read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from guides import App, publish_guide, save_guide
from server.audit import AuditEntry
from server.db import Database
from tests.admin_client import post, sign_in
from tests.factories import (
    ORIGIN,
    guide_document,
    make_admin,
    make_published_guide,
    make_workspace_app,
    session_body,
)

ARTICLES = [
    {
        "title": "Exporting reports",
        "body": "Use **Export** on any report.",
        "content": {"id": "export", "keywords": ["csv", "download"]},
    },
    {
        "title": "Billing and invoices",
        "body": "Invoices arrive monthly.",
        "content": {"id": "billing"},
    },
]


def publish(db_session: Any, app: App, slug: str, kind: str, steps: Any) -> None:
    assert app.id is not None
    guide = save_guide(
        session=db_session,
        app_id=app.id,
        document=guide_document(slug, steps, kind=kind),
    ).guide
    assert guide.id is not None
    publish_guide(session=db_session, guide_id=guide.id, author="tests")


@pytest.fixture
def app_id(db: Database) -> int:
    with db.write() as session:
        make_admin(session, "owner@example.com", "owner")
        make_admin(session, "viewer@example.com", "viewer")
        app = make_workspace_app(session)
        make_published_guide(session, app, "tour", steps=2)
        publish(session, app, "setup", "checklist", [{"title": "Connect", "content": {"id": "c1"}}])
        publish(session, app, "help", "resource_center", ARTICLES)
        assert app.id
        return app.id


def sdk_session(client: TestClient, db: Database, app_id: int) -> dict[str, Any]:
    with db.read() as session:
        app = session.get(App, app_id)
        assert app is not None
        body = session_body(app)
    response = client.post(
        "/sdk/v1/session",
        content=json.dumps(body),
        headers={"content-type": "text/plain;charset=UTF-8", "origin": ORIGIN},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def page_of(app_id: int) -> str:
    return f"/admin/apps/{app_id}/resource-center/"


class TestChoosing:
    def test_the_chosen_entries_reach_the_sdk_in_the_order_given(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        assert "resource_center" not in sdk_session(client, db, app_id)
        csrf = sign_in(client, "owner@example.com")
        before = client.get(page_of(app_id))
        assert [row.key for row in before.context["rows"]] == [
            "guide:setup",
            "guide:tour",
            "article:help:export",
            "article:help:billing",
        ]

        response = client.post(
            page_of(app_id),
            data={
                "csrf_token": csrf,
                "op": "save",
                "item": ["guide:tour", "article:help:billing", "guide:setup"],
                "position-guide:tour": "3",
                "position-article:help:billing": "1",
                "position-guide:setup": "2",
            },
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert sdk_session(client, db, app_id)["resource_center"] == [
            {"type": "article", "guide": "help", "id": "billing"},
            {"type": "guide", "slug": "setup"},
            {"type": "guide", "slug": "tour"},
        ]
        shown = client.get(response.headers["location"])
        assert "lists exactly the ticked entries" in shown.text
        ticked = [row.key for row in shown.context["rows"] if row.key in shown.context["listed"]]
        assert ticked == ["article:help:billing", "guide:setup", "guide:tour"]
        with db.read() as session:
            entry = session.exec(
                select(AuditEntry).where(AuditEntry.action == "app.resource_center")
            ).one()
        assert entry.before == {"entries": None}
        assert entry.after is not None and len(entry.after["entries"]) == 3

    def test_listing_everything_again_removes_the_selection(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        post(client, page_of(app_id), csrf, op="save", item="guide:tour")
        assert sdk_session(client, db, app_id)["resource_center"] == [
            {"type": "guide", "slug": "tour"}
        ]

        post(client, page_of(app_id), csrf, op="all")

        assert "resource_center" not in sdk_session(client, db, app_id)

    def test_ticking_nothing_lists_nothing(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        post(client, page_of(app_id), csrf, op="save")

        assert sdk_session(client, db, app_id)["resource_center"] == []


ALL_FOUR = ["guide:setup", "guide:tour", "article:help:export", "article:help:billing"]


def moved(client: TestClient, app_id: int, csrf: str, op: str, items: list[str]) -> Any:
    """What the page posts when an entry is dragged or moved by ↑/↓: the ticked items and the
    listed rows in the order shown."""
    return client.post(
        page_of(app_id),
        data={"csrf_token": csrf, "op": op, "item": items, "row": ALL_FOUR},
        follow_redirects=False,
    )


class TestMoving:
    def test_the_page_offers_drag_handles_and_arrow_buttons_for_listed_entries(
        self, client: TestClient, app_id: int
    ) -> None:
        sign_in(client, "owner@example.com")

        response = client.get(page_of(app_id))

        assert response.template.name == "apps/resource_center.html"
        assert response.text.count('draggable="true"') == 4
        assert 'data-reorder="entry-"' in response.text
        assert 'value="move_up:0" disabled' in response.text
        assert 'value="move_down:3" disabled' in response.text
        assert 'aria-label="Move Billing and invoices up"' in response.text

    @pytest.mark.parametrize(
        ("op", "order"),
        [
            (
                "move_to:3:0",
                ["article:help:billing", "guide:setup", "guide:tour", "article:help:export"],
            ),
            (
                "move_to:0:2",
                ["guide:tour", "article:help:export", "guide:setup", "article:help:billing"],
            ),
            (
                "move_up:1",
                ["guide:tour", "guide:setup", "article:help:export", "article:help:billing"],
            ),
            (
                "move_down:1",
                ["guide:setup", "article:help:export", "guide:tour", "article:help:billing"],
            ),
        ],
    )
    def test_a_drag_or_an_arrow_saves_the_new_order_for_the_sdk(
        self, client: TestClient, db: Database, app_id: int, op: str, order: list[str]
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = moved(client, app_id, csrf, op, ALL_FOUR)

        assert response.status_code == 303
        shown = client.get(response.headers["location"])
        assert "Moved and saved" in shown.text
        assert [row.key for row in shown.context["rows"]] == order
        assert len(sdk_session(client, db, app_id)["resource_center"]) == 4

    def test_a_moved_list_keeps_only_the_ticked_entries_and_adds_newly_ticked_last(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        post(client, page_of(app_id), csrf, op="save", item=["guide:setup", "guide:tour"])

        response = client.post(
            page_of(app_id),
            data={
                "csrf_token": csrf,
                "op": "move_to:1:0",
                "item": ["guide:setup", "guide:tour", "article:help:export"],
                "row": ["guide:setup", "guide:tour"],
            },
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert sdk_session(client, db, app_id)["resource_center"] == [
            {"type": "guide", "slug": "tour"},
            {"type": "guide", "slug": "setup"},
            {"type": "article", "guide": "help", "id": "export"},
        ]

    @pytest.mark.parametrize(
        "op", ["move_to:9:0", "move_to:0:", "move_up:x", "move_to:1:" + "9" * 5000]
    )
    def test_a_move_out_of_range_changes_nothing_and_is_no_error(
        self, client: TestClient, db: Database, app_id: int, op: str
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = moved(client, app_id, csrf, op, ALL_FOUR)

        assert response.status_code == 303
        assert [
            e.get("slug") or e.get("id") for e in sdk_session(client, db, app_id)["resource_center"]
        ] == [
            "setup",
            "tour",
            "export",
            "billing",
        ]

    def test_a_viewer_may_not_move_entries(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "viewer@example.com")

        response = moved(client, app_id, csrf, "move_to:3:0", ALL_FOUR)

        assert response.status_code == 403
        assert "resource_center" not in sdk_session(client, db, app_id)


class TestBadInput:
    def test_a_bad_position_shows_next_to_its_field_and_keeps_what_was_typed(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = client.post(
            page_of(app_id),
            data={
                "csrf_token": csrf,
                "op": "save",
                "item": ["guide:tour", "guide:setup"],
                "position-guide:tour": "first",
                "position-guide:setup": "7",
            },
        )

        assert response.status_code == 400
        assert response.context["errors"] == {"position-guide:tour": "use a whole number, e.g. 3"}
        assert 'value="first"' in response.text and 'value="7"' in response.text
        assert response.context["listed"] == {"guide:tour", "guide:setup"}
        assert "resource_center" not in sdk_session(client, db, app_id)

    def test_an_entry_that_is_not_of_this_app_is_refused(
        self, client: TestClient, db: Database, app_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = post(client, page_of(app_id), csrf, op="save", item="guide:elsewhere")

        assert response.status_code == 400
        assert "is not a guide or article of this app" in response.context["errors"]["items"]
        assert "resource_center" not in sdk_session(client, db, app_id)


class TestArticleSearch:
    @pytest.mark.parametrize(
        ("query", "titles"),
        [
            ("", ["Exporting reports", "Billing and invoices"]),
            ("csv", ["Exporting reports"]),
            ("INVOICES monthly", ["Billing and invoices"]),
            ("nothing like this", []),
        ],
    )
    def test_search_matches_titles_bodies_and_keywords(
        self, client: TestClient, app_id: int, query: str, titles: list[str]
    ) -> None:
        sign_in(client, "viewer@example.com")

        response = client.get(page_of(app_id), params={"q": query})

        assert [article.title for article in response.context["found"]] == titles


class TestViewers:
    def test_a_viewer_reads_the_list_without_controls(
        self, client: TestClient, app_id: int
    ) -> None:
        sign_in(client, "viewer@example.com")

        response = client.get(page_of(app_id))

        assert response.status_code == 200
        assert "Save the list" not in response.text
        assert 'name="item"' in response.text and " disabled" in response.text
        assert 'draggable="true"' not in response.text and "move_up:" not in response.text
