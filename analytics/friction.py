"""The friction report: pages, elements and guide steps ranked by struggle (users affected,
then occurrences), with the share of sessions that struggled there and the trend against the
period before. What customer-success teams read to decide where help is needed.

A session is an SDK session (one browser tab, until 30 minutes without an event) when the
period's events carry session ids; when none does (SDKs older than session ids) it is one
user's active UTC day, and the report's `basis` says which."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from analytics import friction_store as store
from analytics.friction_store import GROUPINGS
from analytics.models import NO_GUIDE, NO_STEP, StruggleSignal
from analytics.store import Period

MAX_ROWS = 100


@dataclass
class FrictionRow:
    page: str = ""
    selector: str = ""
    role: str = ""
    text: str = ""
    guide_id: int | None = None
    guide_name: str = ""
    step_index: int | None = None
    signals: dict[str, int] = field(default_factory=dict)  # occurrences per signal
    occurrences: int = 0
    count: int = 0  # clicks of rage clicks, fields of abandoned forms, ...
    users: int = 0
    sessions: int = 0  # that struggled here, counted as the report's `basis` says
    share: float = 0.0  # of the period's sessions
    previous: int = 0  # occurrences in the period before

    @property
    def trend(self) -> float | None:
        """Change of occurrences against the period before (0.5 = +50%); None if new."""
        if not self.previous:
            return None
        return (self.occurrences - self.previous) / self.previous

    @property
    def top_signal(self) -> str:
        return (
            max(sorted(self.signals), key=lambda name: self.signals[name]) if self.signals else ""
        )


@dataclass(frozen=True)
class FrictionReport:
    period: Period
    by: str
    signal: str | None
    sessions: int
    rows: list[FrictionRow]
    basis: str = "sessions"  # "sessions" (SDK sessions) or "user-days" (no session ids)


def _period_before(period: Period) -> Period:
    length = period.end - period.start + timedelta(days=1)
    return Period(period.start - length, period.end - length)


def friction_report(
    *,
    session: Session,
    app_id: int,
    period: Period,
    by: str = "element",
    signal: str | None = None,
    limit: int = MAX_ROWS,
) -> FrictionReport:
    """Places where users struggled in `period`, worst first. `by` is `element`, `page` or
    `step`; `signal` keeps one kind of struggle."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    if signal is not None and signal not in set(StruggleSignal):
        raise ValueError(f"signal must be one of {', '.join(StruggleSignal)}")
    width = len(GROUPINGS[by])
    rows: dict[tuple[Any, ...], FrictionRow] = defaultdict(FrictionRow)
    for record in store.occurrences_by_signal(session, app_id, period, by, signal):
        key, (name, occurrences, count, role, text) = tuple(record[:width]), record[width:]
        row = rows[key]
        row.signals[name] = int(occurrences)
        row.occurrences += int(occurrences)
        row.count += int(count)
        row.role, row.text = row.role or role, row.text or text
    total = store.browsing_sessions(session, app_id, period)
    basis = "sessions" if total else "user-days"
    for record in store.users_and_sessions(session, app_id, period, by, signal):
        key = tuple(record[:width])
        if key in rows:
            rows[key].users = int(record[width])
            if not total:
                rows[key].sessions = int(record[width + 1])
    if total:
        for record in store.struggling_sessions(session, app_id, period, by, signal):
            key = tuple(record[:width])
            if key in rows:
                rows[key].sessions = int(record[width])
    else:
        total = store.active_sessions(session, app_id, period)
    for record in store.occurrences_by_signal(session, app_id, _period_before(period), by, signal):
        key = tuple(record[:width])
        if key in rows:
            rows[key].previous += int(record[width + 1])
    names = store.guide_names(session, app_id) if by == "step" else {}
    for key, row in rows.items():
        values = dict(zip(GROUPINGS[by], key, strict=True))
        row.page = values.get("page", "")
        row.selector = values.get("selector", "")
        guide_id, step = values.get("guide_id", NO_GUIDE), values.get("step_index", NO_STEP)
        row.guide_id = guide_id if guide_id != NO_GUIDE else None
        row.guide_name = names.get(guide_id, "")
        row.step_index = step if step != NO_STEP else None
        if by != "element":
            row.role = row.text = ""
        row.share = row.sessions / total if total else 0.0
    ranked = sorted(
        rows.values(),
        key=lambda r: (-r.users, -r.occurrences, r.page, r.selector, r.guide_id or 0),
    )
    return FrictionReport(period, by, signal, total, ranked[:limit], basis)


__all__ = ["GROUPINGS", "FrictionReport", "FrictionRow", "friction_report"]
