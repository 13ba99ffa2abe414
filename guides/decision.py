"""The server's delivery decision for one guide and one user, as named steps: the guide's
schedule, the audience's trait conditions, its rules on the user's past, and the control
group. Delivery runs the
steps with no trace and stops at the first that fails; the admin's "why did it (not) show"
(analytics/why.py) runs the very same steps with a trace, and every step records its
verdict and a reason written only then, so tracing costs delivery nothing.

The control group is a hash of app, guide and user: every process puts a user on the same
side without reading or writing anything (guides/delivery.py records the side once, for
analytics)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from guides.columns import utcnow
from guides.history import HistoryCondition, UserHistory, history_matches
from guides.targeting import Audience, TraitCondition, _condition_holds, audience_matches

HOLDOUT_BUCKETS = 10_000


class Outcome(StrEnum):
    """What the server decides for a guide: in the session answer, kept back as a control,
    or not for this user."""

    delivered = "delivered"
    held_back = "held_back"
    excluded = "excluded"


Verdict = Literal["pass", "fail", "n/a"]


@dataclass(frozen=True)
class Check:
    """One step of a decision trace."""

    step: str
    verdict: Verdict
    reason: str


class Candidate(Protocol):
    @property
    def guide_id(self) -> int: ...
    @property
    def audience(self) -> Audience: ...
    @property
    def starts_at(self) -> datetime | None: ...
    @property
    def ends_at(self) -> datetime | None: ...
    def on_schedule(self, now: datetime) -> bool: ...


@dataclass(frozen=True)
class UserFacts:
    """What the server knows of the user when it answers a session."""

    app_id: int
    external_id: str
    traits: dict[str, Any]
    history: UserHistory
    now: datetime = field(default_factory=utcnow)


def holdout_bucket(app_id: int, guide_id: int, external_id: str) -> int:
    """The user's place, 0 to 9,999, in the guide's audience: the same in every process."""
    digest = hashlib.sha256(f"{app_id}:{guide_id}:{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % HOLDOUT_BUCKETS


def in_control_group(app_id: int, guide_id: int, external_id: str, percent: int) -> bool:
    if percent <= 0:
        return False
    return holdout_bucket(app_id, guide_id, external_id) < percent * HOLDOUT_BUCKETS // 100


def _on_schedule(guide: Candidate, facts: UserFacts) -> bool:
    return guide.on_schedule(facts.now)


def _why_schedule(guide: Candidate, facts: UserFacts, passed: bool) -> str:
    if guide.starts_at is None and guide.ends_at is None:
        return "no schedule: shown at any time"
    start = "any time" if guide.starts_at is None else f"{guide.starts_at:%Y-%m-%d %H:%M} UTC"
    end = "no end" if guide.ends_at is None else f"{guide.ends_at:%Y-%m-%d %H:%M} UTC"
    state = "inside" if passed else "outside"
    now = f"{facts.now:%Y-%m-%d %H:%M} UTC"
    return f"now ({now}) is {state} its schedule: from {start}, until {end}"


def _traits_hold(guide: Candidate, facts: UserFacts) -> bool:
    return audience_matches(guide.audience, facts.traits)


def _history_holds(guide: Candidate, facts: UserFacts) -> bool:
    return history_matches(guide.audience.history, facts.history)


def _exposed(guide: Candidate, facts: UserFacts) -> bool:
    percent = guide.audience.holdout_percent
    return not percent or not in_control_group(
        facts.app_id, guide.guide_id, facts.external_id, percent
    )


def _describe_condition(condition: TraitCondition, traits: dict[str, Any]) -> str:
    actual = traits.get(condition.trait)
    have = "not set" if actual is None else repr(actual)
    wanted = "" if condition.op in ("exists", "not_exists") else f" {condition.value!r}"
    return f"{condition.trait} {condition.op}{wanted} (the user's is {have})"


def _why_traits(guide: Candidate, facts: UserFacts, passed: bool) -> str:
    audience = guide.audience
    if not audience.conditions:
        return "no trait conditions: everyone matches"
    failing = [c for c in audience.conditions if not _condition_holds(c, facts.traits)]
    if passed:
        held = len(audience.conditions) - len(failing)
        total = len(audience.conditions)
        return f"{held} of {total} trait conditions hold (match {audience.match})"
    return f"match {audience.match}, failing: " + "; ".join(
        _describe_condition(c, facts.traits) for c in failing
    )


def _describe_history(condition: HistoryCondition) -> str:
    match condition.kind:
        case "completed_guide":
            return f"completed guide {condition.guide}"
        case "not_completed_guide":
            return f"has not completed guide {condition.guide}"
        case "event_count":
            times = f"at least {condition.at_least} times in {condition.days} days"
            return f"event {condition.event} {times}"
        case _:
            return f"struggled on {condition.page} in the last {condition.days} days"


def _why_history(guide: Candidate, facts: UserFacts, passed: bool) -> str:
    conditions = guide.audience.history
    if not conditions:
        return "no rules on the user's past"
    failing = [c for c in conditions if not history_matches([c], facts.history)]
    if passed:
        return "holds: " + "; ".join(_describe_history(c) for c in conditions)
    return "does not hold: " + "; ".join(_describe_history(c) for c in failing)


def _why_control(guide: Candidate, facts: UserFacts, passed: bool) -> str:
    percent = guide.audience.holdout_percent
    if not percent:
        return "no control group"
    bucket = holdout_bucket(facts.app_id, guide.guide_id, facts.external_id)
    cut = percent * HOLDOUT_BUCKETS // 100
    side = "exposed group" if passed else "control group: held back"
    return f"{side} (place {bucket} of {HOLDOUT_BUCKETS}; the first {cut} are held back)"


@dataclass(frozen=True)
class Step:
    name: str
    holds: Callable[[Candidate, UserFacts], bool]
    why: Callable[[Candidate, UserFacts, bool], str]


AUDIENCE_STEPS = (
    Step("schedule", _on_schedule, _why_schedule),
    Step("audience", _traits_hold, _why_traits),
    Step("history", _history_holds, _why_history),
)
CONTROL_STEP = Step("control group", _exposed, _why_control)


def decide(guide: Candidate, facts: UserFacts, trace: list[Check] | None = None) -> Outcome:
    """The server's decision for one guide. Without `trace`, stops at the first failing
    step; with it, runs every step and appends one `Check` each."""
    in_audience = True
    for step in AUDIENCE_STEPS:
        passed = step.holds(guide, facts)
        if trace is None:
            if not passed:
                return Outcome.excluded
            continue
        trace.append(Check(step.name, "pass" if passed else "fail", step.why(guide, facts, passed)))
        in_audience = in_audience and passed
    exposed = CONTROL_STEP.holds(guide, facts)
    if trace is not None:
        if in_audience:
            verdict: Verdict = "pass" if exposed else "fail"
            reason = CONTROL_STEP.why(guide, facts, exposed)
        else:
            verdict, reason = "n/a", "not for this user now, so in neither group"
        trace.append(Check(CONTROL_STEP.name, verdict, reason))
        if not in_audience:
            return Outcome.excluded
    return Outcome.delivered if exposed else Outcome.held_back


__all__ = [
    "HOLDOUT_BUCKETS",
    "Check",
    "Outcome",
    "UserFacts",
    "decide",
    "holdout_bucket",
    "in_control_group",
]
