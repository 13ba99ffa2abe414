"""The date range of an analytics page, read from its query string: a preset (`days=7`, 30
or 90) or a custom range (`start` and `end`, ISO dates, both included). A range the page
cannot use falls back to the last 30 days and says why, instead of failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from starlette.datastructures import QueryParams

from analytics import Period

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class ReportPeriod:
    period: Period
    preset: int | None  # 7, 30 or 90; None for a custom range
    error: str = ""

    @property
    def query(self) -> dict[str, str]:
        """The query-string fields that give this range again (to keep it in links)."""
        if self.preset is not None:
            return {"days": str(self.preset)}
        return {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}

    @property
    def label(self) -> str:
        if self.preset is not None:
            return f"Last {self.preset} days"
        return f"{_day(self.period.start)} to {_day(self.period.end)}"

    @property
    def days(self) -> int:
        return (self.period.end - self.period.start).days + 1


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def _preset(days: int, today: date, error: str = "") -> ReportPeriod:
    return ReportPeriod(Period.last(days, today), days, error)


def report_period(params: QueryParams, today: date | None = None) -> ReportPeriod:
    today = today or datetime.now(UTC).date()
    start, end = params.get("start", "").strip(), params.get("end", "").strip()
    if start or end:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            return _preset(DEFAULT_DAYS, today, "Pick a start and an end date (YYYY-MM-DD).")
        if last < first:
            return _preset(DEFAULT_DAYS, today, "The end date is before the start date.")
        if (last - first).days + 1 > MAX_DAYS:
            return _preset(DEFAULT_DAYS, today, f"A range can be at most {MAX_DAYS} days long.")
        return ReportPeriod(Period(first, last), None)
    days = params.get("days", "")
    if days.isdigit() and int(days) in PRESETS:
        return _preset(int(days), today)
    return _preset(DEFAULT_DAYS, today, "" if not days else "Choose 7, 30 or 90 days.")
