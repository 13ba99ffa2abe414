"""`signpost backup` and `signpost restore`: a round trip gives back exactly what was stored,
a backup taken during writes is a consistent snapshot, and a restore keeps what it replaces.
SQLite only (PostgreSQL is backed up with its own tools), so these always run on a file."""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from analytics import Event
from guides import App, Guide
from server.cli import main
from server.db import Database
from server.migrations import upgrade_to_head
from tests.factories import make_app, make_published_guide


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'data' / 'signpost.db'}"
    upgrade_to_head(url)
    monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def add_events(database: Database, app: App, count: int) -> None:
    assert app.id is not None
    from guides.delivery import find_or_create_user

    with database.write() as session:
        user = find_or_create_user(session=session, app_id=app.id, user_id="u", anonymous_id=None)
        assert user.id is not None
        for _ in range(count):
            session.add(
                Event(
                    app_id=app.id,
                    event_id=uuid.uuid4(),
                    type="track",
                    end_user_id=user.id,
                    properties={"name": "x"},
                    occurred_at=datetime.now(UTC),
                )
            )


def contents(database: Database) -> tuple[list[str], list[str], int]:
    with database.read() as session:
        apps = [app.name for app in session.exec(select(App).order_by(App.id))]  # type: ignore[arg-type]
        guides = [guide.slug for guide in session.exec(select(Guide).order_by(Guide.id))]  # type: ignore[arg-type]
        events = len(session.exec(select(Event.id)).all())
    return apps, guides, events


def test_a_restored_backup_holds_exactly_what_was_stored_and_the_replaced_one_is_kept(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = Database(sqlite_url)
    with database.write() as session:
        app = make_app(session, "Acme")
        make_published_guide(session, app, "tour", steps=3)
    add_events(database, app, 25)
    before = contents(database)

    status, out, _ = run(capsys, "backup", str(tmp_path / "backups" / "monday.db"))
    assert status == 0
    assert re.fullmatch(
        rf"Backed up to {re.escape(str(tmp_path / 'backups' / 'monday.db'))} \(schema \w+\): "
        r"1 app, 1 guide, 1 guide_version, 1 end_user, 25 event\.\n",
        out,
    )

    # Later: more data, and an app deleted by mistake.
    with database.write() as session:
        make_app(session, "Globex")
        session.delete(session.get(App, app.id))
    assert contents(database) == (["Globex"], [], 0)

    status, out, _ = run(capsys, "restore", str(tmp_path / "backups" / "monday.db"), "--yes")
    assert status == 0
    assert contents(database) == before == (["Acme"], ["tour"], 25)
    found = re.search(r"The database it replaced is kept at (\S+-before-restore-\w+\.db)\.", out)
    assert found is not None, out
    kept = Path(found[1])
    kept_database = Database(f"sqlite:///{kept}")
    assert contents(kept_database) == (["Globex"], [], 0)
    kept_database.dispose()
    database.dispose()


def test_a_backup_taken_while_events_are_written_is_a_consistent_snapshot(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = Database(sqlite_url)
    with database.write() as session:
        app = make_app(session)
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            add_events(database, app, 10)  # ten per transaction

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for number in range(3):
            assert run(capsys, "backup", str(tmp_path / f"b{number}.db"))[0] == 0
    finally:
        stop.set()
        writer.join()
    for number in range(3):
        copy = sqlite3.connect(tmp_path / f"b{number}.db")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (count,) = copy.execute("SELECT count(*) FROM event").fetchone()
        assert count % 10 == 0  # whole transactions only
        copy.close()
    database.dispose()


class TestRefusals:
    def test_an_existing_backup_file_is_never_overwritten(
        self, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "old.db"
        target.write_bytes(b"precious")

        status, _, err = run(capsys, "backup", str(target))

        assert (status, err) == (1, f"signpost: {target} exists already; choose a new file name\n")
        assert target.read_bytes() == b"precious"

    def test_postgresql_points_to_its_own_tools(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", "postgresql+psycopg://u@db.invalid/x")
        monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path))

        status, _, err = run(capsys, "backup", str(tmp_path / "b.db"))

        assert status == 1
        assert err == (
            "signpost: signpost backup and restore work on SQLite; for PostgreSQL use pg_dump "
            "and pg_restore (docs/deploy.md, 'Backups')\n"
        )

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"name,email\n", "is not a SQLite database"),
            (None, "is not a Signpost database"),
        ],
        ids=["not-sqlite", "foreign-sqlite"],
    )
    def test_a_file_that_is_not_a_signpost_backup_is_refused_and_nothing_changes(
        self,
        sqlite_url: str,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        content: bytes | None,
        message: str,
    ) -> None:
        database = Database(sqlite_url)
        with database.write() as session:
            make_app(session, "Acme")
        source = tmp_path / "other.db"
        if content is None:
            other = sqlite3.connect(source)
            other.execute("CREATE TABLE notes (body TEXT)")
            other.commit()
            other.close()
        else:
            source.write_bytes(content)

        status, _, err = run(capsys, "restore", str(source), "--yes")

        assert (status, err) == (1, f"signpost: {source} {message}\n")
        assert contents(database) == (["Acme"], [], 0)
        database.dispose()

    def test_restore_without_yes_and_without_a_terminal_changes_nothing(
        self, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        database = Database(sqlite_url)
        assert run(capsys, "backup", str(tmp_path / "empty.db"))[0] == 0
        with database.write() as session:
            make_app(session, "Acme")

        status, _, err = run(capsys, "restore", str(tmp_path / "empty.db"))

        assert (status, err) == (
            1,
            "signpost: add --yes to replace the database without a prompt\n",
        )
        assert contents(database) == (["Acme"], [], 0)
        database.dispose()
