"""Raw-event retention and PostgreSQL's monthly event partitions: old raw events go, analytics
keep their counts, and a rebuild that would lose counts is refused."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select
from starlette.testclient import TestClient

from analytics.models import Event
from analytics.partitions import (
    add_months,
    ensure_partitions,
    month_of,
    partition_months,
    partition_name,
)
from analytics.retention import prune_raw_events, pruned_before
from analytics.store import Period
from analytics.summary import guide_summary
from guides import App, Guide
from server.app import create_app
from server.cli import main
from server.db import Database
from server.settings import Settings
from tests.databases import POSTGRES_URL
from tests.factories import event, event_batch, make_app, make_published_guide, uuid7

NOW = datetime.now(UTC)
postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="partitions are PostgreSQL's")


def shown(guide: Guide, days_ago: float, user: str) -> tuple[dict[str, Any], str]:
    moment = NOW - timedelta(days=days_ago)
    body = event(
        "guide_shown",
        guide,
        event_id=str(uuid7(int(moment.timestamp() * 1000), int(days_ago * 1000))),
        timestamp=moment.isoformat(),
    )
    return body, user


def send(
    client: TestClient, app: App, events: list[tuple[dict[str, Any], str]], accepted: int = 1
) -> None:
    for body, user in events:
        response = client.post(
            "/sdk/v1/events",
            json=event_batch(app, [body], anonymous_id=user, sent_at=datetime.now(UTC).isoformat()),
            headers={"Origin": "https://app.example.com"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == accepted


@pytest.fixture
def app_and_guide(db: Database) -> tuple[App, Guide]:
    with db.write() as session:
        app = make_app(session)
        guide = make_published_guide(session, app)
    return app, guide


def stored_ages(db: Database) -> list[int]:
    with db.read() as session:
        times = session.exec(select(Event.occurred_at)).all()
    return sorted(round((NOW - moment).total_seconds() / 86400) for moment in times)


def views(db: Database, app: App, guide: Guide) -> int:
    assert app.id is not None and guide.id is not None
    with db.read() as session:
        summary = guide_summary(
            session,
            app_id=app.id,
            guide_id=guide.id,
            period=Period(NOW.date() - timedelta(days=800), NOW.date()),
        )
    return summary.views


class TestRetention:
    def test_events_older_than_the_retention_go_and_analytics_keep_their_counts(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, age, f"u{age}") for age in (400, 200, 10, 1)])
        assert views(db, app, guide) == 4

        result = prune_raw_events(db.write, retention_days=90, now=NOW)

        assert stored_ages(db) == [1, 10]
        assert views(db, app, guide) == 4
        with db.read() as session:
            assert pruned_before(session) == result.cutoff

    def test_a_second_run_finds_nothing_and_records_nothing(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, 300, "a"), shown(guide, 2, "b")])
        prune_raw_events(db.write, retention_days=30, now=NOW)

        again = prune_raw_events(db.write, retention_days=30, now=NOW + timedelta(hours=1))

        assert (again.events_deleted, again.partitions_dropped) == (0, [])
        assert stored_ages(db) == [2]
        with db.read() as session:
            assert pruned_before(session) == NOW - timedelta(days=30)

    def test_nothing_is_removed_or_recorded_while_every_event_is_recent(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, 3, "a")])

        prune_raw_events(db.write, retention_days=30, now=NOW)

        assert stored_ages(db) == [3]
        with db.read() as session:
            assert pruned_before(session) is None

    def test_a_server_with_a_retention_removes_old_events_when_it_starts(
        self, settings: Settings, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        with TestClient(create_app(settings)) as client:
            send(client, app, [shown(guide, 120, "a"), shown(guide, 5, "b")])
        assert stored_ages(db) == [5, 120]

        keeping = settings.model_copy(update={"raw_event_retention_days": 60})
        with TestClient(create_app(keeping)):
            deadline = time.monotonic() + 20
            while stored_ages(db) != [5] and time.monotonic() < deadline:
                time.sleep(0.1)

        assert stored_ages(db) == [5]


class TestCommands:
    @pytest.fixture(autouse=True)
    def environment(
        self, monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", database_url)
        monkeypatch.chdir(tmp_path)

    def test_prune_reports_what_it_removed(
        self,
        capsys: pytest.CaptureFixture[str],
        client: TestClient,
        db: Database,
        app_and_guide: tuple[App, Guide],
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, 200, "a"), shown(guide, 1, "b")])

        assert main(["events", "prune", "--days", "30"]) == 0

        cutoff = (NOW - timedelta(days=30)).strftime("%Y-%m-%d")
        assert f"that occurred before {cutoff}" in capsys.readouterr().out
        assert stored_ages(db) == [1]

    def test_prune_without_a_number_of_days_says_how_to_give_one(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["events", "prune"]) == 1
        assert "--days N" in capsys.readouterr().err

    def test_a_rebuild_after_retention_is_refused_unless_forced(
        self,
        capsys: pytest.CaptureFixture[str],
        client: TestClient,
        db: Database,
        app_and_guide: tuple[App, Guide],
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, 200, "a"), shown(guide, 1, "b")])
        prune_raw_events(db.write, retention_days=30, now=NOW)

        assert main(["analytics", "rebuild"]) == 1
        assert "--force" in capsys.readouterr().err
        assert views(db, app, guide) == 2

        assert main(["analytics", "rebuild", "--force"]) == 0
        assert views(db, app, guide) == 1


@postgres_only
class TestPartitions:
    def months_of_rows(self, db: Database) -> dict[str, int]:
        with db.read() as session:
            rows = session.connection().execute(
                text("SELECT tableoid::regclass::text, count(*) FROM event GROUP BY 1")
            )
            return dict(rows.all())

    def test_each_event_lands_in_the_partition_of_its_month(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        send(client, app, [shown(guide, 0, "a")])

        assert self.months_of_rows(db) == {partition_name(month_of(NOW)): 1}

    def test_a_late_partition_takes_its_rows_from_the_default_one(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        old = NOW - timedelta(days=500)
        send(client, app, [shown(guide, 500, "a")])
        assert self.months_of_rows(db) == {"event_p_default": 1}

        with db.write() as session:
            made = ensure_partitions(session.connection(), old, months_ahead=0)

        assert made == [partition_name(month_of(old))]
        assert self.months_of_rows(db) == {partition_name(month_of(old)): 1}
        send(client, app, [shown(guide, 500, "a")], accepted=0)  # the same event: a duplicate
        assert self.months_of_rows(db) == {partition_name(month_of(old)): 1}

    def test_whole_months_before_the_cutoff_are_dropped_and_newer_ones_kept(
        self, client: TestClient, db: Database, app_and_guide: tuple[App, Guide]
    ) -> None:
        app, guide = app_and_guide
        ages = (700, 420, 390, 45, 1)
        with db.write() as session:
            ensure_partitions(session.connection(), NOW - timedelta(days=700), months_ahead=25)
        send(client, app, [shown(guide, age, f"u{age}") for age in ages])
        cutoff = NOW - timedelta(days=400)

        def month_end(age: int) -> datetime:
            end = add_months(month_of(NOW - timedelta(days=age)), 1)
            return datetime(end.year, end.month, 1, tzinfo=UTC)

        result = prune_raw_events(db.write, retention_days=400, now=NOW)

        with db.read() as session:
            months = partition_months(session.connection())
        assert months[0] == month_of(cutoff)
        expected = sorted(age for age in ages if month_end(age) > cutoff)
        assert stored_ages(db) == expected
        assert 390 in expected  # the month still partly inside the retention stays whole
        assert partition_name(month_of(NOW - timedelta(days=700))) in result.partitions_dropped
        assert result.events_deleted == 0
        assert views(db, app, guide) == len(ages)

    def test_new_partitions_are_made_for_the_months_ahead(self, db: Database) -> None:
        with db.write() as session:
            ensure_partitions(session.connection(), NOW)
            months = set(partition_months(session.connection()))

        ahead = {add_months(month_of(NOW), offset) for offset in range(4)}
        assert ahead <= months
        assert date(NOW.year, NOW.month, 1) in months
