"""`POST /sdk/v1/events`: refusals, event-by-event validation, de-duplication under retries and
concurrency, clock correction, and the guide states the events move."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from sqlmodel import func, select
from starlette.testclient import TestClient

from analytics import Event
from analytics.ingest import corrected_time
from guides import App, EndUser, Guide, GuideState
from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide

TEXT_PLAIN = "text/plain;charset=UTF-8"
DROP = object()  # a key to leave out of an event


def post(client: TestClient, body: Any, *, origin: str | None = ORIGIN) -> httpx.Response:
    """As the SDK sends it: JSON in a text/plain body."""
    headers = {"Content-Type": TEXT_PLAIN}
    if origin is not None:
        headers["Origin"] = origin
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/sdk/v1/events", content=content, headers=headers)


def stored_events(db: Database) -> list[Event]:
    with db.read() as session:
        return list(session.exec(select(Event).order_by(Event.id)).all())  # type: ignore[arg-type]


def event_count(db: Database) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Event)).one()


def states(db: Database) -> list[tuple[str, int, bool, int, bool, bool]]:
    with db.read() as session:
        rows = session.exec(
            select(EndUser.external_id, GuideState)
            .join(EndUser, EndUser.id == GuideState.end_user_id)  # type: ignore[arg-type]
            .order_by(GuideState.guide_id)  # type: ignore[arg-type]
        ).all()
    return [
        (user, s.guide_id, s.seen, s.current_step, s.completed, s.dismissed) for user, s in rows
    ]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def invalid(fields: list[tuple[str, str]], error: str = "every event of the batch is invalid"):
    return {
        "error": error,
        "code": "invalid_payload",
        "status": 422,
        "fields": [{"field": field, "message": message} for field, message in fields],
    }


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


@pytest.fixture
def guide(db: Database, app: App) -> Guide:
    with db.write() as session:
        return make_published_guide(session, app, "tour", steps=3)


class TestEvents:
    # Unauthorized

    def test_an_unknown_app_key_is_refused_and_nothing_stored(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        response = post(client, event_batch(app, [event("track", name="x")], app_key="pk_nope"))

        assert response.status_code == 401
        assert response.json() == {
            "error": "no app has this key; copy the snippet again from the install page",
            "code": "unknown_app_key",
            "status": 401,
        }
        assert event_count(db) == 0

    def test_a_page_on_an_origin_the_app_does_not_allow_is_refused(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        batch = event_batch(app, [event("track", properties={"name": "x"})])

        response = post(client, batch, origin="https://evil.example")

        assert response.status_code == 403
        assert response.json() == {
            "error": "the origin https://evil.example is not allowed for this app;"
            " add it to the app's allowed origins",
            "code": "origin_not_allowed",
            "status": 403,
        }
        assert event_count(db) == 0

    def test_a_request_without_an_origin_is_served(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        response = post(
            client, event_batch(app, [event("track", properties={"name": "x"})]), origin=None
        )

        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers
        assert event_count(db) == 1

    def test_an_allowed_origin_gets_its_cors_headers(self, client: TestClient, app: App) -> None:
        response = post(client, event_batch(app, []))

        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-expose-headers"] == "Retry-After"
        assert response.headers["vary"] == "Origin"
        assert response.headers["cache-control"] == "no-store"

    # Invalid

    def test_a_body_that_is_not_json_is_malformed(self, client: TestClient) -> None:
        response = post(client, b'{"events": [')

        assert response.status_code == 400
        assert response.json() == {
            "error": "the body is not valid JSON: Expecting value: line 1 column 13 (char 12)",
            "code": "malformed_json",
            "status": 400,
        }

    def test_json_that_is_not_an_object_is_invalid(self, client: TestClient) -> None:
        response = post(client, [event()])

        assert response.status_code == 422
        assert response.json() == invalid(
            [("(body)", "not an object")], error="the body must be a JSON object"
        )

    def test_a_batch_without_user_id_or_anonymous_id_is_invalid(
        self, client: TestClient, app: App
    ) -> None:
        response = post(client, event_batch(app, [event()], anonymous_id=None))

        assert response.status_code == 422
        assert response.json() == invalid(
            [("(body)", "Value error, send user_id or anonymous_id")],
            error="invalid fields: (body)",
        )

    def test_a_batch_without_events_is_invalid(self, client: TestClient, app: App) -> None:
        response = post(client, {"app_key": app.public_key, "anonymous_id": "a"})

        assert response.status_code == 422
        assert response.json() == invalid(
            [("events", "Field required")], error="invalid fields: events"
        )

    def test_more_than_five_hundred_events_are_refused(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        events = [event("track", properties={"name": "x"}) for _ in range(501)]

        response = post(client, event_batch(app, events))

        assert response.status_code == 422
        assert response.json() == invalid(
            [("events", "List should have at most 500 items after validation, not 501")],
            error="invalid fields: events",
        )
        assert event_count(db) == 0

    def test_five_hundred_events_are_accepted(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        events = [event("track", properties={"name": "x"}) for _ in range(500)]

        response = post(client, event_batch(app, events))

        assert response.json() == {"accepted": 500, "duplicates": 0, "rejected": []}
        assert event_count(db) == 500

    def test_a_body_over_the_limit_is_refused(self, client: TestClient, app: App) -> None:
        body = json.dumps(event_batch(app, [event(url="x" * 600_000)])).encode()

        response = post(client, body)

        assert response.status_code == 413
        assert response.json() == {
            "error": f"the body is {len(body)} bytes; the limit is 524288",
            "code": "payload_too_large",
            "status": 413,
        }

    def test_a_streamed_body_over_the_limit_is_cut_off(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            for _ in range(513):
                yield b" " * 1024

        response = client.post("/sdk/v1/events", content=chunks())

        assert response.status_code == 413
        assert response.json() == {
            "error": "the body is over the limit of 524288 bytes",
            "code": "payload_too_large",
            "status": 413,
        }

    @pytest.mark.parametrize(
        ("sent_at", "message"),
        [
            ("9999-12-31T23:59:59Z", "Value error, not a plausible date"),
            ("1970-01-01T00:00:00Z", "Value error, not a plausible date"),
            ("0001-01-01T00:00:00+01:00", "Value error, not a plausible date"),
            ("9999-12-31T23:59:59-05:00", "Value error, not a plausible date"),
            ("2026-11-23T10:00:05", "Input should have timezone info"),
        ],
        ids=["year-9999", "year-1970", "year-1-east", "year-9999-west", "no-zone"],
    )
    def test_an_absurd_sent_at_is_refused(
        self, client: TestClient, app: App, sent_at: str, message: str
    ) -> None:
        response = post(client, event_batch(app, [event()], sent_at=sent_at))

        assert response.status_code == 422
        assert response.json() == invalid([("sent_at", message)], error="invalid fields: sent_at")

    @pytest.mark.parametrize(
        ("changes", "fields"),
        [
            (
                {"type": "guide_shown", "guide_id": DROP, "guide_version": DROP},
                [
                    ("events[0].guide_id", "required for guide_shown"),
                    ("events[0].guide_version", "required for guide_shown"),
                ],
            ),
            (
                {"type": "guide_completed", "guide_version": DROP},
                [("events[0].guide_version", "required for guide_completed")],
            ),
            (
                {"step_index": DROP},
                [("events[0].step_index", "required for step_shown")],
            ),
            (
                {"type": "target_missing", "step_index": DROP},
                [("events[0].step_index", "required for target_missing")],
            ),
            (
                {"type": "track"},
                [("events[0].properties", "Value error, a track event needs properties.name")],
            ),
            (
                {"type": "clicked"},
                [
                    (
                        "events[0].type",
                        "Input should be 'guide_shown', 'step_shown', 'step_completed',"
                        " 'guide_completed', 'guide_dismissed', 'target_missing',"
                        " 'survey_answered', 'checklist_item_completed',"
                        " 'resource_center_searched', 'struggle_detected' or 'track'",
                    )
                ],
            ),
            (
                {"timestamp": "1970-01-01T00:00:00Z"},
                [("events[0].timestamp", "Value error, not a plausible date")],
            ),
            (
                {"timestamp": "3000-01-01T00:00:00Z"},
                [("events[0].timestamp", "Value error, not a plausible date")],
            ),
            (
                {"timestamp": "2026-11-23T10:00:00"},
                [("events[0].timestamp", "Input should have timezone info")],
            ),
            ({"event_id": "not-a-uuid"}, None),
            (
                {"guide_id": 2**31},
                [("events[0].guide_id", "Input should be less than or equal to 2147483647")],
            ),
            (
                {"guide_id": 0},
                [("events[0].guide_id", "Input should be greater than or equal to 1")],
            ),
            (
                {"type": "step_shown", "step_index": 1001},
                [("events[0].step_index", "Input should be less than or equal to 1000")],
            ),
            (
                {"properties": {f"p{i}": i for i in range(51)}},
                [("events[0].properties", "Value error, at most 50 properties")],
            ),
            (
                {"properties": {"note": "n" * 1001}},
                [("events[0].properties", "Value error, property 'note' is too long")],
            ),
            (
                {"properties": {"note": "a\u0000b"}},
                [("events[0].properties", "Value error, must not contain NUL characters")],
            ),
            (
                {"url": "https://a.test/\u0000"},
                [("events[0].url", "Value error, must not contain NUL characters")],
            ),
            ({"referrer": "x"}, [("events[0].referrer", "Extra inputs are not permitted")]),
            (
                {"type": "guide_dismissed", "properties": {"reason": "bored"}},
                [
                    (
                        "events[0].properties",
                        "Value error, properties.reason must be one of dismissed,"
                        " navigated_away, target_missing, error, timed_out",
                    )
                ],
            ),
            (
                {"type": "step_completed", "properties": {"duration_ms": -5}},
                [
                    (
                        "events[0].properties",
                        "Value error, properties.duration_ms must be a whole number of"
                        " milliseconds >= 0",
                    )
                ],
            ),
            (
                {"type": "survey_answered", "properties": {"scale": "nps", "value": 3}},
                [
                    (
                        "events[0].properties",
                        "Value error, a survey_answered event needs properties.question",
                    )
                ],
            ),
            (
                {
                    "type": "survey_answered",
                    "properties": {"question": "q1", "scale": "nps", "value": 11},
                },
                [
                    (
                        "events[0].properties",
                        "Value error, properties.value must be a whole number from 0 to 10",
                    )
                ],
            ),
            (
                {
                    "type": "survey_answered",
                    "properties": {"question": "q1", "scale": "csat", "value": 0},
                },
                [
                    (
                        "events[0].properties",
                        "Value error, properties.value must be a whole number from 1 to 5",
                    )
                ],
            ),
            (
                {
                    "type": "survey_answered",
                    "properties": {"question": "q1", "scale": "multiple", "value": "a"},
                },
                [
                    (
                        "events[0].properties",
                        "Value error, properties.value must be a list of the chosen options' ids",
                    )
                ],
            ),
            (
                {"type": "checklist_item_completed", "step_index": DROP},
                [
                    (
                        "events[0].properties",
                        "Value error, a checklist_item_completed event needs properties.item",
                    )
                ],
            ),
            (
                {
                    "type": "resource_center_searched",
                    "guide_id": DROP,
                    "guide_version": DROP,
                    "step_index": DROP,
                    "properties": {"query": "export"},
                },
                [
                    (
                        "events[0].properties",
                        "Value error, properties.results must be the number of results found",
                    )
                ],
            ),
            (
                {"properties": {"tags": ["a"] * 51}},
                [("events[0].properties", "Value error, property 'tags' has more than 50 items")],
            ),
        ],
        ids=[
            "guide-event-without-guide",
            "guide-event-without-version",
            "step-event-without-step",
            "target-missing-without-step",
            "track-without-name",
            "unknown-type",
            "year-1970",
            "year-3000",
            "no-zone",
            "bad-event-id",
            "guide-id-beyond-32-bits",
            "guide-id-zero",
            "step-index-too-high",
            "too-many-properties",
            "property-too-long",
            "nul-in-property",
            "nul-in-url",
            "unknown-key",
            "unknown-exit-reason",
            "negative-duration",
            "survey-without-question",
            "nps-beyond-ten",
            "csat-zero",
            "multiple-choice-not-a-list",
            "checklist-item-without-item",
            "search-without-result-count",
            "list-property-too-long",
        ],
    )
    def test_a_batch_of_only_invalid_events_names_each_wrong_field(
        self,
        client: TestClient,
        db: Database,
        app: App,
        guide: Guide,
        changes: dict[str, Any],
        fields: list[tuple[str, str]] | None,
    ) -> None:
        base = event("step_shown", guide, step_index=0)
        body = {key: value for key, value in (base | changes).items() if value is not DROP}

        response = post(client, event_batch(app, [body]))

        assert response.status_code == 422
        if fields is None:  # pydantic's UUID message is long; the field is what clients use
            assert [f["field"] for f in response.json()["fields"]] == ["events[0].event_id"]
        else:
            assert response.json() == invalid(fields)
        assert event_count(db) == 0

    @pytest.mark.parametrize("session_id", ["not-a-uuid", 42, "", "0" * 33])
    def test_a_session_id_that_is_not_a_uuid_is_refused(
        self, client: TestClient, db: Database, app: App, guide: Guide, session_id: Any
    ) -> None:
        body = event("step_shown", guide, step_index=0, session_id=session_id)

        response = post(client, event_batch(app, [body]))

        assert response.status_code == 422
        assert response.json() == invalid(
            [
                (
                    "events[0].session_id",
                    "Value error, must be a UUID, as the SDK makes for each session",
                )
            ]
        )
        assert event_count(db) == 0

    def test_the_session_id_is_stored_and_may_be_absent(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        session_id = str(uuid.uuid4())
        with_session = event("step_shown", guide, step_index=0, session_id=session_id)
        older_sdk = event("step_shown", guide, step_index=1)
        unset = event("step_shown", guide, step_index=2, session_id=None)

        response = post(client, event_batch(app, [with_session, older_sdk, unset]))

        assert response.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
        assert [(e.step_index, e.session_id) for e in stored_events(db)] == [
            (0, uuid.UUID(session_id)),
            (1, None),
            (2, None),
        ]

    def test_an_event_that_is_not_an_object_is_rejected_on_its_own(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        good = event("track", properties={"name": "x"})

        response = post(client, event_batch(app, ["oops", good]))

        assert response.json() == {
            "accepted": 1,
            "duplicates": 0,
            "rejected": [
                {
                    "index": 0,
                    "code": "invalid_event",
                    "fields": [
                        {
                            "field": "events[0]",
                            "message": "Input should be a valid dictionary or instance of EventIn",
                        }
                    ],
                }
            ],
        }
        assert event_count(db) == 1

    # Valid

    def test_valid_events_are_stored_as_sent(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        shown = event("step_shown", guide, step_index=1, url=f"{ORIGIN}/reports")
        tracked = event("track", properties={"name": "export", "rows": 3, "pdf": True})

        response = post(client, event_batch(app, [shown, tracked], user_id="user-42"))

        assert response.status_code == 200
        assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
        assert [
            (
                str(e.event_id),
                e.type,
                e.guide_id,
                e.guide_version,
                e.step_index,
                e.url,
                e.properties,
            )
            for e in stored_events(db)
        ] == [
            (shown["event_id"], "step_shown", guide.id, 1, 1, f"{ORIGIN}/reports", {}),
            (tracked["event_id"], "track", None, None, None, f"{ORIGIN}/", tracked["properties"]),
        ]
        with db.read() as session:
            users = session.exec(select(EndUser)).all()
        assert [(u.id, u.external_id) for u in users] == [
            (stored_events(db)[0].end_user_id, "user-42")
        ]

    def test_an_empty_batch_is_accepted_and_stores_nothing(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        response = post(client, event_batch(app, []))

        assert response.json() == {"accepted": 0, "duplicates": 0, "rejected": []}
        assert event_count(db) == 0

    def test_one_invalid_event_never_blocks_the_others(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        events = [event("step_shown", guide, step_index=i) for i in range(3)]
        events[1].pop("step_index")

        response = post(client, event_batch(app, events))

        assert response.status_code == 200
        assert response.json() == {
            "accepted": 2,
            "duplicates": 0,
            "rejected": [
                {
                    "index": 1,
                    "code": "invalid_event",
                    "fields": [
                        {"field": "events[1].step_index", "message": "required for step_shown"}
                    ],
                }
            ],
        }
        assert [str(e.event_id) for e in stored_events(db)] == [
            events[0]["event_id"],
            events[2]["event_id"],
        ]

    def test_a_batch_posted_three_times_is_stored_once(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        batch = event_batch(
            app, [event("guide_shown", guide), event("step_shown", guide, step_index=0)]
        )

        answers = [post(client, batch).json() for _ in range(3)]

        assert answers == [
            {"accepted": 2, "duplicates": 0, "rejected": []},
            {"accepted": 0, "duplicates": 2, "rejected": []},
            {"accepted": 0, "duplicates": 2, "rejected": []},
        ]
        assert event_count(db) == 2

    def test_a_replayed_event_id_is_dropped_even_with_other_content(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        first = event("track", properties={"name": "a"})
        post(client, event_batch(app, [first]))

        response = post(client, event_batch(app, [first | {"properties": {"name": "b"}}]))

        assert response.json() == {"accepted": 0, "duplicates": 1, "rejected": []}
        assert [e.properties for e in stored_events(db)] == [{"name": "a"}]

    def test_the_same_event_id_in_two_apps_is_two_events(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            other = make_app(session, "Other")
        shared = event("track", properties={"name": "x"})

        answers = [post(client, event_batch(a, [shared])).json()["accepted"] for a in (app, other)]

        assert answers == [1, 1]
        assert event_count(db) == 2

    def test_eight_clients_posting_one_batch_at_once_store_it_once(
        self, settings: Settings, db: Database, app: App, guide: Guide
    ) -> None:
        # Eight app instances, as eight server processes: each has its own engine and lock.
        batch = event_batch(
            app,
            [event("guide_shown", guide)]
            + [event("track", properties={"name": str(i)}) for i in range(20)],
        )
        ready = threading.Barrier(8)

        def send() -> dict[str, Any]:
            with TestClient(create_app(settings)) as client:
                ready.wait(timeout=60)
                response = post(client, batch)
                assert response.status_code == 200, response.text
                return response.json()

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: send(), range(8)))

        assert sum(a["accepted"] for a in answers) == 21
        assert sum(a["duplicates"] for a in answers) == 7 * 21
        assert event_count(db) == 21
        assert states(db) == [("anon:anon-1", guide.id, True, 0, False, False)]

    def test_eight_posts_of_one_batch_at_once_on_one_server_store_it_once(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        batch = event_batch(app, [event("step_shown", guide, step_index=i) for i in range(3)])

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda _: post(client, batch), range(8)))

        assert [r.status_code for r in responses] == [200] * 8
        assert sorted(r.json()["accepted"] for r in responses) == [0] * 7 + [3]
        assert event_count(db) == 3

    def test_the_clients_clock_is_corrected_with_sent_at(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        # The page's clock is two hours fast; the event happened 4 s before the send.
        skewed_now = datetime.now(UTC) + timedelta(hours=2)
        shown = event(
            "track",
            properties={"name": "x"},
            timestamp=(skewed_now - timedelta(seconds=4)).isoformat(),
        )

        post(client, event_batch(app, [shown], sent_at=skewed_now.isoformat()))

        (stored,) = stored_events(db)
        assert stored.received_at - stored.occurred_at == timedelta(seconds=4)

    def test_a_future_time_without_sent_at_is_clamped_to_arrival(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        future = event("track", properties={"name": "x"}, timestamp="2099-01-01T00:00:00+00:00")

        post(client, event_batch(app, [future]))

        (stored,) = stored_events(db)
        assert stored.occurred_at == stored.received_at

    def test_guide_events_move_the_users_guide_state(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        with db.write() as session:
            tip = make_published_guide(session, app, "tip")
            banner = make_published_guide(session, app, "banner")
        start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

        def later(seconds: int) -> str:
            return (start + timedelta(seconds=seconds)).isoformat()

        # Sent out of order: states follow the events' own times.
        events = [
            event("step_shown", guide, step_index=2, timestamp=later(3)),
            event("guide_shown", guide, timestamp=later(0)),
            event("step_shown", guide, step_index=1, timestamp=later(2)),
            event("step_completed", guide, step_index=2, timestamp=later(4)),
            event("guide_completed", guide, timestamp=later(5)),
            event("guide_shown", tip, timestamp=later(1)),
            event("guide_dismissed", tip, timestamp=later(2)),
            event("target_missing", banner, step_index=0, timestamp=later(1)),
        ]

        response = post(client, event_batch(app, events))

        assert response.json() == {"accepted": 8, "duplicates": 0, "rejected": []}
        assert states(db) == [
            ("anon:anon-1", guide.id, True, 2, True, False),
            ("anon:anon-1", tip.id, True, 0, False, True),
            ("anon:anon-1", banner.id, False, 0, False, False),
        ]

    def test_a_later_batch_continues_the_same_state(
        self, client: TestClient, db: Database, app: App, guide: Guide
    ) -> None:
        post(client, event_batch(app, [event("step_shown", guide, step_index=0)]))

        post(client, event_batch(app, [event("step_shown", guide, step_index=1)]))

        assert states(db) == [("anon:anon-1", guide.id, True, 1, False, False)]

    def test_events_for_another_apps_guide_are_stored_but_move_no_state(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            other = make_app(session, "Other")
            theirs = make_published_guide(session, other, "theirs")

        response = post(client, event_batch(app, [event("guide_completed", theirs)]))

        assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
        assert states(db) == []

    def test_events_for_a_guide_that_does_not_exist_move_no_state(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        ghost = event("guide_shown", guide_id=999, guide_version=1)

        response = post(client, event_batch(app, [ghost]))

        assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
        assert states(db) == []


class TestRateLimit:
    """B5/B6: one app key over its rate gets 429 with Retry-After; nothing of it is stored,
    and other apps, and every app's guide delivery, are unaffected."""

    @pytest.fixture
    def limited(self, settings: Settings) -> Iterator[TestClient]:
        # A slow refill (one event per 100 s), so a loaded machine's pauses refill nothing.
        strict = settings.model_copy(update={"ingest_rate_per_second": 0.01, "ingest_burst": 10})
        with TestClient(create_app(strict)) as client:
            yield client

    def test_a_key_over_its_rate_gets_429_with_retry_after_and_nothing_stored(
        self, limited: TestClient, db: Database, app: App
    ) -> None:
        first = post(limited, event_batch(app, [event("track", properties={"name": "a"})] * 10))
        over = [event("track", properties={"name": str(i)}) for i in range(5)]

        response = post(limited, event_batch(app, over))

        assert first.status_code == 200
        assert response.status_code == 429
        assert response.json() == {
            "error": "too many events for this app key; retry after the number of seconds "
            "in Retry-After",
            "code": "rate_limited",
            "status": 429,
        }
        assert response.headers["retry-after"] == "500"  # 5 events at 0.01 per second
        assert response.headers["access-control-expose-headers"] == "Retry-After"
        assert event_count(db) == 1  # the first batch held one event id ten times

    def test_other_apps_and_guide_delivery_are_unaffected(
        self, limited: TestClient, db: Database, app: App
    ) -> None:
        with db.write() as session:
            other = make_app(session, "Other")
        flood = [event("track", properties={"name": str(i)}) for i in range(10)]
        post(limited, event_batch(app, flood))
        assert (
            post(limited, event_batch(app, [event("track", properties={"name": "x"})])).status_code
            == 429
        )

        theirs = post(limited, event_batch(other, [event("track", properties={"name": "y"})]))
        delivery = limited.post(
            "/sdk/v1/session",
            content=json.dumps({"app_key": app.public_key, "anonymous_id": "a"}),
            headers={"Content-Type": TEXT_PLAIN, "Origin": ORIGIN},
        )

        assert theirs.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
        assert delivery.status_code == 200

    def test_the_default_limit_lets_a_browser_flush_a_full_queue(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        batches = [
            [event("track", properties={"name": str(i)}) for i in range(500)] for _ in range(4)
        ]

        answers = [post(client, event_batch(app, events)).status_code for events in batches]

        assert answers == [200] * 4
        assert event_count(db) == 2000


def test_a_batch_of_499_valid_events_and_one_invalid_stores_the_499(
    client: TestClient, db: Database, app: App
) -> None:
    """B3: the invalid one is reported with its index and reason."""
    events = [event("track", properties={"name": str(i)}) for i in range(500)]
    events[321] = event("track")

    response = post(client, event_batch(app, events))

    assert response.json() == {
        "accepted": 499,
        "duplicates": 0,
        "rejected": [
            {
                "index": 321,
                "code": "invalid_event",
                "fields": [
                    {
                        "field": "events[321].properties",
                        "message": "Value error, a track event needs properties.name",
                    }
                ],
            }
        ],
    }
    assert event_count(db) == 499


RECEIVED = at("2026-11-23T10:00:10+00:00")


class TestCorrectedTime:
    @pytest.mark.parametrize(
        ("timestamp", "sent_at", "occurred"),
        [
            pytest.param(
                "2026-11-23T10:00:15+00:00",
                "2026-11-23T10:00:20+00:00",
                "2026-11-23T10:00:05+00:00",
                id="client-10s-fast",
            ),
            pytest.param(
                "2026-11-23T09:59:55+00:00",
                "2026-11-23T10:00:00+00:00",
                "2026-11-23T10:00:05+00:00",
                id="client-10s-slow",
            ),
            pytest.param(
                "2026-11-23T12:00:05+00:00",
                "2026-11-23T12:00:10+00:00",
                "2026-11-23T10:00:05+00:00",
                id="client-2h-fast",
            ),
            pytest.param(
                "2026-11-23T11:00:05+01:00",
                "2026-11-23T11:00:10+01:00",
                "2026-11-23T10:00:05+00:00",
                id="client-in-another-zone",
            ),
            pytest.param(
                "2026-11-23T10:00:05+00:00", None, "2026-11-23T10:00:05+00:00", id="no-sent-at"
            ),
            pytest.param(
                "2027-06-01T00:00:00+00:00", None, "2026-11-23T10:00:10+00:00", id="far-future"
            ),
            pytest.param(
                "2026-11-23T10:00:30+00:00",
                "2026-11-23T10:00:20+00:00",
                "2026-11-23T10:00:10+00:00",
                id="event-after-send-clamped",
            ),
        ],
    )
    def test_the_clients_clock_offset_is_removed_and_never_in_the_future(
        self, timestamp: str, sent_at: str | None, occurred: str
    ) -> None:
        corrected = corrected_time(at(timestamp), at(sent_at) if sent_at else None, RECEIVED)

        assert corrected == at(occurred)


def test_every_event_factory_type_is_accepted_by_the_server(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    """The factory's events match the protocol, so the tests above test real payloads."""
    events = [
        event("guide_shown", guide),
        event("step_shown", guide, step_index=0),
        event("step_completed", guide, step_index=0),
        event("guide_completed", guide),
        event("guide_dismissed", guide),
        event("target_missing", guide, step_index=1),
        event("track", properties={"name": "export"}),
        event("guide_dismissed", guide, properties={"reason": "navigated_away", "duration_ms": 5}),
        event(
            "survey_answered",
            guide,
            step_index=0,
            properties={"question": "nps", "scale": "nps", "value": 9, "comment": "Nice"},
        ),
        event(
            "survey_answered",
            guide,
            step_index=1,
            properties={"question": "why", "scale": "multiple", "value": ["speed", "price"]},
        ),
        event(
            "survey_answered",
            guide,
            step_index=2,
            properties={"question": "more", "scale": "text", "comment": "Add dark mode"},
        ),
        event("checklist_item_completed", guide, properties={"item": "invite-team"}),
        event("resource_center_searched", properties={"query": "export", "results": 0}),
    ]

    response = post(client, event_batch(app, events))

    assert response.json() == {"accepted": 13, "duplicates": 0, "rejected": []}
    assert {uuid.UUID(e["event_id"]) for e in events} == {e.event_id for e in stored_events(db)}
