"""CSV exports: the rows of each table as a spreadsheet reads them, and no formula injection
from what end users typed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from analytics.exports import (
    adoption_csv,
    checklist_csv,
    comments_csv,
    funnel_csv,
    journey_csv,
    searches_csv,
    segments_csv,
    summary_csv,
    survey_distribution_csv,
    surveys_csv,
    trend_csv,
    versions_csv,
)
from analytics.funnels import FunnelStep
from analytics.journeys import Journey, JourneyEvent
from analytics.overview import ChecklistItem, GuideAdoption, UnansweredSearch
from analytics.segments import Segment
from analytics.summary import GuideSummary, TrendPoint, VersionSummary
from analytics.surveys import Comment, QuestionResult, Score

NO_EXITS = {"dismissed": 0, "navigated_away": 0, "target_missing": 0, "error": 0, "timed_out": 0}
SUMMARY = GuideSummary(
    views=5,
    users=4,
    completions=1,
    users_completed=1,
    dismissals=2,
    users_dismissed=2,
    target_missing=0,
    exits=NO_EXITS | {"dismissed": 1, "navigated_away": 1},
)
SUMMARY_HEADER = (
    "views,users,completions,users_completed,completion_rate,dismissals,users_dismissed,"
    "dismiss_rate,target_missing,exits_dismissed,exits_navigated_away,exits_target_missing,"
    "exits_error,exits_timed_out"
)
WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


class TestGuidePageExports:
    def test_the_summary_is_one_row_with_rates_as_fractions(self) -> None:
        assert summary_csv(SUMMARY) == (
            f"{SUMMARY_HEADER}\r\n5,4,1,1,0.2500,2,2,0.5000,0,1,1,0,0,0\r\n"
        )

    def test_a_guide_nobody_saw_has_empty_rates(self) -> None:
        empty = GuideSummary(0, 0, 0, 0, 0, 0, 0, NO_EXITS)

        assert rows(summary_csv(empty))[1] == [
            "0",
            "0",
            "0",
            "0",
            "",
            "0",
            "0",
            "",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]

    def test_the_trend_has_one_row_per_day(self) -> None:
        points = [
            TrendPoint(date(2026, 11, 2), 2, 2, 1, 1),
            TrendPoint(date(2026, 11, 3), 0, 0, 0, 0),
        ]

        assert trend_csv(points) == (
            "day,views,users,completions,dismissals\r\n2026-11-02,2,2,1,1\r\n2026-11-03,0,0,0,0\r\n"
        )

    def test_the_funnel_numbers_steps_from_one(self) -> None:
        step = FunnelStep(0, 4, 4, 2, 2, NO_EXITS | {"navigated_away": 1}, 0, 1037, 4870)

        assert funnel_csv([step]) == (
            "step,views,users,users_completed,drop_off,drop_off_rate,target_missing,median_ms,"
            "p90_ms,exits_dismissed,exits_navigated_away,exits_target_missing,exits_error,"
            "exits_timed_out\r\n1,4,4,2,2,0.5000,0,1037,4870,0,1,0,0,0\r\n"
        )

    def test_versions_and_segments(self) -> None:
        assert rows(versions_csv([VersionSummary(2, SUMMARY)]))[1][:3] == ["2", "5", "4"]
        assert segments_csv("plan", [Segment("pro", 4, 1, 2)]) == (
            "plan,users,completed,completion_rate,dismissed,dismiss_rate\r\n"
            "pro,4,1,0.2500,2,0.5000\r\n"
        )


class TestSurveyExports:
    def test_scores_and_distributions(self) -> None:
        nps = QuestionResult(
            "nps", "nps", 4, 1, {"0": 1, "9": 2, "10": 1}, Score(50.0, 7.0, 3, 0, 1)
        )

        assert surveys_csv([nps]) == (
            "question,scale,responses,comments,nps,average,promoters,passives,detractors\r\n"
            "nps,nps,4,1,50.0000,7.0000,3,0,1\r\n"
        )
        assert survey_distribution_csv([nps]) == (
            "question,scale,value,answers\r\nnps,nps,0,1\r\nnps,nps,9,2\r\nnps,nps,10,1\r\n"
        )

    def test_a_comment_that_looks_like_a_formula_is_written_as_text(self) -> None:
        sneaky = Comment(WHEN, "user-1", "why", "text", None, '=HYPERLINK("http://x","go")')
        lists = Comment(WHEN, "user-2", "many", "multiple", ["a", "b"], '-1+1, "quoted"')

        assert rows(comments_csv([sneaky, lists])) == [
            ["time", "user", "question", "scale", "value", "comment"],
            [
                "2026-11-02T10:00:00+00:00",
                "user-1",
                "why",
                "text",
                "",
                '\'=HYPERLINK("http://x","go")',
            ],
            [
                "2026-11-02T10:00:00+00:00",
                "user-2",
                "many",
                "multiple",
                '["a", "b"]',
                '\'-1+1, "quoted"',
            ],
        ]


class TestOverviewExports:
    def test_adoption_checklists_and_searches(self) -> None:
        row = GuideAdoption(3, "tour", "Tour", "walkthrough", "published", SUMMARY)

        assert rows(adoption_csv([row]))[1][:5] == [
            "tour",
            "Tour",
            "walkthrough",
            "published",
            "dismissed",
        ]
        assert checklist_csv([ChecklistItem(4, "Setup", "invite", 7, 5)]) == (
            "guide,item,completions,users\r\nSetup,invite,7,5\r\n"
        )
        assert searches_csv([UnansweredSearch("@admin sso", 3, 2)]) == (
            "query,searches,without_results\r\n'@admin sso,3,2\r\n"
        )


def test_a_journey_lists_events_with_their_properties() -> None:
    journey = Journey(
        "user-1",
        False,
        {},
        WHEN,
        WHEN,
        events=[
            JourneyEvent(WHEN, "step_shown", 3, "Tour", 1, 0, "https://a.test/", {}),
            JourneyEvent(
                WHEN,
                "track",
                None,
                None,
                None,
                None,
                "https://a.test/",
                {"name": "export", "rows": 3},
            ),
        ],
    )

    assert journey_csv(journey) == (
        "time,type,guide,version,step,url,properties\r\n"
        "2026-11-02T10:00:00+00:00,step_shown,Tour,1,1,https://a.test/,{}\r\n"
        '2026-11-02T10:00:00+00:00,track,,,,https://a.test/,"{""name"": ""export"", '
        '""rows"": 3}"\r\n'
    )
