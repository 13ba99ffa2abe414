"""Rollups: kept up to date in the ingestion transaction, equal to a rebuild from raw events
whatever order batches arrive in, and rebuilt by `signpost analytics rebuild`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel, select

from analytics import EventBatch, record_events
from analytics.durations import BOUNDS, bucket_of, bucket_value, histogram, percentile
from analytics.models import ROLLUP_MODELS, FirstSeen, GuideDaily, SearchDaily
from analytics.rollups import normalize_query, rebuild_rollups
from server.cli import main
from server.db import Database
from tests.event_streams import Guides, forget_events, ingest, make_guides, streams
from tests.factories import event


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row of every table, sorted, without rows whose counts are all zero."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in ROLLUP_MODELS:
        table = model.__table__  # type: ignore[attr-defined]
        keys = {c.name for c in table.primary_key.columns} | {"app_id", "day"}
        rows = []
        for row in session.execute(select(table)).mappings():
            counts = [v for k, v in row.items() if k not in keys and isinstance(v, int)]
            if model is FirstSeen or not counts or any(counts):
                rows.append(tuple(row[c.name] for c in table.columns))
        tables[table.name] = sorted(rows)
    return tables


@pytest.fixture
def guides(db: Database) -> Guides:
    with db.write() as session:
        return make_guides(session)


class TestRebuild:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test_a_rebuild_from_raw_events_equals_the_incremental_rollups(
        self, db: Database, guides: Guides, data: st.DataObject
    ) -> None:
        batches = data.draw(streams(guides))
        with db.write() as session:
            forget_events(session)
        for batch in batches:  # one transaction per batch, as the endpoint does
            with db.write() as session:
                ingest(session, guides, [batch])
        with db.read() as session:
            incremental = snapshot(session)

        with db.write() as session:
            assert guides.app.id is not None
            rebuild_rollups(session, guides.app.id)
        with db.read() as session:
            rebuilt = snapshot(session)

        assert rebuilt == incremental
        assume(any(incremental.values()))  # a stream of custom events only counts nothing

    def test_an_older_event_arriving_late_moves_the_user_to_the_earlier_day(
        self, db: Database, guides: Guides
    ) -> None:
        late = event("guide_shown", guides.tip, timestamp="2026-11-05T10:00:00+00:00")
        early = event("guide_shown", guides.tip, timestamp="2026-11-03T10:00:00+00:00")
        for sent in (late, early):
            with db.write() as session:
                ingest_one(session, guides, sent)

        with db.read() as session:
            rows = session.exec(
                select(GuideDaily.day, GuideDaily.shown, GuideDaily.users_shown)
                .where(GuideDaily.guide_version == 0, GuideDaily.step_index == -1)
                .order_by(GuideDaily.day)  # type: ignore[arg-type]
            ).all()
        assert [tuple(r) for r in rows] == [(date(2026, 11, 3), 1, 1), (date(2026, 11, 5), 1, 0)]

    def test_events_of_another_apps_guide_are_not_counted(
        self, db: Database, guides: Guides
    ) -> None:
        with db.write() as session:
            ingest_one(session, guides, event("guide_shown", guides.foreign))

        with db.read() as session:
            assert all(rows == [] for rows in snapshot(session).values())

    def test_the_cli_rebuilds_the_rollups_of_one_app(
        self,
        db: Database,
        guides: Guides,
        database_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        with db.write() as session:
            ingest_one(session, guides, event("guide_shown", guides.tip))
            ingest_one(
                session,
                guides,
                event("resource_center_searched", properties={"query": "SSO", "results": 0}),
            )
        with db.read() as session:
            before = snapshot(session)
        with db.write() as session:
            for model in ROLLUP_MODELS:
                session.execute(model.__table__.delete())  # type: ignore[attr-defined]
        monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", database_url)

        status = main(["analytics", "rebuild", "--app", "Acme"])

        assert (status, capsys.readouterr().out) == (0, "Acme: rollups rebuilt from 2 events\n")
        with db.read() as session:
            assert snapshot(session) == before

    def test_the_cli_names_an_unknown_app(
        self,
        database_url: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", database_url)

        status = main(["analytics", "rebuild", "--app", "Nope"])

        assert status == 1
        assert capsys.readouterr().err == (
            "signpost: no app named 'Nope' (use its name, public key or id)\n"
        )


def ingest_one(session: Session, guides: Guides, body: dict[str, Any]) -> None:
    record_events(
        session=session,
        app=guides.app,
        batch=EventBatch.model_validate(
            {"app_key": guides.app.public_key, "anonymous_id": "a", "events": [body]}
        ),
        received_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


class TestSearchQueries:
    def test_searches_differing_in_case_and_spaces_are_one_query(
        self, db: Database, guides: Guides
    ) -> None:
        for query, results in (("Dark  Mode", 0), (" dark mode", 2), ("export", 0)):
            with db.write() as session:
                ingest_one(
                    session,
                    guides,
                    event(
                        "resource_center_searched",
                        timestamp="2026-11-03T10:00:00+00:00",
                        properties={"query": query, "results": results},
                    ),
                )

        with db.read() as session:
            rows = session.exec(
                select(SearchDaily.query, SearchDaily.searches, SearchDaily.zero_results)
            ).all()
        assert sorted(tuple(r) for r in rows) == [("dark mode", 2, 1), ("export", 1, 1)]
        assert normalize_query("  A\tB  ") == "a b"


class TestDurations:
    def test_buckets_are_log_spaced_and_cover_every_duration(self) -> None:
        assert BOUNDS[:5] == [100, 119, 141, 168, 200]
        assert [bucket_of(ms) for ms in (0, 99, 100, 118, 119, 10**10)] == [0, 0, 1, 1, 2, 81]

    @given(st.lists(st.integers(0, 10**8), min_size=1, max_size=200), st.sampled_from([0.5, 0.9]))
    def test_a_percentile_from_the_histogram_is_within_ten_percent_of_the_true_one(
        self, durations: list[int], fraction: float
    ) -> None:
        ordered = sorted(durations)
        true = ordered[max(1, -(-int(fraction * 1000) * len(ordered) // 1000)) - 1]

        estimate = percentile(histogram(durations), fraction)

        assert estimate == bucket_value(bucket_of(true))
        assert estimate is not None
        if true >= 100:
            assert abs(estimate - true) <= 0.1 * true

    def test_no_durations_have_no_percentile(self) -> None:
        assert percentile({}, 0.5) is None


def test_every_rollup_model_is_listed() -> None:
    names = {m.__tablename__ for m in ROLLUP_MODELS}  # type: ignore[attr-defined]
    tables = {
        t
        for t in SQLModel.metadata.tables
        if t.endswith(("_daily", "_day")) or t.startswith("rollup_")
    }
    assert names == tables
