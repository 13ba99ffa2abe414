"""How long is "longer than usual" on a guide step: from the step's time histogram over the
last `WINDOW_DAYS` days (analytics/durations.py), the 90th percentile times `FACTOR`,
never below `FLOOR_MS` nor above `CEILING_MS`. A step with fewer than `MIN_SAMPLES` timed
completions has no threshold of its own: the SDK then uses the app's `stall_ms`.

Computed when a server process loads an app's live guides (guides/delivery.py) and sent in
each guide of the session answer as `stall_ms` (one entry a step, null for the app's),
so a session costs nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session

WINDOW_DAYS = 28
PERCENTILE = 0.9
FACTOR = 3
FLOOR_MS = 10_000
CEILING_MS = 3_600_000
MIN_SAMPLES = 20


def threshold_ms(histogram: dict[int, int]) -> int | None:
    """The stall threshold of one step from its {bucket: count}; None without enough data."""
    from analytics.durations import percentile

    if sum(histogram.values()) < MIN_SAMPLES:
        return None
    usual = percentile(histogram, PERCENTILE)
    assert usual is not None
    return max(FLOOR_MS, min(CEILING_MS, usual * FACTOR))


def stall_thresholds(
    session: Session, app_id: int, now: datetime | None = None
) -> dict[int, dict[int, int]]:
    """guide id -> step index -> threshold (ms), for steps with enough timed completions."""
    # Imported here: analytics imports guides, so guides must not import it at load time.
    from analytics.models import ALL_VERSIONS, StepDuration

    table = StepDuration.__table__  # type: ignore[attr-defined]
    since = ((now or datetime.now(UTC)) - timedelta(days=WINDOW_DAYS)).date()
    rows = session.execute(
        select_columns(
            table.c.guide_id, table.c.step_index, table.c.bucket, func.sum(table.c["count"])
        )
        .where(
            table.c.app_id == app_id,
            table.c.guide_version == ALL_VERSIONS,
            table.c.day >= since,
        )
        .group_by(table.c.guide_id, table.c.step_index, table.c.bucket)
    ).all()
    histograms: dict[tuple[int, int], dict[int, int]] = {}
    for guide_id, step, bucket, count in rows:
        histograms.setdefault((guide_id, step), {})[bucket] = int(count)
    thresholds: dict[int, dict[int, int]] = {}
    for (guide_id, step), histogram in histograms.items():
        found = threshold_ms(histogram)
        if found is not None:
            thresholds.setdefault(guide_id, {})[step] = found
    return thresholds


def per_step(thresholds: dict[int, int], steps: int) -> list[int | None] | None:
    """The `stall_ms` list of a guide's payload, or None when no step has its own."""
    if not thresholds:
        return None
    return [thresholds.get(index) for index in range(steps)]


__all__ = ["stall_thresholds", "threshold_ms"]
