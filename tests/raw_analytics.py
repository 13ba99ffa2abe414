"""An independent computation of every analytics number straight from raw events, written
from the definitions in the report modules' docstrings and sharing no code with the
rollups: the oracle the report tests compare against."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from analytics import Event
from analytics.durations import bucket_of, bucket_value
from guides import EndUser, Guide

GUIDE_TYPES = {
    "guide_shown",
    "step_shown",
    "step_completed",
    "guide_completed",
    "guide_dismissed",
    "target_missing",
}
REASONS = ["dismissed", "navigated_away", "target_missing", "error", "timed_out"]


@dataclass
class Raw:
    events: list[Event]  # counted events of the app, oldest first
    users: dict[int, EndUser]
    guides: dict[int, Guide]

    @classmethod
    def load(cls, session: Session, app_id: int) -> Raw:
        guides = {g.id: g for g in session.exec(select(Guide).where(Guide.app_id == app_id))}
        events = [
            e
            for e in session.exec(select(Event).where(Event.app_id == app_id)).all()
            if e.guide_id is None or e.guide_id in guides
        ]
        events.sort(key=lambda e: (e.occurred_at, e.id))
        users = {u.id: u for u in session.exec(select(EndUser).where(EndUser.app_id == app_id))}
        return cls(events, users, guides)  # type: ignore[arg-type]

    def of(self, guide_id: int, version: int | None = None, *types: str) -> list[Event]:
        return [
            e
            for e in self.events
            if e.guide_id == guide_id
            and (version is None or e.guide_version == version)
            and (not types or e.type in types)
        ]


def day(event: Event) -> date:
    return event.occurred_at.date()


def inside(event: Event, start: date, end: date) -> bool:
    return start <= day(event) <= end


def first_time_users(events: list[Event], start: date, end: date) -> int:
    """Users whose earliest matching event (of all time) falls in the period."""
    first: dict[int, date] = {}
    for e in events:
        first[e.end_user_id] = min(first.get(e.end_user_id, day(e)), day(e))
    return sum(start <= d <= end for d in first.values())


def reason(event: Event) -> str:
    return str(event.properties.get("reason", "dismissed"))


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summary(raw: Raw, guide_id: int, start: date, end: date, version: int | None = None) -> dict:
    def count(type: str) -> int:
        return sum(inside(e, start, end) for e in raw.of(guide_id, version, type))

    def users(type: str) -> int:
        return first_time_users(raw.of(guide_id, version, type), start, end)

    dismissed = [e for e in raw.of(guide_id, version, "guide_dismissed") if inside(e, start, end)]
    seen = users("guide_shown")
    return {
        "views": count("guide_shown"),
        "users": seen,
        "completions": count("guide_completed"),
        "users_completed": users("guide_completed"),
        "dismissals": count("guide_dismissed"),
        "users_dismissed": users("guide_dismissed"),
        "target_missing": count("target_missing"),
        "exits": {r: sum(reason(e) == r for e in dismissed) for r in REASONS},
        "completion_rate": ratio(users("guide_completed"), seen),
        "dismiss_rate": ratio(users("guide_dismissed"), seen),
    }


def trend(raw: Raw, guide_id: int, days: list[date]) -> list[dict]:
    return [
        {
            "day": d,
            "views": summary(raw, guide_id, d, d)["views"],
            "users": summary(raw, guide_id, d, d)["users"],
            "completions": summary(raw, guide_id, d, d)["completions"],
            "dismissals": summary(raw, guide_id, d, d)["dismissals"],
        }
        for d in days
    ]


def versions(raw: Raw, guide_id: int, start: date, end: date) -> list[tuple[int, dict]]:
    numbers = {
        e.guide_version
        for e in raw.of(guide_id, None, *GUIDE_TYPES)
        if inside(e, start, end) and e.guide_version is not None
    }
    return [(v, summary(raw, guide_id, start, end, v)) for v in sorted(numbers, reverse=True)]


def nearest_rank(values: list[int], fraction: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return bucket_value(bucket_of(ordered[max(1, math.ceil(fraction * len(ordered))) - 1]))


def funnel(raw: Raw, guide_id: int, steps: int, start: date, end: date) -> list[dict]:
    def at(step: int, *types: str) -> list[Event]:
        return [e for e in raw.of(guide_id, None, *types) if e.step_index == step]

    indexes = sorted(
        set(range(steps))
        | {
            e.step_index
            for e in raw.of(guide_id, None, *GUIDE_TYPES)
            if e.step_index is not None and inside(e, start, end)
        }
    )
    rows = []
    for position, step in enumerate(indexes):
        reached = first_time_users(at(step, "step_shown"), start, end)
        completed = first_time_users(at(step, "step_completed"), start, end)
        if position + 1 < len(indexes):
            following = first_time_users(at(indexes[position + 1], "step_shown"), start, end)
        else:
            following = completed
        exits = [e for e in at(step, "guide_dismissed") if inside(e, start, end)]
        durations = [
            int(e.properties["duration_ms"])
            for e in at(step, "step_completed")
            if inside(e, start, end) and "duration_ms" in e.properties
        ]
        rows.append(
            {
                "step_index": step,
                "views": sum(inside(e, start, end) for e in at(step, "step_shown")),
                "users": reached,
                "users_completed": completed,
                "drop_off": reached - following,
                "exits": {r: sum(reason(e) == r for e in exits) for r in REASONS},
                "target_missing": sum(inside(e, start, end) for e in at(step, "target_missing")),
                "median_ms": nearest_rank(durations, 0.5),
                "p90_ms": nearest_rank(durations, 0.9),
            }
        )
    return rows


SCALES = {"nps": range(0, 11), "csat": range(1, 6), "ces": range(1, 8)}


def score(scale: str, values: list[int]) -> dict:
    if scale not in SCALES or not values:
        return {"nps": None, "average": None}
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    return {
        "nps": 100 * (promoters - detractors) / len(values) if scale == "nps" else None,
        "average": sum(values) / len(values),
    }


def surveys(raw: Raw, guide_id: int, days: list[date]) -> list[dict]:
    answers = [
        e for e in raw.of(guide_id, None, "survey_answered") if days[0] <= day(e) <= days[-1]
    ]
    keys = sorted({(e.properties["question"], e.properties["scale"]) for e in answers})
    results = []
    for question, scale in keys:
        mine = [
            e
            for e in answers
            if (e.properties["question"], e.properties["scale"]) == (question, scale)
        ]
        chosen: Counter[str] = Counter()
        for e in mine:
            value = e.properties.get("value")
            for option in set(value) if isinstance(value, list) else [value]:
                if option is not None and scale != "text":
                    chosen[str(option)] += 1
        if scale in SCALES:
            distribution = {str(v): chosen.get(str(v), 0) for v in SCALES[scale]}
        else:
            distribution = dict(sorted(chosen.items(), key=lambda kv: (-kv[1], kv[0])))
        numbers = [int(e.properties["value"]) for e in mine if scale in SCALES]
        results.append(
            {
                "question": question,
                "scale": scale,
                "responses": len(mine),
                "comments": sum(bool(comment_of(e)) for e in mine),
                "distribution": distribution,
                "score": score(scale, numbers),
                "trend": [
                    (
                        d,
                        sum(day(e) == d for e in mine),
                        score(
                            scale, [n for e, n in zip(mine, numbers, strict=True) if day(e) == d]
                        ),
                    )
                    for d in days
                ]
                if scale in SCALES
                else [(d, sum(day(e) == d for e in mine), score(scale, [])) for d in days],
            }
        )
    return results


def comment_of(event: Event) -> str:
    comment = event.properties.get("comment")
    return comment if isinstance(comment, str) and comment.strip(" ") else ""


def comments(raw: Raw, guide_id: int, start: date, end: date, search: str | None) -> list:
    found = [
        e
        for e in raw.of(guide_id, None, "survey_answered")
        if inside(e, start, end)
        and comment_of(e)
        and (not search or search.lower() in comment_of(e).lower())
    ]
    found.sort(key=lambda e: (e.occurred_at, e.id), reverse=True)
    return [(e.occurred_at, raw.users[e.end_user_id].external_id, comment_of(e)) for e in found]


def checklist(raw: Raw, start: date, end: date) -> dict[tuple[int, str], tuple[int, int]]:
    by_item: dict[tuple[int, str], list[Event]] = defaultdict(list)
    for e in raw.events:
        if e.type == "checklist_item_completed":
            by_item[(e.guide_id, e.properties["item"])].append(e)  # type: ignore[index]
    result = {}
    for key, events in by_item.items():
        completions = sum(inside(e, start, end) for e in events)
        users = first_time_users(events, start, end)
        if completions or users:
            result[key] = (completions, users)
    return result


def searches(raw: Raw, start: date, end: date) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in raw.events:
        if e.type == "resource_center_searched" and inside(e, start, end):
            query = re.sub(r"\s+", " ", e.properties["query"]).strip().lower()
            totals[query][0] += 1
            totals[query][1] += e.properties["results"] == 0
    rows = [(q, s, z) for q, (s, z) in totals.items() if z]
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def seen_by_trait(raw: Raw, guide_id: int, trait: str) -> dict[str, tuple[int, int, int]]:
    shown: dict[int, set[str]] = defaultdict(set)
    for e in raw.of(
        guide_id, None, "guide_shown", "step_shown", "guide_completed", "guide_dismissed"
    ):
        shown[e.end_user_id].add(e.type)
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for user_id, types in shown.items():
        if not types & {"guide_shown", "step_shown"}:
            continue
        value: Any = raw.users[user_id].traits.get(trait)
        group = groups["(not set)" if value is None else str(value)]
        group[0] += 1
        group[1] += "guide_completed" in types
        group[2] += "guide_dismissed" in types
    return {value: (a, b, c) for value, (a, b, c) in groups.items()}
