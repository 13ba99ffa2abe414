"""The step funnel of a guide: how many users reached each step, how many left between one
step and the next and why, and how long they spent on each step (median and p90 from the
rollups' histograms, within about 9% of the true values). Reads rollups only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from analytics import store
from analytics.durations import percentile
from analytics.models import ALL_VERSIONS, ExitReason
from analytics.store import Period
from analytics.summary import rate
from guides import store as guide_store


@dataclass(frozen=True)
class FunnelStep:
    step_index: int
    views: int  # step_shown events
    users: int  # distinct users who reached the step
    users_completed: int  # distinct users who moved past it
    drop_off: int  # users who reached it but not the next step (the last: did not finish it)
    exits: dict[str, int] = field(default_factory=dict)  # ExitReason -> dismissals at this step
    target_missing: int = 0
    median_ms: int | None = None
    p90_ms: int | None = None

    @property
    def drop_off_rate(self) -> float | None:
        return rate(self.drop_off, self.users)

    @property
    def conversion(self) -> float | None:
        """Share of this step's users who also reached the next one (finished, for the last)."""
        return rate(self.users - self.drop_off, self.users)


def step_funnel(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int | None = None
) -> list[FunnelStep]:
    """One row per step: the guide's current steps and any other step events were sent for."""
    number = ALL_VERSIONS if version is None else version
    kw = {"app_id": app_id, "guide_id": guide_id, "period": period, "version": number}
    steps = store.step_totals(session, **kw)  # type: ignore[arg-type]
    histograms = store.step_histograms(session, **kw)  # type: ignore[arg-type]
    count = len(guide_store.steps_of_guide(session, guide_id))
    indexes = sorted(set(range(count)) | set(steps) | set(histograms))
    empty = dict.fromkeys(store.GUIDE_COUNTERS, 0)
    funnel = []
    for position, index in enumerate(indexes):
        counts = steps.get(index, empty)
        if position + 1 < len(indexes):
            following = steps.get(indexes[position + 1], empty)["users_shown"]
        else:
            following = counts["users_completed"]
        histogram = histograms.get(index, {})
        funnel.append(
            FunnelStep(
                step_index=index,
                views=counts["shown"],
                users=counts["users_shown"],
                users_completed=counts["users_completed"],
                drop_off=counts["users_shown"] - following,
                exits={reason.value: counts[f"exit_{reason.value}"] for reason in ExitReason},
                target_missing=counts["target_missing"],
                median_ms=percentile(histogram, 0.5),
                p90_ms=percentile(histogram, 0.9),
            )
        )
    return funnel
