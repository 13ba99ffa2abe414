"""Generated event streams for the analytics tests: many users, several days, two guide
versions, every event type, batches arriving out of order; ingested through the real
`record_events`, so rollups are kept up to date exactly as in production."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import delete
from sqlmodel import Session

from analytics import Event, EventBatch, record_events
from analytics.models import ROLLUP_MODELS, ExitReason
from guides import App, EndUser, Guide, GuideState
from tests.factories import make_app, make_published_guide

START = datetime(2026, 11, 2, tzinfo=UTC)
DAYS = 5
RECEIVED_AT = START + timedelta(days=30)
QUESTIONS = {
    "nps": ("nps", st.integers(0, 10)),
    "csat": ("csat", st.integers(1, 5)),
    "ces": ("ces", st.integers(1, 7)),
    "pick": ("single", st.sampled_from(["red", "green", "blue"])),
    "many": ("multiple", st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)),
    "why": ("text", st.none()),
}
COMMENTS = st.sampled_from([None, "", "Love it", "too slow", "Dark mode please", "slow export"])
QUERIES = st.sampled_from(["export", "Export ", "billing", "dark  mode", "SSO", "api"])
TRAITS = st.sampled_from([{}, {"plan": "pro"}, {"plan": "free"}, {"plan": "free", "seats": 3}])


@dataclass
class Guides:
    app: App
    tour: Guide  # walkthrough, 3 steps
    tip: Guide  # tooltip, 1 step
    survey: Guide
    checklist: Guide
    foreign: Guide  # another app's guide: its events are stored but never counted

    @property
    def ours(self) -> list[Guide]:
        return [self.tour, self.tip, self.survey, self.checklist]


def make_guides(session: Session) -> Guides:
    app = make_app(session)
    other = make_app(session, "Other")
    return Guides(
        app=app,
        tour=make_published_guide(session, app, "tour", steps=3),
        tip=make_published_guide(session, app, "tip"),
        survey=make_published_guide(session, app, "survey", steps=3),
        checklist=make_published_guide(session, app, "checklist", steps=2),
        foreign=make_published_guide(session, other, "theirs"),
    )


SESSIONS = [str(uuid.UUID(int=n << 64 | 0x7000_0000_0000_0000 | n)) for n in range(1, 4)]


@st.composite
def _event(draw: st.DrawFn, guides: Guides) -> dict[str, Any]:
    moment = START + timedelta(
        days=draw(st.integers(0, DAYS - 1)), seconds=draw(st.integers(0, 86_399))
    )
    body: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=draw(st.integers(1, 2**120)))),
        "timestamp": moment.isoformat(),
        "url": "https://app.example.com/",
    }
    # A few SDK sessions, some shared by two users (an identify() in a session); None: an
    # event of an SDK older than session ids.
    session_id = draw(st.sampled_from([None, *SESSIONS]))
    if session_id is not None:
        body["session_id"] = session_id
    kind = draw(
        st.sampled_from(
            [
                "guide",
                "guide",
                "guide",
                "survey",
                "checklist",
                "search",
                "track",
                "foreign",
                "struggle",
            ]
        )
    )
    if kind == "struggle":
        signal = draw(st.sampled_from(["rage_click", "dead_click", "step_stall", "u_turn"]))
        on_step = signal == "step_stall"
        return body | {
            "type": "struggle_detected",
            "url": draw(
                st.sampled_from(["https://app.example.com/", "https://app.example.com/b?q=1"])
            ),
            "guide_id": guides.tour.id if on_step else None,
            "guide_version": 1 if on_step else None,
            "step_index": draw(st.integers(0, 2)) if on_step else None,
            "properties": {
                "signal": signal,
                "count": draw(st.integers(1, 40)),
                "role": "button",
                "text": "Export",
                "selector": draw(st.sampled_from(["#export", "#save", ""])),
            },
        }
    if kind == "search":
        results = draw(st.sampled_from([0, 0, 1, 4]))
        query = draw(QUERIES)
        return body | {
            "type": "resource_center_searched",
            "properties": {"query": query, "results": results},
        }
    if kind == "track":
        return body | {"type": "track", "properties": {"name": "export"}}
    if kind == "checklist":
        item = draw(st.sampled_from(["invite", "connect", "import"]))
        return body | {
            "type": "checklist_item_completed",
            "guide_id": guides.checklist.id,
            "guide_version": 1,
            "properties": {"item": item},
        }
    if kind == "survey":
        question = draw(st.sampled_from(sorted(QUESTIONS)))
        scale, values = QUESTIONS[question]
        properties: dict[str, Any] = {"question": question, "scale": scale}
        value = draw(values)
        if value is not None:
            properties["value"] = value
        comment = draw(COMMENTS)
        if scale == "text" and not comment:
            comment = "Need more help"
        if comment is not None:
            properties["comment"] = comment
        return body | {
            "type": "survey_answered",
            "guide_id": guides.survey.id,
            "guide_version": 1,
            "step_index": sorted(QUESTIONS).index(question) % 3,
            "properties": properties,
        }
    guide = (
        guides.foreign if kind == "foreign" else draw(st.sampled_from([guides.tour, guides.tip]))
    )
    steps = 3 if guide is guides.tour else 1
    body |= {"guide_id": guide.id, "guide_version": draw(st.sampled_from([1, 1, 2]))}
    type = draw(
        st.sampled_from(
            [
                "guide_shown",
                "step_shown",
                "step_shown",
                "step_completed",
                "step_completed",
                "guide_completed",
                "guide_dismissed",
                "target_missing",
            ]
        )
    )
    body["type"] = type
    step = draw(st.integers(0, steps - 1))
    if type in ("step_shown", "step_completed", "target_missing"):
        body["step_index"] = step
    if type in ("step_completed", "guide_completed"):
        body["properties"] = {"duration_ms": draw(st.integers(0, 200_000))}
    if type == "guide_dismissed":
        body["properties"] = {
            "reason": draw(st.sampled_from(list(ExitReason))).value,
            "duration_ms": draw(st.integers(0, 50_000)),
        }
        if draw(st.booleans()):
            body["step_index"] = step
    return body


@st.composite
def streams(draw: st.DrawFn, guides: Guides, max_batches: int = 12) -> list[dict[str, Any]]:
    """Batches (`POST /sdk/v1/events` bodies) of a handful of users, in arrival order."""
    batches = []
    for _ in range(draw(st.integers(1, max_batches))):
        user = draw(st.integers(1, 5))
        events = draw(st.lists(_event(guides), min_size=1, max_size=12))
        if events and draw(st.integers(0, 5)) == 0:
            events.append(dict(events[0]))  # an id sent twice in one batch
        batches.append(
            {
                "app_key": guides.app.public_key,
                "user_id": f"user-{user}" if user % 2 else None,
                "anonymous_id": f"anon-{user}",
                "events": events,
            }
        )
    if batches and draw(st.booleans()):
        batches.append(batches[0])  # a retried batch
    return batches


def ingest(session: Session, guides: Guides, batches: list[dict[str, Any]]) -> None:
    for batch in batches:
        record_events(
            session=session,
            app=guides.app,
            batch=EventBatch.model_validate(batch),
            received_at=RECEIVED_AT,
        )


def forget_events(session: Session) -> None:
    """Back to no events, no users, no rollups (hypothesis runs many examples per test)."""
    for model in (*ROLLUP_MODELS, Event, GuideState, EndUser):
        session.execute(delete(model))
