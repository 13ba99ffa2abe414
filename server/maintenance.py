"""Periodic database maintenance in each server process: PostgreSQL partitions for the months
ahead (analytics/partitions.py) and raw-event retention (analytics/retention.py).

A daemon thread runs it once at start-up and then every `maintenance_interval_seconds`. Both
jobs are safe to run from many processes at once (advisory lock on PostgreSQL; on SQLite a
second run finds nothing left to delete). A failed run is logged and tried again next time:
maintenance never takes the server down."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from analytics.partitions import ensure_partitions
from analytics.retention import PruneResult, prune_raw_events
from server.db import Database

logger = logging.getLogger("signpost.maintenance")


@dataclass
class MaintenanceReport:
    partitions_made: list[str] = field(default_factory=list)
    pruned: PruneResult | None = None


def run_maintenance(
    db: Database, *, retention_days: int | None, now: datetime | None = None
) -> MaintenanceReport:
    now = now or datetime.now(UTC)
    report = MaintenanceReport()
    with db.write() as session:
        report.partitions_made = ensure_partitions(session.connection(), now)
    if retention_days:
        report.pruned = prune_raw_events(db.write, retention_days=retention_days, now=now)
    return report


class MaintenanceThread:
    def __init__(self, db: Database, *, retention_days: int | None, interval: float) -> None:
        self.db = db
        self.retention_days = retention_days
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="signpost-maintenance", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = run_maintenance(self.db, retention_days=self.retention_days)
            except Exception:
                logger.exception("maintenance failed; it runs again in %.0f s", self.interval)
            else:
                _log(report)
            self._stop.wait(self.interval)


def _log(report: MaintenanceReport) -> None:
    if report.partitions_made:
        logger.info("made event partitions %s", ", ".join(report.partitions_made))
    pruned = report.pruned
    if pruned and (pruned.events_deleted or pruned.partitions_dropped):
        logger.info(
            "retention: removed %d raw events and %d partitions older than %s",
            pruned.events_deleted,
            len(pruned.partitions_dropped),
            pruned.cutoff.isoformat(),
        )
