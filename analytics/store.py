"""Named queries of the analytics domain, one function per query. Every report reads rollups
(`*_daily`); only free-text survey answers and a user's journey read raw events, through an
index, and the trait breakdown reads guide states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, and_, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from analytics.models import (
    ALL_VERSIONS,
    WHOLE_GUIDE,
    ChecklistItemDaily,
    Event,
    EventType,
    ExitReason,
    GuideDaily,
    SearchDaily,
    StepDuration,
    SurveyQuestionDaily,
    SurveyValueDaily,
)
from guides.models import EndUser, Guide, GuideState

GUIDE_COUNTERS = (
    "shown",
    "completed",
    "dismissed",
    "target_missing",
    *(f"exit_{reason.value}" for reason in ExitReason),
    "users_shown",
    "users_completed",
    "users_dismissed",
)


@dataclass(frozen=True)
class Period:
    """A range of UTC days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after the day it starts")

    @classmethod
    def last(cls, days: int, today: date | None = None) -> Period:
        end = today or datetime.now(UTC).date()
        return cls(end - timedelta(days=days - 1), end)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def first_moment(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def after_last_moment(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(GuideDaily.__table__.c[name]), 0) for name in GUIDE_COUNTERS]  # type: ignore[attr-defined]


def _guide_rows(app_id: int, guide_id: int, period: Period) -> Any:
    return and_(
        col(GuideDaily.app_id) == app_id,
        col(GuideDaily.guide_id) == guide_id,
        col(GuideDaily.day) >= period.start,
        col(GuideDaily.day) <= period.end,
    )


def _as_counts(row: Row[Any] | Sequence[Any]) -> dict[str, int]:
    return {name: int(value) for name, value in zip(GUIDE_COUNTERS, row, strict=True)}


def guide_totals(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int = ALL_VERSIONS
) -> dict[str, int]:
    """Every counter of a guide as a whole, summed over the period."""
    row = session.execute(
        select_columns(*_sums()).where(
            _guide_rows(app_id, guide_id, period),
            col(GuideDaily.guide_version) == version,
            col(GuideDaily.step_index) == WHOLE_GUIDE,
        )
    ).one()
    return _as_counts(row)


def guide_days(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int = ALL_VERSIONS
) -> dict[date, dict[str, int]]:
    rows = session.execute(
        select_columns(col(GuideDaily.day), *_sums())
        .where(
            _guide_rows(app_id, guide_id, period),
            col(GuideDaily.guide_version) == version,
            col(GuideDaily.step_index) == WHOLE_GUIDE,
        )
        .group_by(col(GuideDaily.day))
    ).all()
    return {row[0]: _as_counts(row[1:]) for row in rows}


def step_totals(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int = ALL_VERSIONS
) -> dict[int, dict[str, int]]:
    rows = session.execute(
        select_columns(col(GuideDaily.step_index), *_sums())
        .where(
            _guide_rows(app_id, guide_id, period),
            col(GuideDaily.guide_version) == version,
            col(GuideDaily.step_index) != WHOLE_GUIDE,
        )
        .group_by(col(GuideDaily.step_index))
    ).all()
    return {row[0]: _as_counts(row[1:]) for row in rows}


def version_totals(
    session: Session, *, app_id: int, guide_id: int, period: Period
) -> dict[int, dict[str, int]]:
    rows = session.execute(
        select_columns(col(GuideDaily.guide_version), *_sums())
        .where(
            _guide_rows(app_id, guide_id, period),
            col(GuideDaily.guide_version) != ALL_VERSIONS,
            col(GuideDaily.step_index) == WHOLE_GUIDE,
        )
        .group_by(col(GuideDaily.guide_version))
    ).all()
    return {row[0]: _as_counts(row[1:]) for row in rows}


def app_guide_totals(session: Session, *, app_id: int, period: Period) -> dict[int, dict[str, int]]:
    """Totals of every guide of an app with any activity in the period."""
    rows = session.execute(
        select_columns(col(GuideDaily.guide_id), *_sums())
        .where(
            col(GuideDaily.app_id) == app_id,
            col(GuideDaily.day) >= period.start,
            col(GuideDaily.day) <= period.end,
            col(GuideDaily.guide_version) == ALL_VERSIONS,
            col(GuideDaily.step_index) == WHOLE_GUIDE,
        )
        .group_by(col(GuideDaily.guide_id))
    ).all()
    return {row[0]: _as_counts(row[1:]) for row in rows}


def step_histograms(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int = ALL_VERSIONS
) -> dict[int, dict[int, int]]:
    """step index -> {bucket: count} of time on step."""
    rows = session.execute(
        select_columns(
            col(StepDuration.step_index), col(StepDuration.bucket), func.sum(StepDuration.count)
        )
        .where(
            col(StepDuration.app_id) == app_id,
            col(StepDuration.guide_id) == guide_id,
            col(StepDuration.guide_version) == version,
            col(StepDuration.day) >= period.start,
            col(StepDuration.day) <= period.end,
        )
        .group_by(col(StepDuration.step_index), col(StepDuration.bucket))
    ).all()
    histograms: dict[int, dict[int, int]] = {}
    for step, bucket, count in rows:
        histograms.setdefault(step, {})[bucket] = int(count)
    return histograms


def survey_question_rows(
    session: Session, *, app_id: int, guide_id: int, period: Period
) -> list[tuple[str, str, date, int, int]]:
    """(question, scale, day, responses, comments) per day."""
    rows = session.execute(
        select_columns(
            col(SurveyQuestionDaily.question),
            col(SurveyQuestionDaily.scale),
            col(SurveyQuestionDaily.day),
            col(SurveyQuestionDaily.responses),
            col(SurveyQuestionDaily.comments),
        ).where(
            col(SurveyQuestionDaily.app_id) == app_id,
            col(SurveyQuestionDaily.guide_id) == guide_id,
            col(SurveyQuestionDaily.day) >= period.start,
            col(SurveyQuestionDaily.day) <= period.end,
        )
    ).all()
    return [tuple(row) for row in rows]


