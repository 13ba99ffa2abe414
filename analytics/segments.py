"""A guide's reach and outcome broken down by one user trait (plan, role, ...). Reads the
users' guide states and traits, never raw events: its cost grows with the guide's users."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from analytics import store
from analytics.summary import rate

MISSING = "(not set)"


@dataclass(frozen=True)
class Segment:
    value: str  # the trait's value as text, or "(not set)"
    users: int  # users with a state in the guide who have seen it
    completed: int
    dismissed: int

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completed, self.users)

    @property
    def dismiss_rate(self) -> float | None:
        return rate(self.dismissed, self.users)


def trait_text(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def trait_breakdown(session: Session, *, app_id: int, guide_id: int, trait: str) -> list[Segment]:
    """Users who have seen the guide, grouped by the trait's value, largest group first."""
    groups: dict[str, list[int]] = {}
    for traits, seen, completed, dismissed in store.states_with_traits(
        session, app_id=app_id, guide_id=guide_id
    ):
        if not seen:
            continue
        group = groups.setdefault(trait_text(traits.get(trait)), [0, 0, 0])
        group[0] += 1
        group[1] += completed
        group[2] += dismissed
    return sorted(
        (Segment(value, *counts) for value, counts in groups.items()),
        key=lambda s: (-s.users, s.value),
    )


def trait_names(session: Session, *, app_id: int, guide_id: int) -> list[str]:
    """The traits set on at least one user who has seen the guide, sorted."""
    names: set[str] = set()
    for traits, seen, _, _ in store.states_with_traits(session, app_id=app_id, guide_id=guide_id):
        if seen:
            names.update(traits)
    return sorted(names)
