"""Every number of every analytics report equals an independent computation from the raw
events (`tests/raw_analytics.py`), on generated streams and periods; plus one small story
whose numbers a reader can check by hand."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from analytics.funnels import step_funnel
from analytics.guide_page import guide_page
from analytics.journeys import user_journey
from analytics.overview import (
    Verdict,
    adoption_overview,
    checklist_progress,
    unanswered_searches,
)
from analytics.segments import trait_breakdown
from analytics.store import Period
from analytics.summary import guide_summary, guide_trend, version_breakdown
from analytics.surveys import survey_comments, survey_results
from guides import EndUser
from guides.errors import EndUserNotFound
from server.db import Database
from tests import raw_analytics as raw
from tests.event_streams import DAYS, START, Guides, forget_events, ingest, make_guides, streams
from tests.factories import event

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIRST_DAY = START.date()


@pytest.fixture
def guides(db: Database) -> Guides:
    with db.write() as session:
        return make_guides(session)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(st.integers(0, DAYS - 1))
    length = draw(st.integers(1, DAYS - start))
    return Period(FIRST_DAY + timedelta(days=start), FIRST_DAY + timedelta(days=start + length - 1))


def load(db: Database, guides: Guides, data: st.DataObject) -> raw.Raw:
    batches = data.draw(streams(guides))
    with db.write() as session:
        forget_events(session)
    for batch in batches:
        with db.write() as session:
            ingest(session, guides, [batch])
    with db.read() as session:
        assert guides.app.id is not None
        return raw.Raw.load(session, guides.app.id)


def summary_dict(summary: Any) -> dict[str, Any]:
    return asdict(summary) | {
        "completion_rate": summary.completion_rate,
        "dismiss_rate": summary.dismiss_rate,
    }


def ids(guides: Guides) -> dict[str, int]:
    assert guides.app.id is not None and guides.tour.id is not None
    return {"app_id": guides.app.id, "guide_id": guides.tour.id}


class TestGuidePage:
    @EXAMPLES
    @given(data=st.data())
    def test_summary_trend_and_versions_equal_the_raw_events(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        events = load(db, guides, data)
        period = data.draw(periods())
        version = data.draw(st.sampled_from([None, 1, 2]))
        g = ids(guides)["guide_id"]

        with db.read() as session:
            summary = guide_summary(session, **ids(guides), period=period, version=version)
            trend = guide_trend(session, **ids(guides), period=period)
            versions = version_breakdown(session, **ids(guides), period=period)

        assert summary_dict(summary) == raw.summary(events, g, period.start, period.end, version)
        assert [asdict(p) for p in trend] == raw.trend(events, g, period.days())
        assert [(v.version, summary_dict(v.summary)) for v in versions] == raw.versions(
            events, g, period.start, period.end
        )

    @EXAMPLES
    @given(data=st.data())
    def test_the_step_funnel_equals_the_raw_events(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        events = load(db, guides, data)
        period = data.draw(periods())

        with db.read() as session:
            funnel = step_funnel(session, **ids(guides), period=period)

        expected = raw.funnel(events, ids(guides)["guide_id"], 3, period.start, period.end)
        assert [asdict(step) for step in funnel] == expected

    @EXAMPLES
    @given(data=st.data())
    def test_the_breakdown_by_trait_equals_the_raw_events(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        load(db, guides, data)
        with db.write() as session:
            for user in session.exec(select(EndUser)).all():
                plans = [None, "pro", "free", "free", "team", "pro"]
                plan = plans[user.id % len(plans)]  # type: ignore[operator]
                user.traits = {} if plan is None else {"plan": plan}
                session.add(user)
        with db.read() as session:
            events = raw.Raw.load(session, ids(guides)["app_id"])
            segments = trait_breakdown(session, **ids(guides), trait="plan")

        expected = raw.seen_by_trait(events, ids(guides)["guide_id"], "plan")
        assert {s.value: (s.users, s.completed, s.dismissed) for s in segments} == expected
        assert [s.users for s in segments] == sorted((s.users for s in segments), reverse=True)


class TestSurveys:
    @EXAMPLES
    @given(data=st.data())
    def test_scores_distributions_and_trends_equal_the_raw_events(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        events = load(db, guides, data)
        period = data.draw(periods())
        assert guides.survey.id is not None

        with db.read() as session:
            results = survey_results(
                session, app_id=ids(guides)["app_id"], guide_id=guides.survey.id, period=period
            )

        assert [
            {
                "question": r.question,
                "scale": r.scale,
                "responses": r.responses,
                "comments": r.comments,
                "distribution": r.distribution,
                "score": {"nps": r.score.nps, "average": r.score.average},
                "trend": [
                    (p.day, p.responses, {"nps": p.score.nps, "average": p.score.average})
                    for p in r.trend
                ],
            }
            for r in results
        ] == approx_floats(raw.surveys(events, guides.survey.id, period.days()))

    @EXAMPLES
    @given(data=st.data(), search=st.sampled_from([None, "slow", "DARK", "%", "zzz"]))
    def test_free_text_answers_are_listed_newest_first_and_searchable(
        self, db: Database, guides: Guides, data: st.DataObject, search: str | None
    ) -> None:
        events = load(db, guides, data)
        period = data.draw(periods())
        assert guides.survey.id is not None

        with db.read() as session:
            found = survey_comments(
                session,
                app_id=ids(guides)["app_id"],
                guide_id=guides.survey.id,
                period=period,
                search=search,
                limit=1000,
            )

        assert [(c.occurred_at, c.user, c.comment) for c in found] == raw.comments(
            events, guides.survey.id, period.start, period.end, search
        )


def approx_floats(value: Any) -> Any:
    if isinstance(value, float):
        return pytest.approx(value)
    if isinstance(value, dict):
        return {k: approx_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(approx_floats(v) for v in value)
    return value


class TestOverview:
    @EXAMPLES
    @given(data=st.data())
    def test_adoption_checklists_and_unanswered_searches_equal_the_raw_events(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        events = load(db, guides, data)
        period = data.draw(periods())
        app_id = ids(guides)["app_id"]

        with db.read() as session:
            adoption = adoption_overview(session, app_id=app_id, period=period)
            items = checklist_progress(session, app_id=app_id, period=period)
            searches = unanswered_searches(session, app_id=app_id, period=period, limit=100)

        assert {row.guide_id: summary_dict(row.summary) for row in adoption} == {
            g.id: raw.summary(events, g.id, period.start, period.end) for g in guides.ours
        }
        assert {(i.guide_id, i.item): (i.completions, i.users) for i in items} == raw.checklist(
            events, period.start, period.end
        )
        assert [(s.query, s.searches, s.zero_results) for s in searches] == raw.searches(
            events, period.start, period.end
        )


class TestAStoryToCheckByHand:
    """Four users meet the three-step tour on 2 and 3 November."""

    def test_the_guide_page_numbers(self, db: Database, guides: Guides) -> None:
        tour = guides.tour
        day1, day2 = "2026-11-02T10:00:00+00:00", "2026-11-03T10:00:00+00:00"

        def walk(user: str, when: str, *events: dict[str, Any]) -> dict[str, Any]:
            return {
                "app_key": guides.app.public_key,
                "user_id": user,
                "events": [e | {"timestamp": when} for e in events],
            }

        def shown() -> list[dict[str, Any]]:
            return [event("guide_shown", tour), event("step_shown", tour, step_index=0)]

        def done(step: int, ms: int) -> dict[str, Any]:
            return event("step_completed", tour, step_index=step, properties={"duration_ms": ms})

        def step(i: int) -> dict[str, Any]:
            return event("step_shown", tour, step_index=i)

        batches = [
            # Ann finishes the tour on day 1.
            walk(
                "ann",
                day1,
                *shown(),
                done(0, 1000),
                step(1),
                done(1, 2000),
                step(2),
                done(2, 3000),
                event("guide_completed", tour),
            ),
            # Bob closes it on step 2.
            walk(
                "bob",
                day1,
                *shown(),
                done(0, 5000),
                step(1),
                event("guide_dismissed", tour, step_index=1, properties={"reason": "dismissed"}),
            ),
            # Cy navigates away on step 1, on day 2.
            walk(
                "cy",
                day2,
                *shown(),
                event(
                    "guide_dismissed", tour, step_index=0, properties={"reason": "navigated_away"}
                ),
            ),
            # Di sees it on day 2 and again later the same day; nothing else.
            walk("di", day2, *shown()),
            walk("di", day2, event("guide_shown", tour)),
        ]
        with db.write() as session:
            ingest(session, guides, batches)
        period = Period(date(2026, 11, 2), date(2026, 11, 3))

        with db.read() as session:
            summary = guide_summary(session, **ids(guides), period=period)
            trend = guide_trend(session, **ids(guides), period=period)
            funnel = step_funnel(session, **ids(guides), period=period)
            overview = adoption_overview(session, app_id=ids(guides)["app_id"], period=period)
            page = guide_page(session, **ids(guides), period=period)

        assert (summary.views, summary.users, summary.users_completed, summary.users_dismissed) == (
            5,
            4,
            1,
            2,
        )
        assert (summary.completion_rate, summary.dismiss_rate) == (0.25, 0.5)
        assert summary.exits == {
            "dismissed": 1,
            "navigated_away": 1,
            "target_missing": 0,
            "error": 0,
            "timed_out": 0,
        }
        assert [(p.day, p.views, p.users, p.completions, p.dismissals) for p in trend] == [
            (date(2026, 11, 2), 2, 2, 1, 1),
            (date(2026, 11, 3), 3, 2, 0, 1),
        ]
        assert [(s.step_index, s.users, s.drop_off, s.median_ms) for s in funnel] == [
            (0, 4, 2, 1037),  # 1000 and 5000 ms: the median is 1000, shown as its bucket's 1037
            (1, 2, 1, 2075),
            (2, 1, 0, 2934),
        ]
        assert funnel[0].exits["navigated_away"] == 1
        assert funnel[1].exits["dismissed"] == 1
        assert funnel[0].drop_off_rate == 0.5
        assert (page.summary, page.trend, page.funnel) == (summary, trend, funnel)
        assert [(v.version, v.summary.users) for v in page.versions] == [(1, 4)]
        tour_row = next(row for row in overview if row.guide_id == tour.id)
        assert tour_row.verdict == Verdict.dismissed


class TestJourney:
    def test_a_users_journey_lists_their_guides_and_events_in_order(
        self, db: Database, guides: Guides
    ) -> None:
        batch = {
            "app_key": guides.app.public_key,
            "anonymous_id": "visitor-7",
            "events": [
                event("step_shown", guides.tour, step_index=1, timestamp="2026-11-02T10:00:05Z"),
                event("guide_shown", guides.tour, timestamp="2026-11-02T10:00:00Z"),
                event("track", properties={"name": "export"}, timestamp="2026-11-02T10:01:00Z"),
            ],
        }
        with db.write() as session:
            ingest(session, guides, [batch])

        with db.read() as session:
            journey = user_journey(session, app_id=ids(guides)["app_id"], user="visitor-7")

        assert (journey.external_id, journey.anonymous) == ("anon:visitor-7", True)
        assert [(g.guide_name, g.seen, g.current_step) for g in journey.guides] == [
            ("Tour", True, 1)
        ]
        assert [(e.type, e.guide_name, e.step_index) for e in journey.events] == [
            ("guide_shown", "Tour", None),
            ("step_shown", "Tour", 1),
            ("track", None, None),
        ]

    def test_an_unknown_user_is_a_clear_not_found(self, db: Database, guides: Guides) -> None:
        with db.read() as session, pytest.raises(EndUserNotFound) as raised:
            user_journey(session, app_id=ids(guides)["app_id"], user="nobody")

        assert raised.value.to_json() == {
            "error": "no user 'nobody' in this app",
            "code": "end_user_not_found",
            "status": 404,
        }


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Period(date(2026, 11, 3), date(2026, 11, 2))
