"""Did help help? For a guide with a control group (`audience.holdout_percent`), the users
recorded on each side (`holdout_member`) are compared on a goal event and on struggle: the
share of each group who tracked the goal, and who struggled, after they were assigned (by
the server's clock: when the event was received).

Each share has a 95% Wilson score interval; the difference (exposed minus held back) has
Newcombe's hybrid score interval (Newcombe 1998, method 10), which, unlike the normal
approximation, stays inside [-1, 1] and behaves with small groups and shares near 0 or 1.
The comparison is by assignment (intent to treat): an exposed user counts whether or not
they reached the guide's page."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, distinct, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from analytics.models import Event, EventType
from guides.models import HoldoutMember

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval of a share; None without trials."""
    if trials <= 0:
        return None
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    spread /= denominator
    return Interval(max(0.0, centre - spread), min(1.0, centre + spread))


def newcombe_interval(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int, z: float = Z_95
) -> Interval | None:
    """Newcombe's hybrid score interval for share a minus share b; None if a group is empty."""
    first = wilson_interval(successes_a, trials_a, z)
    second = wilson_interval(successes_b, trials_b, z)
    if first is None or second is None:
        return None
    a, b = successes_a / trials_a, successes_b / trials_b
    difference = a - b
    below = math.sqrt((a - first.low) ** 2 + (second.high - b) ** 2)
    above = math.sqrt((first.high - a) ** 2 + (b - second.low) ** 2)
    return Interval(difference - below, difference + above)


@dataclass(frozen=True)
class GroupOutcome:
    users: int
    converted: int
    struggled: int

    @property
    def conversion(self) -> float | None:
        return self.converted / self.users if self.users else None

    @property
    def struggle_rate(self) -> float | None:
        return self.struggled / self.users if self.users else None


@dataclass(frozen=True)
class HoldoutComparison:
    goal: str
    exposed: GroupOutcome
    held_back: GroupOutcome

    @property
    def conversion_difference(self) -> float | None:
        return _difference(self.exposed.conversion, self.held_back.conversion)

    @property
    def conversion_interval(self) -> Interval | None:
        e, h = self.exposed, self.held_back
        return newcombe_interval(e.converted, e.users, h.converted, h.users)

    @property
    def struggle_difference(self) -> float | None:
        return _difference(self.exposed.struggle_rate, self.held_back.struggle_rate)

    @property
    def struggle_interval(self) -> Interval | None:
        e, h = self.exposed, self.held_back
        return newcombe_interval(e.struggled, e.users, h.struggled, h.users)


def _difference(exposed: float | None, held_back: float | None) -> float | None:
    return None if exposed is None or held_back is None else exposed - held_back


def _users_with(
    session: Session, guide_id: int, *conditions: ColumnElement[bool]
) -> dict[bool, int]:
    """Distinct members of each side with an event matching `conditions` after assignment."""
    members, events = HoldoutMember.__table__, Event.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select_columns(members.c.held_back, func.count(distinct(members.c.end_user_id)))
        .join(
            events,
            and_(
                events.c.end_user_id == members.c.end_user_id,
                events.c.app_id == members.c.app_id,
                # Server time on both sides: a browser's clock may run behind the server's.
                events.c.received_at >= members.c.assigned_at,
                *conditions,
            ),
        )
        .where(members.c.guide_id == guide_id)
        .group_by(members.c.held_back)
    ).all()
    return {bool(side): int(count) for side, count in rows}


def holdout_comparison(*, session: Session, guide_id: int, goal: str) -> HoldoutComparison:
    """Exposed against held-back users of a guide on the track event `goal` and on struggle."""
    sizes = dict(
        session.execute(
            select_columns(col(HoldoutMember.held_back), func.count())
            .where(col(HoldoutMember.guide_id) == guide_id)
            .group_by(col(HoldoutMember.held_back))
        ).all()
    )
    events = Event.__table__  # type: ignore[attr-defined]
    # No stored event name holds a NUL (ingestion refuses them), and PostgreSQL refuses one
    # in a query: such a goal is simply never reached.
    converted = (
        _users_with(
            session,
            guide_id,
            events.c.type == EventType.track,
            Event.properties["name"].as_string() == goal,
        )
        if goal and "\x00" not in goal
        else {}
    )
    struggled = _users_with(session, guide_id, events.c.type == EventType.struggle_detected)
    return HoldoutComparison(
        goal=goal,
        exposed=GroupOutcome(
            int(sizes.get(False, 0)), converted.get(False, 0), struggled.get(False, 0)
        ),
        held_back=GroupOutcome(
            int(sizes.get(True, 0)), converted.get(True, 0), struggled.get(True, 0)
        ),
    )


__all__ = [
    "GroupOutcome",
    "HoldoutComparison",
    "Interval",
    "holdout_comparison",
    "newcombe_interval",
    "wilson_interval",
]
