"""How analytics numbers read in the admin: counts with thousands separators, rates as
whole percentages, durations in the largest unit that fits, a dash for "no data"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

NO_DATA = "\u2013"  # an en dash


def count(value: int | None) -> str:
    return NO_DATA if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    if value is None:
        return NO_DATA
    shown = round(value * 100)
    if shown == 0 and value > 0:
        return "<1%"
    return f"{shown}%"


def duration(ms: int | None) -> str:
    if ms is None:
        return NO_DATA
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def score(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NO_DATA
    return f"{value:+.0f}" if digits == 0 else f"{value:.{digits}f}"


def epoch(day: date) -> int:
    """A UTC day as seconds since 1970, the x value of a trend chart."""
    return int(datetime.combine(day, time.min, tzinfo=UTC).timestamp())


def short_day(day: date) -> str:
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def event_summary(event: Any) -> str:
    """What a journey event was about, in a line: guide, step, and what its properties say."""
    props = event.properties
    parts = []
    if event.guide_name:
        parts.append(event.guide_name + (f" v{event.guide_version}" if event.guide_version else ""))
    if event.step_index is not None:
        parts.append(f"step {event.step_index + 1}")
    if props.get("reason"):
        parts.append(str(props["reason"]).replace("_", " "))
    if isinstance(props.get("duration_ms"), int):
        parts.append(duration(props["duration_ms"]))
    if event.type == "resource_center_searched":
        parts.append(f"searched “{props.get('query', '')}” ({props.get('results', 0)} results)")
    if event.type == "track" and props.get("name"):
        parts.append(str(props["name"]))
    if props.get("item"):
        parts.append(str(props["item"]))
    if props.get("value") is not None:
        value = props["value"]
        parts.append("answered " + (", ".join(value) if isinstance(value, list) else str(value)))
    if props.get("comment"):
        parts.append(f"“{props['comment']}”")
    return " · ".join(parts)


MINUS = "\u2212"


def points(value: float | None) -> str:
    """A difference of two shares in percentage points, signed: `+12.5 pts`."""
    if value is None:
        return NO_DATA
    shown = round(value * 100, 1)
    sign = "+" if shown > 0 else MINUS if shown < 0 else "±"
    return f"{sign}{abs(shown):.1f} pts"


FILTERS = {
    "count": count,
    "percent": percent,
    "points": points,
    "duration": duration,
    "score": score,
    "epoch": epoch,
    "short_day": short_day,
    "event_summary": event_summary,
}
