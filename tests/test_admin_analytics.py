"""The admin's analytics pages over HTTP: what they show for a known story of events, the
date range, versions and traits, the CSV downloads, empty states, and who may see what."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from starlette.datastructures import QueryParams
from starlette.testclient import TestClient

from admin.report_period import report_period
from analytics import Period
from guides import App, Guide
from server.db import Database
from tests.admin_client import sign_in
from tests.analytics_scenario import (
    LAST_7_DAYS,
    LAST_30_DAYS,
    NPS_QUESTION,
    SURVEY_STEPS,
    send_scenario,
)
from tests.factories import ORIGIN, make_admin, make_published_guide, make_workspace_app


class Story:
    def __init__(self, app: App, tour: Guide, survey: Guide) -> None:
        self.app, self.tour, self.survey = app, tour, survey

    @property
    def overview(self) -> str:
        return f"/admin/apps/{self.app.id}/analytics/"

    @property
    def tour_page(self) -> str:
        return f"/admin/guides/{self.tour.id}/analytics/"

    @property
    def survey_page(self) -> str:
        return f"/admin/guides/{self.survey.id}/analytics/survey"


@pytest.fixture
def story(client: TestClient, db: Database) -> Story:
    with db.write() as session:
        make_admin(session, "owner@example.com", "owner")
        make_admin(session, "viewer@example.com", "viewer")
        make_admin(session, "stranger@example.com", "owner", workspace="Other team")
        app = make_workspace_app(session)
        tour = make_published_guide(session, app, "tour", steps=3)
        survey = make_published_guide(session, app, "feedback", steps=SURVEY_STEPS, kind="survey")  # type: ignore[arg-type]
        make_published_guide(session, app, "unused-tip")

    def post(path: str, body: dict[str, Any]) -> None:
        response = client.post(path, json=body, headers={"Origin": ORIGIN})
        assert response.status_code == 200, response.text

    send_scenario(post, app, tour, survey, ORIGIN)
    return Story(app, tour, survey)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class TestReportPeriod:
    TODAY = date(2026, 11, 23)

    def test_presets_end_today(self) -> None:
        chosen = report_period(QueryParams("days=7"), self.TODAY)
        assert (chosen.period, chosen.preset, chosen.error) == (
            Period(date(2026, 11, 17), self.TODAY),
            7,
            "",
        )

    def test_a_custom_range_keeps_both_days(self) -> None:
        chosen = report_period(QueryParams("start=2026-10-01&end=2026-10-31"), self.TODAY)
        assert (chosen.period, chosen.preset, chosen.query, chosen.label) == (
            Period(date(2026, 10, 1), date(2026, 10, 31)),
            None,
            {"start": "2026-10-01", "end": "2026-10-31"},
            "1 Oct 2026 to 31 Oct 2026",
        )

    @pytest.mark.parametrize(
        ("query", "error"),
        [
            ("start=2026-10-31&end=2026-10-01", "The end date is before the start date."),
            ("start=yesterday&end=2026-10-01", "Pick a start and an end date (YYYY-MM-DD)."),
            ("start=2020-01-01&end=2026-10-01", "A range can be at most 366 days long."),
            ("days=12", "Choose 7, 30 or 90 days."),
        ],
    )
    def test_a_range_it_cannot_use_falls_back_to_30_days_and_says_why(
        self, query: str, error: str
    ) -> None:
        chosen = report_period(QueryParams(query), self.TODAY)
        assert (chosen.preset, chosen.error) == (30, error)


class TestOverview:
    def test_a_viewer_sees_every_guide_with_its_verdict(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(story.overview + "?days=30")

        assert page.status_code == 200
        assert page.template.name == "analytics/overview.html"
        adoption = {
            row.slug: (row.summary.users, row.summary.views, row.verdict.value)
            for row in page.context["adoption"]
        }
        assert adoption == {
            "tour": (3, 3, "dismissed"),
            "feedback": (3, 3, "helping"),
            "unused-tip": (0, 0, "unseen"),
        }
        assert [(s.query, s.searches, s.zero_results) for s in page.context["searches"]] == [
            ("dark mode", 1, 1)
        ]
        assert f'/admin/guides/{story.tour.id}/analytics/?days=30">Tour</a>' in page.text

    def test_csv_of_each_table_is_a_download_of_its_rows(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "viewer@example.com")
        page = client.get(story.overview + "?days=7")

        downloads = {table: client.get(url) for table, url in page.context["csv"].items()}

        assert {t: r.headers["content-type"] for t, r in downloads.items()} == dict.fromkeys(
            ["adoption", "checklists", "searches"], "text/csv; charset=utf-8"
        )
        assert (
            downloads["adoption"]
            .headers["content-disposition"]
            .startswith('attachment; filename="Acme-adoption-')
        )
        adoption = {
            r["guide"]: (r["users"], r["verdict"]) for r in rows(downloads["adoption"].text)
        }
        assert adoption == {
            "tour": ("2", "helping"),
            "feedback": ("2", "helping"),
            "unused-tip": ("0", "unseen"),
        }
        assert rows(downloads["searches"].text) == [
            {"query": "dark mode", "searches": "1", "without_results": "1"}
        ]
        assert rows(downloads["checklists"].text) == []

    def test_another_workspace_cannot_see_the_app(self, client: TestClient, story: Story) -> None:
        sign_in(client, "stranger@example.com")

        pages = [
            story.overview,
            story.overview + "export",
            story.overview + "users?user=alice",
            story.tour_page,
            story.tour_page + "export?table=funnel",
            story.survey_page,
            story.survey_page + "/export",
        ]

        assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 404)

    def test_an_app_without_guides_explains_what_to_do(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        sign_in(client, "owner@example.com")

        page = client.get(f"/admin/apps/{app.id}/analytics/")

        assert page.status_code == 200
        assert "has no guides yet" in page.text
        assert "No resource-center search came back empty in this range." in page.text


class TestGuidePage:
    @pytest.mark.parametrize(("query", "expected"), [("days=7", LAST_7_DAYS), ("", LAST_30_DAYS)])
    def test_the_numbers_follow_the_date_range(
        self, client: TestClient, story: Story, query: str, expected: dict[str, str]
    ) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(story.tour_page + "?" + query)

        summary = page.context["report"].summary
        shown = {
            "views": str(summary.views),
            "users": str(summary.users),
            "completion": f"{round(summary.completion_rate * 100)}%",
            "dismiss": f"{round(summary.dismiss_rate * 100)}%",
        }
        assert shown == {k: v for k, v in expected.items() if k != "nps"}
        assert f'data-kpi="completion">{expected["completion"]}<' in page.text

    def test_the_funnel_has_drop_off_exit_reasons_and_times(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "owner@example.com")

        page = client.get(story.tour_page + "?days=30")

        funnel = [
            (s.step_index + 1, s.users, s.drop_off, s.exits["dismissed"], s.exits["navigated_away"])
            for s in page.context["report"].funnel
        ]
        assert funnel == [(1, 3, 1, 1, 0), (2, 2, 1, 0, 1), (3, 1, 0, 0, 0)]
        medians = [s.median_ms for s in page.context["report"].funnel]
        assert all(m is not None for m in medians)
        assert 1800 <= medians[0] <= 2200 and 5400 <= medians[2] <= 6600  # type: ignore[operator]
        exported = rows(client.get(page.context["csv"]["funnel"]).text)
        assert [(r["step"], r["users"], r["drop_off"]) for r in exported] == [
            ("1", "3", "1"),
            ("2", "2", "1"),
            ("3", "1", "0"),
        ]

    def test_breakdown_by_a_chosen_trait_and_by_version(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "owner@example.com")

        page = client.get(story.tour_page + "?days=30&trait=plan&version=1")

        assert page.context["traits"] == ["plan"]
        assert [(s.value, s.users, s.completed) for s in page.context["segments"]] == [
            ("free", 2, 0),
            ("pro", 1, 1),
        ]
        assert [(v.version, v.summary.users) for v in page.context["report"].versions] == [(1, 3)]
        assert page.context["version"] == 1
        segments = rows(client.get(page.context["csv"]["segments"]).text)
        assert segments[0] == {
            "plan": "free",
            "users": "2",
            "completed": "0",
            "completion_rate": "0.0000",
            "dismissed": "2",
            "dismiss_rate": "1.0000",
        }

    def test_a_version_nobody_saw_says_so(self, client: TestClient, story: Story) -> None:
        sign_in(client, "owner@example.com")

        page = client.get(story.tour_page + "?version=7")

        assert page.context["report"].summary.views == 0
        assert "No activity last 30 days for version 7" in page.text

    def test_a_bad_range_shows_why_and_the_last_30_days(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "owner@example.com")

        page = client.get(story.tour_page + "?start=2026-12-01&end=2026-01-01")

        assert page.status_code == 200
        assert "The end date is before the start date. Showing the last 30 days." in page.text
        assert page.context["report"].summary.views == 3

    def test_an_unknown_guide_is_a_404_page(self, client: TestClient, story: Story) -> None:
        sign_in(client, "owner@example.com")

        response = client.get("/admin/guides/999999/analytics/")

        assert (response.status_code, response.template.name) == (404, "error.html")


class TestSurveys:
    def test_nps_distribution_and_comments(self, client: TestClient, story: Story) -> None:
        sign_in(client, "viewer@example.com")

        week = client.get(story.survey_page + "?days=7")
        month = client.get(story.survey_page + "?days=30")

        (result,) = month.context["results"]
        assert (result.question, result.responses, round(result.score.nps)) == ("nps", 3, 33)
        assert result.distribution == {**{str(v): 0 for v in range(11)}, "3": 1, "9": 1, "10": 1}
        assert round(week.context["results"][0].score.nps) == 0
        assert NPS_QUESTION in month.text
        assert [c.comment for c in month.context["comments"]] == ["Love the export", "Too slow"]

    def test_free_text_answers_are_searchable_and_exported_as_found(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(story.survey_page + "?days=30&q=SLOW")

        assert [(c.user, c.comment) for c in page.context["comments"]] == [("bob", "Too slow")]
        exported = rows(client.get(page.context["csv"]["comments"]).text)
        assert [(r["user"], r["value"], r["comment"]) for r in exported] == [
            ("bob", "3", "Too slow")
        ]
        nothing = client.get(story.survey_page + "?days=30&q=pricing")
        assert "No answer contains “pricing”" in nothing.text


class TestJourney:
    def test_a_user_timeline_with_guides_and_traits(self, client: TestClient, story: Story) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(story.overview + "users?user=bob")

        journey = page.context["journey"]
        assert (journey.external_id, journey.traits) == ("bob", {"plan": "free"})
        assert [e.type for e in journey.events][:3] == [
            "guide_shown",
            "step_shown",
            "step_completed",
        ]
        assert "Tour v1 · step 2 · navigated away" in page.text
        exported = rows(client.get(page.context["csv"]).text)
        assert len(exported) == len(journey.events)

    def test_an_unknown_user_is_explained_next_to_the_field(
        self, client: TestClient, story: Story
    ) -> None:
        sign_in(client, "viewer@example.com")

        page = client.get(story.overview + "users?user=nobody")

        assert page.status_code == 200
        assert page.context["journey"] is None
        assert "No user “nobody” has been seen in Acme." in page.text
        assert 'aria-invalid="true"' in page.text
