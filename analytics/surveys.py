"""Survey results per question: NPS (promoters minus detractors, in points from -100 to
100), CSAT and CES averages, the distribution of every answer, the trend by day, and the
free-text answers, listed and searchable.

Scores and distributions read rollups; free-text answers read raw `survey_answered` events
through an index (they are text, not counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from analytics import store
from analytics.models import SCALE_RANGES, SurveyScale
from analytics.store import Period

PROMOTER_FROM = 9  # NPS 9 and 10
DETRACTOR_UP_TO = 6  # NPS 0 to 6


@dataclass(frozen=True)
class Score:
    """What a numeric scale's answers add up to (None when there are none)."""

    nps: float | None = None
    average: float | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0


@dataclass(frozen=True)
class DayScore:
    day: date
    responses: int
    score: Score


@dataclass(frozen=True)
class QuestionResult:
    question: str
    scale: str
    responses: int
    comments: int
    distribution: dict[str, int]  # value -> answers; every value of a numeric scale listed
    score: Score
    trend: list[DayScore] = field(default_factory=list)


@dataclass(frozen=True)
class Comment:
    occurred_at: datetime
    user: str
    question: str
    scale: str
    value: str | int | list[str] | None
    comment: str


def score(scale: str, distribution: dict[str, int]) -> Score:
    if scale not in SCALE_RANGES:
        return Score()
    counts = {int(value): n for value, n in distribution.items()}
    total = sum(counts.values())
    if total == 0:
        return Score()
    average = sum(value * n for value, n in counts.items()) / total
    if scale != SurveyScale.nps:
        return Score(average=average)
    promoters = sum(n for value, n in counts.items() if value >= PROMOTER_FROM)
    detractors = sum(n for value, n in counts.items() if value <= DETRACTOR_UP_TO)
    return Score(
        nps=100 * (promoters - detractors) / total,
        average=average,
        promoters=promoters,
        passives=total - promoters - detractors,
        detractors=detractors,
    )


def _ordered(scale: str, counts: dict[str, int]) -> dict[str, int]:
    if scale in SCALE_RANGES:
        low, high = SCALE_RANGES[SurveyScale(scale)]
        return {str(v): counts.get(str(v), 0) for v in range(low, high + 1)}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def survey_results(
    session: Session, *, app_id: int, guide_id: int, period: Period
) -> list[QuestionResult]:
    """One result per question (and scale) answered in the period, by question id."""
    kw = {"app_id": app_id, "guide_id": guide_id, "period": period}
    totals: dict[tuple[str, str], list[int]] = {}
    per_day: dict[tuple[str, str], dict[date, int]] = {}
    for question, scale, day, responses, comments in store.survey_question_rows(session, **kw):  # type: ignore[arg-type]
        total = totals.setdefault((question, scale), [0, 0])
        total[0] += responses
        total[1] += comments
        days = per_day.setdefault((question, scale), {})
        days[day] = days.get(day, 0) + responses
    values: dict[tuple[str, str], dict[str, int]] = {}
    day_values: dict[tuple[str, str, date], dict[str, int]] = {}
    for question, scale, value, day, count in store.survey_value_rows(session, **kw):  # type: ignore[arg-type]
        counts = values.setdefault((question, scale), {})
        counts[value] = counts.get(value, 0) + count
        on_day = day_values.setdefault((question, scale, day), {})
        on_day[value] = on_day.get(value, 0) + count
    results = []
    for key in sorted(totals):
        question, scale = key
        distribution = _ordered(scale, values.get(key, {}))
        trend = [
            DayScore(day, per_day[key].get(day, 0), score(scale, day_values.get((*key, day), {})))
            for day in period.days()
        ]
        results.append(
            QuestionResult(
                question=question,
                scale=scale,
                responses=totals[key][0],
                comments=totals[key][1],
                distribution=distribution,
                score=score(scale, distribution),
                trend=trend,
            )
        )
    return results


def survey_comments(
    session: Session,
    *,
    app_id: int,
    guide_id: int,
    period: Period,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Comment]:
    """Free-text answers, newest first; `search` keeps those containing it (any case)."""
    rows = store.survey_comment_events(
        session,
        app_id=app_id,
        guide_id=guide_id,
        period=period,
        search=search.strip() if search else None,
        limit=limit,
        offset=offset,
    )
    return [
        Comment(
            occurred_at=event.occurred_at,
            user=user,
            question=str(event.properties.get("question", "")),
            scale=str(event.properties.get("scale", "")),
            value=event.properties.get("value"),
            comment=str(event.properties.get("comment", "")),
        )
        for event, user in rows
    ]
