"""`POST /sdk/v1/session`: who may call it, what it refuses, and which guides it delivers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from sqlmodel import func, select
from starlette.testclient import TestClient

from guides import (
    App,
    EndUser,
    Guide,
    publish_guide,
    rollback_guide,
    save_guide,
    unpublish_guide,
)
from guides.labels import ENGLISH
from guides.targeting import PageRules
from guides.themes import DEFAULT_THEME
from sdk import DIST_PATH
from server.db import Database
from server.sdk_api import Bundle
from tests.factories import (
    ORIGIN,
    event,
    event_batch,
    guide_document,
    make_app,
    make_guide,
    make_published_guide,
    session_body,
)

TEXT_PLAIN = "text/plain;charset=UTF-8"
PRO_ONLY = {"match": "all", "conditions": [{"trait": "plan", "op": "eq", "value": "pro"}]}

DEFAULT_STRUGGLE = {
    "enabled": True,
    "signals": [
        "rage_click",
        "dead_click",
        "error_click",
        "form_abandoned",
        "u_turn",
        "step_stall",
        "guide_restart",
    ],
    "stall_ms": 60000,
}


def post(
    client: TestClient,
    body: Any,
    *,
    origin: str | None = ORIGIN,
    content_type: str | None = TEXT_PLAIN,
    path: str = "/sdk/v1/session",
) -> httpx.Response:
    """As the SDK sends it: JSON in a text/plain body, so the browser needs no preflight."""
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if content_type is not None:
        headers["Content-Type"] = content_type
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, content=content, headers=headers)


def delivered_guide(guide: Guide, version: int = 1, steps: int = 1) -> dict[str, Any]:
    """What the SDK receives for a factory-made guide."""
    return {
        "id": guide.id,
        "slug": guide.slug,
        "version": version,
        "kind": "walkthrough" if steps > 1 else "tooltip",
        "name": guide.slug.replace("-", " ").title(),
        "priority": guide.priority,
        "pages": {"include": [], "exclude": []},
        "trigger": {"type": "page_load", "delay_ms": 0},
        "frequency": "once",
        "steps": [
            {
                "title": f"Step {i + 1}",
                "body_html": f"<p>Body <strong>{i + 1}</strong></p>",
                "target": {"selector": f"#s{i}"},
                "placement": "auto",
                "missing_target": "skip",
                "content": {},
            }
            for i in range(steps)
        ],
    }


def stamp(db: Database, app: App) -> str:
    with db.read() as session:
        stored = session.get(App, app.id)
        assert stored is not None
        return str(stored.publish_stamp)


def slugs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [guide["slug"] for guide in response.json()["guides"]]


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


class TestSession:
    # Unauthorized

    def test_an_unknown_app_key_is_refused(self, client: TestClient, app: App) -> None:
        response = post(client, session_body(app, app_key="pk_nope"))

        assert response.status_code == 401
        assert response.json() == {
            "error": "no app has this key; copy the snippet again from the install page",
            "code": "unknown_app_key",
            "status": 401,
        }
        # Readable by the SDK on any page, so it can stop retrying.
        assert response.headers["access-control-allow-origin"] == "*"

    def test_a_page_on_an_origin_the_app_does_not_allow_is_refused(
        self, client: TestClient, app: App
    ) -> None:
        response = post(client, session_body(app), origin="https://evil.example")

        assert response.status_code == 403
        assert response.json() == {
            "error": "the origin https://evil.example is not allowed for this app;"
            " add it to the app's allowed origins",
            "code": "origin_not_allowed",
            "status": 403,
        }
        assert response.headers["access-control-allow-origin"] == "*"

    @pytest.mark.parametrize(
        "origin",
        ["http://app.example.com", "https://app.example.com:8443", "https://sub.app.example.com"],
    )
    def test_a_near_miss_origin_is_refused(self, client: TestClient, app: App, origin: str) -> None:
        response = post(client, session_body(app), origin=origin)

        assert (response.status_code, response.json()["code"]) == (403, "origin_not_allowed")

    def test_a_request_without_an_origin_is_served_without_cors_headers(
        self, client: TestClient, app: App
    ) -> None:
        response = post(client, session_body(app), origin=None)

        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers

    def test_an_allowed_origin_gets_its_cors_headers(self, client: TestClient, app: App) -> None:
        response = post(client, session_body(app))

        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-expose-headers"] == "Retry-After"
        assert response.headers["vary"] == "Origin"
        assert response.headers["cache-control"] == "no-store"

    def test_a_preflight_allows_the_sdk_to_post(self, client: TestClient) -> None:
        response = client.options(
            "/sdk/v1/session",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        )

        assert response.status_code == 204
        assert {k: v for k, v in response.headers.items() if k.startswith("access-control")} == {
            "access-control-allow-origin": ORIGIN,
            "access-control-expose-headers": "Retry-After",
            "access-control-allow-methods": "POST, OPTIONS",
            "access-control-allow-headers": "Content-Type",
            "access-control-max-age": "86400",
        }

    # Invalid

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            (b"{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
            (b"", "Expecting value: line 1 column 1 (char 0)"),
            (b"app_key=pk_x", "Expecting value: line 1 column 1 (char 0)"),
            (b'{"app_key": NaN}', "NaN is not a JSON value"),
            (b'{"traits": {"n": 1e999}}', "the number 1e999 is out of range"),
        ],
        ids=["truncated", "empty", "form-encoded", "nan", "infinite-number"],
    )
    def test_a_body_that_is_not_json_is_malformed(
        self, client: TestClient, body: bytes, message: str
    ) -> None:
        response = post(client, body)

        assert response.status_code == 400
        assert response.json() == {
            "error": f"the body is not valid JSON: {message}",
            "code": "malformed_json",
            "status": 400,
        }

    def test_a_body_nested_too_deeply_is_malformed(self, client: TestClient) -> None:
        response = post(client, b"[" * 100_000)

        assert response.status_code == 400
        assert response.json() == {
            "error": "the body is nested too deeply",
            "code": "malformed_json",
            "status": 400,
        }

    @pytest.mark.parametrize("body", [[], "x", 42, None], ids=["list", "string", "number", "null"])
    def test_json_that_is_not_an_object_is_invalid(self, client: TestClient, body: Any) -> None:
        response = post(client, body)

        assert response.status_code == 422
        assert response.json() == {
            "error": "the body must be a JSON object",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": "(body)", "message": "not an object"}],
        }

    def test_a_session_without_user_id_or_anonymous_id_is_invalid(
        self, client: TestClient, app: App
    ) -> None:
        response = post(client, session_body(app, anonymous_id=None))

        assert response.status_code == 422
        assert response.json() == {
            "error": "invalid fields: (body)",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": "(body)", "message": "Value error, send user_id or anonymous_id"}],
        }

    def test_a_session_without_an_app_key_names_the_field(self, client: TestClient) -> None:
        response = post(client, {"anonymous_id": "a"})

        assert response.status_code == 422
        assert response.json() == {
            "error": "invalid fields: app_key",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": "app_key", "message": "Field required"}],
        }

    def test_more_than_one_hundred_traits_is_invalid(self, client: TestClient, app: App) -> None:
        traits = {f"t{i}": i for i in range(101)}

        response = post(client, session_body(app, traits=traits))

        assert response.status_code == 422
        assert response.json() == {
            "error": "invalid fields: traits",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": "traits", "message": "Value error, at most 100 traits"}],
        }

    def test_one_hundred_traits_are_accepted(self, client: TestClient, app: App) -> None:
        response = post(client, session_body(app, traits={f"t{i}": i for i in range(100)}))

        assert response.status_code == 200

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"user_id": ""}, "user_id", "String should have at least 1 character"),
            ({"user_id": "u" * 256}, "user_id", "String should have at most 255 characters"),
            ({"user_id": "a\u0000b"}, "user_id", "Value error, must not contain NUL characters"),
            (
                {"anonymous_id": "\u0000"},
                "anonymous_id",
                "Value error, must not contain NUL characters",
            ),
            (
                {"traits": {"plan": "\u0000"}},
                "traits",
                "Value error, must not contain NUL characters",
            ),
            (
                {"url": "https://a.test/\u0000"},
                "url",
                "Value error, must not contain NUL characters",
            ),
            (
                {"traits": {"bio": "b" * 1001}},
                "traits",
                "Value error, trait 'bio' is longer than 1000 characters",
            ),
            ({"traits": {"": 1}}, "traits", "Value error, trait names are 1 to 100 characters"),
            ({"locale": "x" * 36}, "locale", "String should have at most 35 characters"),
            ({"referrer": "x"}, "referrer", "Extra inputs are not permitted"),
        ],
        ids=lambda value: value if isinstance(value, str) and len(value) < 15 else None,
    )
    def test_a_wrong_field_is_named(
        self, client: TestClient, app: App, overrides: dict[str, Any], field: str, message: str
    ) -> None:
        response = post(client, session_body(app, **overrides))

        assert response.status_code == 422
        assert response.json() == {
            "error": f"invalid fields: {field}",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": field, "message": message}],
        }

    def test_a_nested_trait_value_is_invalid(self, client: TestClient, app: App) -> None:
        response = post(client, session_body(app, traits={"plan": {"name": "pro"}}))

        assert response.status_code == 422
        assert response.json() == {
            "error": "invalid fields: traits.plan.bool, traits.plan.float, traits.plan.int,"
            " traits.plan.str",
            "code": "invalid_payload",
            "status": 422,
            "fields": [
                {"field": "traits.plan.str", "message": "Input should be a valid string"},
                {"field": "traits.plan.int", "message": "Input should be a valid integer"},
                {"field": "traits.plan.float", "message": "Input should be a valid number"},
                {"field": "traits.plan.bool", "message": "Input should be a valid boolean"},
            ],
        }

    def test_a_body_over_the_limit_is_refused_by_its_declared_length(
        self, client: TestClient, app: App
    ) -> None:
        limit = 512 * 1024
        body = json.dumps(session_body(app, url="x" * limit)).encode()

        response = post(client, body)

        assert response.status_code == 413
        assert response.json() == {
            "error": f"the body is {len(body)} bytes; the limit is {limit}",
            "code": "payload_too_large",
            "status": 413,
        }

    def test_a_streamed_body_over_the_limit_is_cut_off(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"url": "'
            for _ in range(600):
                yield b"x" * 1024

        response = client.post(
            "/sdk/v1/session", content=chunks(), headers={"Content-Type": TEXT_PLAIN}
        )

        assert response.request.headers.get("content-length") is None
        assert response.status_code == 413
        assert response.json() == {
            "error": "the body is over the limit of 524288 bytes",
            "code": "payload_too_large",
            "status": 413,
        }

    @pytest.mark.parametrize(
        "content_type",
        [TEXT_PLAIN, "text/plain", "application/json", None],
        ids=["sdk-text-plain", "text-plain", "json", "none"],
    )
    def test_every_content_type_the_sdk_may_send_is_accepted(
        self, client: TestClient, app: App, content_type: str | None
    ) -> None:
        response = post(client, session_body(app), content_type=content_type)

        assert response.status_code == 200

    # Valid

    def test_a_new_visitor_gets_the_whole_answer(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            guide = make_published_guide(session, app, "welcome-tour", steps=2)

        response = post(client, session_body(app))

        assert response.status_code == 200
        assert response.json() == {
            "user": {"id": "anon-1", "anonymous": True},
            "labels": ENGLISH,
            "stamp": "1",
            "theme": {
                "accent": "#4338ca",
                "accent_text": "#ffffff",
                "text": "#1f2937",
                "muted": "#4b5563",
                "background": "#ffffff",
                "radius": 10,
                "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                "z_index": 2147483000,
            },
            "struggle": DEFAULT_STRUGGLE,
            "guides": [delivered_guide(guide, steps=2)],
            "states": {},
        }

    def test_an_app_with_no_guide_delivers_none(self, client: TestClient, app: App) -> None:
        response = post(client, session_body(app))

        assert response.json() == {
            "user": {"id": "anon-1", "anonymous": True},
            "stamp": "0",
            "theme": DEFAULT_THEME,
            "struggle": DEFAULT_STRUGGLE,
            "labels": ENGLISH,
            "guides": [],
            "states": {},
        }

    def test_the_apps_theme_overrides_the_default_colours_only(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            stored = session.get(App, app.id)
            assert stored is not None
            stored.theme = {"accent": "#000000", "script": "alert(1)"}
            session.add(stored)

        response = post(client, session_body(app))

        assert response.json()["theme"] == {**DEFAULT_THEME, "accent": "#000000"}

    def test_a_signed_in_user_is_named_and_not_anonymous(
        self, client: TestClient, app: App
    ) -> None:
        response = post(client, session_body(app, user_id="user-42"))

        assert response.json()["user"] == {"id": "user-42", "anonymous": False}

    def test_guides_come_highest_priority_first(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "low", priority=-1)
            make_published_guide(session, app, "high", priority=5)
            make_published_guide(session, app, "middle")

        assert slugs(post(client, session_body(app))) == ["high", "middle", "low"]

    def test_a_guide_for_pro_users_is_not_delivered_to_free_users(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "pro-tip", audience=PRO_ONLY)
            make_published_guide(session, app, "everyone")

        free = post(client, session_body(app, anonymous_id="f", traits={"plan": "free"}))
        pro = post(client, session_body(app, anonymous_id="p", traits={"plan": "pro"}))
        unknown = post(client, session_body(app, anonymous_id="u"))

        assert slugs(free) == ["everyone"]
        assert slugs(pro) == ["pro-tip", "everyone"]
        assert slugs(unknown) == ["everyone"]

    def test_the_audience_is_not_sent_to_the_browser(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "pro-tip", audience=PRO_ONLY)

        response = post(client, session_body(app, traits={"plan": "pro"}))

        assert "audience" not in response.json()["guides"][0]

    def test_a_new_user_is_created_once_and_later_traits_are_merged(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            admin_only = {"conditions": [{"trait": "role", "op": "eq", "value": "admin"}]}
            make_published_guide(session, app, "admin-tip", audience=admin_only)

        first = post(
            client, session_body(app, user_id="u1", traits={"plan": "pro", "role": "admin"})
        )
        second = post(client, session_body(app, user_id="u1", traits={"plan": "team"}))
        third = post(client, session_body(app, user_id="u1"))

        assert [slugs(first), slugs(second), slugs(third)] == [["admin-tip"]] * 3
        with db.read() as session:
            users = session.exec(select(EndUser)).all()
        assert [(u.external_id, u.is_anonymous, u.traits) for u in users] == [
            ("u1", False, {"plan": "team", "role": "admin"})
        ]

    def test_an_anonymous_visitor_and_a_user_are_different_people(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        post(client, session_body(app, anonymous_id="same"))
        post(client, session_body(app, user_id="same", anonymous_id="same"))

        with db.read() as session:
            users = session.exec(select(EndUser).order_by(EndUser.id)).all()  # type: ignore[arg-type]
        assert [(u.external_id, u.is_anonymous) for u in users] == [
            ("anon:same", True),
            ("same", False),
        ]

    def test_users_of_two_apps_never_mix(self, client: TestClient, db: Database, app: App) -> None:
        with db.write() as session:
            other = make_app(session, "Other")
        post(client, session_body(app, user_id="u1", traits={"plan": "pro"}))
        post(client, session_body(other, user_id="u1", traits={"plan": "free"}))

        with db.read() as session:
            count = session.exec(select(func.count()).select_from(EndUser)).one()
        assert count == 2

    def test_states_reflect_the_events_the_user_sent(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            tour = make_published_guide(session, app, "tour", steps=3)
            tip = make_published_guide(session, app, "tip")
        events = [
            event("guide_shown", tour),
            event("step_shown", tour, step_index=0),
            event("step_shown", tour, step_index=1),
            event("guide_shown", tip),
            event("guide_dismissed", tip),
        ]
        assert post(client, event_batch(app, events), path="/sdk/v1/events").status_code == 200

        response = post(client, session_body(app))

        assert response.json()["states"] == {
            str(tour.id): {"seen": True, "current_step": 1, "completed": False, "dismissed": False},
            str(tip.id): {"seen": True, "current_step": 0, "completed": False, "dismissed": True},
        }

    def test_another_users_states_are_not_shown(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            tip = make_published_guide(session, app, "tip")
        batch = event_batch(app, [event("guide_completed", tip)], anonymous_id="someone-else")
        post(client, batch, path="/sdk/v1/events")

        assert post(client, session_body(app)).json()["states"] == {}

    def test_a_draft_guide_is_never_delivered(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_guide(session, app, "draft")

        assert slugs(post(client, session_body(app))) == []

    def test_an_archived_guide_is_no_longer_delivered(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "old")
        assert slugs(post(client, session_body(app))) == ["old"]
        assert app.id is not None

        with db.write() as session:
            document = guide_document("old", status="archived")
            save_guide(session=session, app_id=app.id, document=document)

        assert slugs(post(client, session_body(app))) == []

    def test_a_publish_between_two_requests_is_delivered_on_the_next_one(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            first = make_published_guide(session, app, "first")
            second = make_guide(session, app, "second")
        before = post(client, session_body(app))

        with db.write() as session:
            assert second.id is not None
            publish_guide(session=session, guide_id=second.id)
        after = post(client, session_body(app))

        assert (before.json()["stamp"], slugs(before)) == ("1", ["first"])
        assert after.json()["stamp"] == stamp(db, app) == "2"
        assert after.json()["guides"] == [delivered_guide(first), delivered_guide(second)]

    def test_an_edit_then_publish_replaces_the_delivered_version(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            guide = make_published_guide(session, app, "tour", steps=2)
        assert post(client, session_body(app)).json()["guides"] == [delivered_guide(guide, 1, 2)]
        assert app.id is not None and guide.id is not None

        with db.write() as session:
            save_guide(session=session, app_id=app.id, document=guide_document("tour", 3))
            publish_guide(session=session, guide_id=guide.id)
        after_publish = post(client, session_body(app)).json()["guides"]
        with db.write() as session:
            rollback_guide(session=session, guide_id=guide.id, number=1)
        after_rollback = post(client, session_body(app)).json()["guides"]

        assert after_publish == [delivered_guide(guide, 2, 3)]
        assert after_rollback == [delivered_guide(guide, 1, 2)]

    def test_an_unpublished_guide_disappears_on_the_next_request(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            guide = make_published_guide(session, app, "tip")
        assert slugs(post(client, session_body(app))) == ["tip"]
        assert guide.id is not None

        with db.write() as session:
            unpublish_guide(session=session, guide_id=guide.id)

        assert slugs(post(client, session_body(app))) == []

    def test_another_apps_guides_are_never_delivered(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            other = make_app(session, "Other")
            make_published_guide(session, other, "theirs")
            make_published_guide(session, app, "ours")

        assert slugs(post(client, session_body(app))) == ["ours"]
        assert slugs(post(client, session_body(other))) == ["theirs"]


class TestChunksInTheAnswer:
    """The answer carries the code the page's first guide needs (server/sdk_chunks.py), so
    the first step needs no second request; only for the SDK build the server ships."""

    def test_an_sdk_of_this_build_gets_the_chunks_of_the_guides_on_its_page(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "tour", steps=2)
            modal = guide_document(slug="news", kind="modal", steps=[{"title": "News"}])
            modal.pages = PageRules.model_validate(
                {"include": [{"match": "exact", "value": "/news"}]}
            )
            saved = save_guide(session=session, app_id=app.id, document=modal)
            publish_guide(session=session, guide_id=saved.guide.id, author="tests")
        bundle = Bundle()

        home = post(client, session_body(app, build=bundle.version)).json()
        news = post(client, session_body(app, build=bundle.version, url=f"{ORIGIN}/news")).json()

        assert sorted(home["chunks"]) == ["anchor", "ui"]
        assert home["chunks"]["ui"] == (DIST_PATH / "ui.js").read_text()
        assert sorted(news["chunks"]) == ["anchor", "modal", "ui"]

    def test_another_build_or_none_gets_no_code(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "tour")

        other = post(client, session_body(app, build="0123456789ab")).json()
        none = post(client, session_body(app)).json()

        assert "chunks" not in other and "chunks" not in none
        assert [g["slug"] for g in other["guides"]] == ["tour"]

    def test_a_page_without_guides_gets_no_code(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        answer = post(client, session_body(app, build=Bundle().version)).json()

        assert "chunks" not in answer and "build" not in answer

    def test_chunks_the_browser_keeps_cached_are_left_out(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            make_published_guide(session, app, "tour", steps=2)
        bundle = Bundle()

        first = post(client, session_body(app, build=bundle.version, cached=None)).json()
        some = post(client, session_body(app, build=bundle.version, cached=["ui"])).json()
        every = post(client, session_body(app, build=bundle.version, cached=["ui", "anchor"]))

        assert (sorted(first["chunks"]), first["build"]) == (["anchor", "ui"], bundle.version)
        assert (sorted(some["chunks"]), some["build"]) == (["anchor"], bundle.version)
        assert "chunks" not in every.json() and "build" not in every.json()
        assert [g["slug"] for g in every.json()["guides"]] == ["tour"]

    @pytest.mark.parametrize("cached", [["../ui"], ["x"] * 33, "ui", [1]])
    def test_a_malformed_cached_list_is_refused(
        self, client: TestClient, app: App, cached: object
    ) -> None:
        response = post(client, session_body(app, build=Bundle().version, cached=cached))

        assert response.status_code == 422
        assert response.json()["fields"][0]["field"].startswith("cached")

    @pytest.mark.parametrize("build", ["../ui", "A" * 41, "abc def"])
    def test_a_malformed_build_is_refused(self, client: TestClient, app: App, build: str) -> None:
        response = post(client, session_body(app, build=build))

        assert response.status_code == 422


class TestLabels:
    """The SDK's own words come in the user's language, English where not translated."""

    @pytest.mark.parametrize(
        ("locale", "next_label", "progress"),
        [
            ("fr-CA", "Suivant", "{index} sur {count}"),
            ("ar", "التالي", "{index} من {count}"),
            ("he_IL", "הבא", "{index} מתוך {count}"),
            ("tlh", "Next", "{index} of {count}"),
            (None, "Next", "{index} of {count}"),
        ],
    )
    def test_the_labels_follow_the_locale_with_english_as_fallback(
        self, client: TestClient, app: App, locale: str | None, next_label: str, progress: str
    ) -> None:
        labels = post(client, session_body(app, locale=locale)).json()["labels"]

        assert labels["next"] == next_label
        assert labels["progress"] == progress
        assert set(labels) == set(ENGLISH)
