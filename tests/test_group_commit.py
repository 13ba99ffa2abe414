"""Group commit: batches waiting for the writer are stored together, each answered with its
own result, and a batch that fails never fails the others of its group."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from analytics import Event, EventBatch
from analytics.ingest import prepare_batch
from guides import App
from server.db import Database
from server.group_commit import GroupCommitter
from tests.factories import event, event_batch, make_app


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


def prepared(app: App, user: str, events: list[dict]) -> object:
    batch = EventBatch.model_validate(event_batch(app, events, anonymous_id=user))
    assert app.id is not None
    return prepare_batch(app.id, batch, datetime.now(UTC))


def stored(db: Database) -> int:
    with db.read() as session:
        return session.exec(select(func.count()).select_from(Event)).one()


def test_queued_batches_are_stored_in_one_group_each_with_its_own_result(
    db: Database, app: App
) -> None:
    committer = GroupCommitter(db)
    shared = event("track", properties={"name": "same id"})
    batches = [
        prepared(app, f"visitor-{i}", [shared, event("track", properties={"name": str(i)})])
        for i in range(5)
    ]
    assert app.id is not None
    futures = [committer.submit(app.id, batch) for batch in batches]  # type: ignore[arg-type]

    committer.start()  # everything is already queued: one group
    results = [future.result(timeout=30).to_json() for future in futures]
    committer.stop()

    assert (
        results
        == [{"accepted": 2, "duplicates": 0, "rejected": []}]
        + [{"accepted": 1, "duplicates": 1, "rejected": []}] * 4
    )
    assert stored(db) == 6


def test_a_failing_batch_does_not_fail_the_rest_of_its_group(db: Database, app: App) -> None:
    committer = GroupCommitter(db)
    assert app.id is not None
    good = prepared(app, "visitor-1", [event("track", properties={"name": "ok"})])
    bad = prepared(app, "visitor-2", [event("track", properties={"name": "lost"})])
    later = prepared(app, "visitor-3", [event("track", properties={"name": "ok too"})])
    futures = [
        committer.submit(app.id, good),  # type: ignore[arg-type]
        committer.submit(999_999, bad),  # type: ignore[arg-type]  # no such app
        committer.submit(app.id, later),  # type: ignore[arg-type]
    ]

    committer.start()
    first, third = futures[0].result(timeout=30), futures[2].result(timeout=30)
    with pytest.raises(IntegrityError):
        futures[1].result(timeout=30)
    committer.stop()

    assert (first.accepted, third.accepted) == (1, 1)
    assert stored(db) == 2
