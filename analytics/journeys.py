"""One end user's journey, for a customer-success rep on a call: who they are, where they
stand in each guide, and their latest events in order. Reads raw events through the
`end_user_id` index, so its cost does not grow with other users' events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from analytics import store
from guides.errors import EndUserNotFound

JOURNEY_EVENTS = 500


@dataclass(frozen=True)
class JourneyEvent:
    occurred_at: datetime
    type: str
    guide_id: int | None
    guide_name: str | None
    guide_version: int | None
    step_index: int | None
    url: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class GuideProgress:
    guide_id: int
    guide_name: str
    seen: bool
    current_step: int
    completed: bool
    dismissed: bool


@dataclass(frozen=True)
class Journey:
    external_id: str
    anonymous: bool
    traits: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    guides: list[GuideProgress] = field(default_factory=list)
    events: list[JourneyEvent] = field(default_factory=list)


def user_journey(
    session: Session, *, app_id: int, user: str, limit: int = JOURNEY_EVENTS
) -> Journey:
    """`user` is the app's own user id, or the SDK's anonymous id of a visitor."""
    end_user = store.end_user_by_external_id(
        session, app_id, user
    ) or store.end_user_by_external_id(session, app_id, f"anon:{user}")
    if end_user is None or end_user.id is None:
        raise EndUserNotFound(f"no user {user!r} in this app")
    guides = store.guides_by_id(session, app_id)

    def name(guide_id: int | None) -> str | None:
        guide = guides.get(guide_id) if guide_id is not None else None
        return guide.name if guide else None

    return Journey(
        external_id=end_user.external_id,
        anonymous=end_user.is_anonymous,
        traits=dict(end_user.traits),
        first_seen_at=end_user.first_seen_at,
        last_seen_at=end_user.last_seen_at,
        guides=[
            GuideProgress(
                guide_id=state.guide_id,
                guide_name=name(state.guide_id) or "",
                seen=state.seen,
                current_step=state.current_step,
                completed=state.completed,
                dismissed=state.dismissed,
            )
            for state in store.states_of_user(session, end_user.id)
        ],
        events=[
            JourneyEvent(
                occurred_at=event.occurred_at,
                type=event.type,
                guide_id=event.guide_id,
                guide_name=name(event.guide_id),
                guide_version=event.guide_version,
                step_index=event.step_index,
                url=event.url,
                properties=dict(event.properties),
            )
            for event in store.events_of_user(session, end_user.id, limit)
        ],
    )
