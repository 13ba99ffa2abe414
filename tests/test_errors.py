"""Every failure is JSON `{"error", "code", "status"}`: unknown routes, wrong methods, every
domain error, an unreachable database (503 + Retry-After), and never a 500 for bad input."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from guides import App
from guides import errors as domain_errors
from server.app import create_app
from server.db import Database
from server.errors import EXCEPTION_HANDLERS
from server.migrations import upgrade_to_head
from server.settings import Settings
from tests.admin_client import sign_in
from tests.conftest import TEST_SECRET
from tests.factories import (
    ORIGIN,
    event,
    event_batch,
    make_admin,
    make_app,
    make_published_guide,
    session_body,
)


def all_subclasses(cls: type) -> list[type]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in all_subclasses(child))]


ERROR_CLASSES = all_subclasses(domain_errors.SignpostError)


class TestErrorShape:
    def test_the_error_tree_is_what_its_docstring_draws(self) -> None:
        assert {(cls.__name__, cls.status, cls.code) for cls in ERROR_CLASSES} == {
            ("SignpostError", 400, "bad_request"),
            ("MalformedJson", 400, "malformed_json"),
            ("CheckUnavailable", 400, "check_unavailable"),
            ("InvalidPayload", 422, "invalid_payload"),
            ("UnknownAppKey", 401, "unknown_app_key"),
            ("IdentityRejected", 401, "identity_rejected"),
            ("OriginNotAllowed", 403, "origin_not_allowed"),
            ("Forbidden", 403, "forbidden"),
            ("Unauthorized", 401, "unauthorized"),
            ("InsufficientScope", 403, "insufficient_scope"),
            ("RateLimited", 429, "rate_limited"),
            ("NotFound", 404, "not_found"),
            ("AppNotFound", 404, "app_not_found"),
            ("GuideNotFound", 404, "guide_not_found"),
            ("EndUserNotFound", 404, "end_user_not_found"),
            ("RateLimited", 429, "rate_limited"),
            ("Conflict", 409, "conflict"),
            ("RequestTimeout", 408, "request_timeout"),
            ("PayloadTooLarge", 413, "payload_too_large"),
            ("StorageUnavailable", 503, "storage_unavailable"),
        }

    @pytest.mark.parametrize("error_class", ERROR_CLASSES, ids=lambda cls: cls.__name__)
    def test_every_domain_error_renders_as_json_with_its_status_and_code(
        self, error_class: type[domain_errors.SignpostError]
    ) -> None:
        async def fail(request: Request) -> None:
            raise error_class("something is wrong")

        app = Starlette(routes=[Route("/sdk/v1/fail", fail)], exception_handlers=EXCEPTION_HANDLERS)
        with TestClient(app) as client:
            response = client.get("/sdk/v1/fail")

        assert response.status_code == error_class.status
        assert response.json() == {
            "error": "something is wrong",
            "code": error_class.code,
            "status": error_class.status,
        }
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["access-control-allow-origin"] == "*"
        assert ("retry-after" in response.headers) is (error_class.status in (429, 503))

    def test_validation_errors_carry_their_fields(self) -> None:
        error = domain_errors.InvalidPayload("bad", fields=[{"field": "x", "message": "y"}])

        assert error.to_json() == {
            "error": "bad",
            "code": "invalid_payload",
            "status": 422,
            "fields": [{"field": "x", "message": "y"}],
        }

    def test_an_unexpected_error_is_a_500_without_a_stack_trace(self) -> None:
        async def crash(request: Request) -> None:
            raise RuntimeError("secret internals at /srv/app.py line 3")

        app = Starlette(
            routes=[Route("/sdk/v1/crash", crash)], exception_handlers=EXCEPTION_HANDLERS
        )
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/sdk/v1/crash")

        assert response.status_code == 500
        assert response.json() == {
            "error": "something went wrong on our side; it has been logged",
            "code": "internal_error",
            "status": 500,
        }


class TestRoutingErrors:
    @pytest.mark.parametrize("path", ["/sdk/v1/nope", "/sdk/v2/session", "/nope"])
    def test_an_unknown_route_is_a_json_404(self, client: TestClient, path: str) -> None:
        response = client.get(path)

        assert response.status_code == 404
        assert response.json() == {"error": "Not Found", "code": "not_found", "status": 404}

    @pytest.mark.parametrize(
        "path",
        [
            "/admin/apps/99999999999999999999",
            "/admin/apps/2147483648/analytics/",
            "/admin/guides/99999999999999999999",
            "/api/v1/guides/2147483648",
        ],
    )
    def test_an_id_beyond_the_databases_range_is_a_404_not_a_crash(
        self, db: Database, path: str
    ) -> None:
        with db.write() as session:
            make_admin(session)
        settings = Settings(
            database_url=db.url,
            secret_key=TEST_SECRET,  # type: ignore[arg-type]
            migrate_on_start=False,
            public_url="http://testserver",
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            sign_in(client, "owner@example.com")
            response = client.get(path)

        assert response.status_code == 404

    @pytest.mark.parametrize("path", ["/sdk/v1/session", "/sdk/v1/events"])
    def test_get_on_a_post_route_is_a_json_405(self, client: TestClient, path: str) -> None:
        response = client.get(path)

        assert response.status_code == 405
        assert response.json() == {
            "error": "Method Not Allowed",
            "code": "method_not_allowed",
            "status": 405,
        }
        assert "POST" in response.headers["allow"]
        assert response.headers["access-control-allow-origin"] == "*"


UNREACHABLE_POSTGRES = "postgresql+psycopg://signpost@127.0.0.1:1/signpost"


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[TestClient]:
    """A server whose PostgreSQL is down (nothing listens on port 1)."""
    unreachable_settings = Settings(
        data_dir=tmp_path / "data",
        database_url=UNREACHABLE_POSTGRES,
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        migrate_on_start=False,
    )
    with TestClient(create_app(unreachable_settings)) as client:
        yield client


SOME_APP = App(name="Acme", public_key="pk_somewhere")
STORAGE_UNAVAILABLE = {
    "error": "the database is unavailable; retry shortly",
    "code": "storage_unavailable",
    "status": 503,
}


class TestStorageUnavailable:
    @pytest.mark.parametrize(
        ("path", "body"),
        [
            ("/sdk/v1/session", session_body(SOME_APP)),
            ("/sdk/v1/events", event_batch(SOME_APP, [event("track", properties={"name": "x"})])),
        ],
        ids=["session", "events"],
    )
    def test_an_unreachable_database_is_a_503_to_retry(
        self, unreachable: TestClient, path: str, body: dict[str, Any]
    ) -> None:
        response = unreachable.post(path, content=json.dumps(body), headers={"Origin": ORIGIN})

        assert response.status_code == 503
        assert response.json() == STORAGE_UNAVAILABLE
        assert response.headers["retry-after"] == "5"
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["access-control-expose-headers"] == "Retry-After"

    def test_the_health_check_reports_an_unreachable_database(
        self, unreachable: TestClient
    ) -> None:
        response = unreachable.get("/healthz")

        assert (response.status_code, response.json()) == (503, STORAGE_UNAVAILABLE)

    def test_a_sqlite_database_locked_by_another_process_is_a_503_to_retry(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "locked.db"
        url = f"sqlite:///{path}"
        upgrade_to_head(url)
        database = Database(url)
        with database.write() as session:
            app = make_app(session)
        database.dispose()
        locked = Settings(
            data_dir=tmp_path,
            database_url=url,
            secret_key=TEST_SECRET,  # type: ignore[arg-type]
            migrate_on_start=False,
            sqlite_busy_timeout_ms=0,
        )
        other_process = sqlite3.connect(path, isolation_level=None)
        try:
            other_process.execute("BEGIN IMMEDIATE")
            with TestClient(create_app(locked)) as client:
                batch = event_batch(app, [event("track", properties={"name": "x"})])
                response = client.post("/sdk/v1/events", content=json.dumps(batch))
            other_process.execute("ROLLBACK")
        finally:
            other_process.close()

        assert response.status_code == 503
        assert response.json() == STORAGE_UNAVAILABLE
        assert response.headers["retry-after"] == "5"

    def test_the_health_check_answers_ok_when_the_database_is_up(self, client: TestClient) -> None:
        response = client.get("/healthz")

        assert (response.status_code, response.json()) == (200, {"status": "ok"})


# Values a buggy or hostile client may send: odd types, huge numbers, NUL, absurd dates.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([0, -1, 2**31, 2**63, 10**30, 1e308, -0.0])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+00:00",
            "2026-11-23T10:00:00Z",
            "2026-11-23T10:00:00",
            "0192f5a8-7c1e-7b3a-9f00-1234567890ab",
            "pk_x",
        ]
    )
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
TYPES = st.sampled_from(
    [
        "guide_shown",
        "step_shown",
        "step_completed",
        "guide_completed",
        "guide_dismissed",
        "target_missing",
        "track",
        "other",
    ]
)
DATES = (
    st.sampled_from(
        [
            "2026-11-23T10:00:00Z",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+00:00",
            # Out of range once moved to UTC: checked before the move.
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-05:00",
            "2026-11-23T10:00:00+14:00",
            "2026-11-23T10:00:00-12:00",
        ]
    )
    | SCALARS
)


# Values that broke storage before: weighted up so a few hundred examples surely try them.
NASTY = st.sampled_from(
    [
        2**31,
        2**63,
        10**30,
        -1,
        "\x00",
        "a\x00b",
        {"k\x00": 1},
        {"name": "\x00"},
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+00:00",
        "2026-11-23T10:00:00",
        [],
        {},
    ]
)
HOSTILE = st.one_of(NASTY, NASTY, NASTY, SCALARS, JSON, DATES)


def spoiled(base: st.SearchStrategy[dict[str, Any]], keys: list[str]) -> st.SearchStrategy[Any]:
    """A valid body with one or two of its keys replaced (or added) with hostile values, so the
    bad value gets past the first check and reaches the deeper ones."""
    overrides = st.dictionaries(st.sampled_from([*keys, "extra"]), HOSTILE, min_size=1, max_size=2)
    return st.tuples(base, overrides).map(lambda pair: pair[0] | pair[1])


def fuzz_event(guide_id: int) -> st.SearchStrategy[Any]:
    base = st.fixed_dictionaries(
        {
            "event_id": st.uuids().map(str),
            "type": TYPES,
            "timestamp": st.just("2026-11-23T10:00:00+00:00"),
            "url": st.just(f"{ORIGIN}/"),
            "guide_id": st.just(guide_id),
            "guide_version": st.just(1),
            "step_index": st.integers(0, 3),
            "properties": st.fixed_dictionaries({"name": st.text(max_size=4)}),
        }
    )
    keys = ["event_id", "type", "timestamp", "url", "guide_id", "guide_version", "step_index"]
    return spoiled(base, [*keys, "properties"])


def fuzz_batch(app_key: str, guide_id: int) -> st.SearchStrategy[Any]:
    base = st.fixed_dictionaries(
        {
            "app_key": st.just(app_key),
            "anonymous_id": st.text(min_size=1, max_size=8),
            "sent_at": st.just("2026-11-23T10:00:01+00:00"),
            "events": st.lists(fuzz_event(guide_id), min_size=1, max_size=3),
        }
    )
    return spoiled(base, ["user_id", "anonymous_id", "sent_at", "events"])


def fuzz_session(app_key: str) -> st.SearchStrategy[Any]:
    base = st.fixed_dictionaries(
        {
            "app_key": st.just(app_key),
            "anonymous_id": st.text(min_size=1, max_size=8),
            "traits": st.dictionaries(st.text(max_size=5), SCALARS, max_size=4),
            "url": st.just(f"{ORIGIN}/"),
        }
    )
    return spoiled(base, ["app_key", "user_id", "anonymous_id", "traits", "url", "locale"])


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert body["status"] == response.status_code
        assert isinstance(body["code"], str) and body["code"]
        assert isinstance(body["error"], str) and body["error"]


class TestNoServerErrorForBadInput:
    @settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def test_any_session_body_gets_an_answer_not_a_crash(
        self, client: TestClient, db: Database, data: st.DataObject
    ) -> None:
        with db.write() as session:
            app = make_app(session, name=f"app-{uuid.uuid4().hex[:6]}")
        body = data.draw(fuzz_session(app.public_key) | JSON)

        response = client.post(
            "/sdk/v1/session", content=json.dumps(body), headers={"Origin": ORIGIN}
        )

        assert_answered(response)

    @settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.data())
    def test_any_event_batch_gets_an_answer_not_a_crash(
        self, client: TestClient, db: Database, data: st.DataObject
    ) -> None:
        with db.write() as session:
            app = make_app(session, name=f"app-{uuid.uuid4().hex[:6]}")
            guide = make_published_guide(session, app)
        assert guide.id is not None
        body = data.draw(fuzz_batch(app.public_key, guide.id))

        response = client.post(
            "/sdk/v1/events", content=json.dumps(body), headers={"Origin": ORIGIN}
        )

        assert_answered(response)

    @settings(
        max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(body=st.binary(max_size=200), path=st.sampled_from(["session", "events"]))
    def test_any_bytes_get_an_answer_not_a_crash(
        self, client: TestClient, body: bytes, path: str
    ) -> None:
        assert_answered(client.post(f"/sdk/v1/{path}", content=body))