def survey_value_rows(
    session: Session, *, app_id: int, guide_id: int, period: Period
) -> list[tuple[str, str, str, date, int]]:
    """(question, scale, value, day, count) per day."""
    rows = session.execute(
        select_columns(
            col(SurveyValueDaily.question),
            col(SurveyValueDaily.scale),
            col(SurveyValueDaily.value),
            col(SurveyValueDaily.day),
            col(SurveyValueDaily.count),
        ).where(
            col(SurveyValueDaily.app_id) == app_id,
            col(SurveyValueDaily.guide_id) == guide_id,
            col(SurveyValueDaily.day) >= period.start,
            col(SurveyValueDaily.day) <= period.end,
        )
    ).all()
    return [tuple(row) for row in rows]


def survey_comment_events(
    session: Session,
    *,
    app_id: int,
    guide_id: int,
    period: Period,
    search: str | None,
    limit: int,
    offset: int,
) -> list[tuple[Event, str]]:
    """Survey answers with free text, newest first, with the user's external id. Reads raw
    events through `ix_event_app_type_time`."""
    comment = Event.properties["comment"].as_string()
    query = (
        select(Event, EndUser.external_id)
        .join(EndUser, col(EndUser.id) == col(Event.end_user_id))
        .where(
            col(Event.app_id) == app_id,
            col(Event.type) == EventType.survey_answered.value,
            col(Event.occurred_at) >= period.first_moment,
            col(Event.occurred_at) < period.after_last_moment,
            col(Event.guide_id) == guide_id,
            func.length(func.trim(comment)) > 0,
        )
        .order_by(col(Event.occurred_at).desc(), col(Event.id).desc())
        .limit(limit)
        .offset(offset)
    )
    if search:
        query = query.where(func.lower(comment).contains(search.lower(), autoescape=True))
    return [(event, external_id) for event, external_id in session.exec(query).all()]


def checklist_item_rows(
    session: Session, *, app_id: int, period: Period
) -> list[tuple[int, str, int, int]]:
    """(guide id, item, completions, users) summed over the period."""
    rows = session.execute(
        select_columns(
            col(ChecklistItemDaily.guide_id),
            col(ChecklistItemDaily.item),
            func.sum(ChecklistItemDaily.completions),
            func.sum(ChecklistItemDaily.users),
        )
        .where(
            col(ChecklistItemDaily.app_id) == app_id,
            col(ChecklistItemDaily.day) >= period.start,
            col(ChecklistItemDaily.day) <= period.end,
        )
        .group_by(col(ChecklistItemDaily.guide_id), col(ChecklistItemDaily.item))
    ).all()
    return [(g, i, int(c), int(u)) for g, i, c, u in rows]


def search_rows(
    session: Session, *, app_id: int, period: Period, limit: int
) -> list[tuple[str, int, int]]:
    """(query, searches, zero-result searches) of queries that found nothing at least once,
    most often unanswered first."""
    zero = func.sum(SearchDaily.zero_results)
    rows = session.execute(
        select_columns(col(SearchDaily.query), func.sum(SearchDaily.searches), zero)
        .where(
            col(SearchDaily.app_id) == app_id,
            col(SearchDaily.day) >= period.start,
            col(SearchDaily.day) <= period.end,
        )
        .group_by(col(SearchDaily.query))
        .having(zero > 0)
        .order_by(zero.desc(), col(SearchDaily.query))
        .limit(limit)
    ).all()
    return [(q, int(s), int(z)) for q, s, z in rows]


def guides_by_id(session: Session, app_id: int) -> dict[int, Guide]:
    guides = session.exec(select(Guide).where(Guide.app_id == app_id)).all()
    return {guide.id: guide for guide in guides if guide.id is not None}


def states_with_traits(
    session: Session, *, app_id: int, guide_id: int
) -> list[tuple[dict[str, Any], bool, bool, bool]]:
    """(traits, seen, completed, dismissed) of every user with a state in the guide."""
    rows = session.exec(
        select(EndUser.traits, GuideState.seen, GuideState.completed, GuideState.dismissed)
        .join(EndUser, col(EndUser.id) == col(GuideState.end_user_id))
        .where(col(GuideState.guide_id) == guide_id, col(EndUser.app_id) == app_id)
    ).all()
    return [(dict(t), s, c, d) for t, s, c, d in rows]


def end_user_by_external_id(session: Session, app_id: int, external_id: str) -> EndUser | None:
    return session.exec(
        select(EndUser).where(EndUser.app_id == app_id, EndUser.external_id == external_id)
    ).first()


def events_of_user(session: Session, end_user_id: int, limit: int) -> list[Event]:
    """The user's latest events, oldest first (through `ix_event_end_user_id`)."""
    latest = session.exec(
        select(Event)
        .where(Event.end_user_id == end_user_id)
        .order_by(col(Event.occurred_at).desc(), col(Event.id).desc())
        .limit(limit)
    ).all()
    return list(reversed(latest))


def states_of_user(session: Session, end_user_id: int) -> list[GuideState]:
    return list(
        session.exec(
            select(GuideState)
            .where(GuideState.end_user_id == end_user_id)
            .order_by(col(GuideState.guide_id))
        ).all()
    )


def app_has_events(session: Session, app_id: int) -> bool:
    return session.exec(select(Event.id).where(Event.app_id == app_id).limit(1)).first() is not None
