"""The `signpost` command, run in-process against the test database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from guides import App, Guide, GuideVersion
from server.accounts import (
    AdminUser,
    Role,
    app_ids_of_workspace,
    verify_password,
    workspaces_of_user,
)
from server.cli import main
from server.db import Database
from server.demo.seed import DEMO_GUIDES
from tests.factories import make_app, make_published_guide


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("SIGNPOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestSettingsErrors:
    def test_a_wrong_setting_stops_with_one_line_naming_it(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_PORT", "eighty")
        status, out, err = run(capsys, "migrate")
        assert status == 2
        assert out == ""
        assert err.startswith("signpost: invalid setting SIGNPOST_PORT: ")
        assert err.count("\n") == 1

    def test_a_secret_key_in_error_is_never_echoed(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIGNPOST_SECRET_KEY", "hunter2-short")
        status, _, err = run(capsys, "migrate")
        assert status == 2
        assert "SIGNPOST_SECRET_KEY" in err
        assert "hunter2" not in err


class TestApps:
    def test_create_prints_the_public_key_of_the_stored_app(
        self, capsys: pytest.CaptureFixture[str], db: Database
    ) -> None:
        status, out, _ = run(
            capsys, "apps", "create", "Acme", "--origin", "https://App.Example.com:443/"
        )
        assert status == 0
        key = out.strip()
        assert key.startswith("pk_")
        with db.read() as session:
            app = session.exec(select(App)).one()
        assert (app.name, app.public_key, app.allowed_origins) == (
            "Acme",
            key,
            ["https://app.example.com"],
        )

    def test_create_refuses_a_malformed_origin(
        self, capsys: pytest.CaptureFixture[str], db: Database
    ) -> None:
        status, out, err = run(capsys, "apps", "create", "Acme", "--origin", "app.example.com")
        assert (status, out) == (1, "")
        assert "is not an origin" in err
        with db.read() as session:
            assert session.exec(select(App)).all() == []

    def test_list_shows_every_app(self, capsys: pytest.CaptureFixture[str], db: Database) -> None:
        with db.write() as session:
            app = make_app(session, "Acme")
        status, out, _ = run(capsys, "apps", "list")
        assert status == 0
        assert out == f"{app.id}\tAcme\t{app.public_key}\thttps://app.example.com\n"


class TestCreateAdmin:
    def test_password_from_stdin_is_stored_as_an_argon2id_hash(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Database
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
        status, out, _ = run(capsys, "create-admin", "Dana@Example.com", "--password-stdin")
        assert (status, out) == (
            0,
            "Admin dana@example.com created, owner of the workspace 'Default'.\n",
        )
        with db.read() as session:
            user = session.exec(select(AdminUser)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(user, "correct horse battery")
        assert not verify_password(user, "wrong horse battery")

    def test_the_admin_owns_the_workspace_and_the_apps_made_before_it(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Database
    ) -> None:
        with db.write() as session:
            app = make_app(session, "Acme")
        monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))

        status, _, _ = run(capsys, "create-admin", "dana@example.com", "--workspace", "Acme")
        later = run(capsys, "apps", "create", "Beta", "--origin", "https://beta.example.com")

        assert status == later[0] == 0
        with db.read() as session:
            user = session.exec(select(AdminUser)).one()
            assert user.id is not None
            assert [(w.name, role) for w, role in workspaces_of_user(session, user.id)] == [
                ("Acme", Role.owner)
            ]
            ((workspace, _),) = workspaces_of_user(session, user.id)
            assert workspace.id is not None
            beta = session.exec(select(App).where(App.name == "Beta")).one()
            assert app_ids_of_workspace(session, workspace.id) == [app.id, beta.id]

    def test_a_short_password_is_refused(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Database
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
        status, _, err = run(capsys, "create-admin", "dana@example.com", "--password-stdin")
        assert status == 1
        assert "at least 10 characters" in err

    def test_the_same_email_twice_is_refused(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
        assert run(capsys, "create-admin", "dana@example.com")[0] == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("another password here\n"))
        status, _, err = run(capsys, "create-admin", "DANA@example.com")
        assert status == 1
        assert "already exists" in err


class TestGuideFiles:
    def test_export_then_import_into_an_empty_database_gives_equal_guides(
        self,
        capsys: pytest.CaptureFixture[str],
        db: Database,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        with db.write() as session:
            app = make_app(session, "Acme")
            make_published_guide(
                session,
                app,
                "tour",
                steps=[
                    {
                        "title": "One",
                        "body": "Line one\n\nLine **two**",
                        "target": {"selector": "#a"},
                    },
                    {"title": "Two", "body": "", "placement": "left"},
                ],
                priority=3,
            )
        assert run(capsys, "guides", "export", "Acme", str(tmp_path / "out"))[0] == 0
        exported = (tmp_path / "out" / "tour.yaml").read_text()
        assert "body: |-\n    Line one\n\n    Line **two**" in exported
        document = yaml.safe_load(exported)
        assert document["status"] == "published"
        assert document["priority"] == 3

        # Into an empty database (a new SQLite file: the CLI migrates it), then out again.
        monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
        assert run(capsys, "apps", "create", "Acme")[0] == 0
        status, out, _ = run(capsys, "guides", "import", str(tmp_path / "out"), "--app", "Acme")
        assert (status, out) == (0, "published    tour (live: version 1)\n")
        assert run(capsys, "guides", "export", "Acme", str(tmp_path / "again"))[0] == 0
        assert (tmp_path / "again" / "tour.yaml").read_text() == exported

        status, out, _ = run(capsys, "guides", "import", str(tmp_path / "again"), "--app", "Acme")
        assert (status, out) == (0, "unchanged    tour (live: version 1)\n")

    def test_import_dry_run_changes_nothing(
        self, capsys: pytest.CaptureFixture[str], db: Database
    ) -> None:
        with db.write() as session:
            make_app(session, "Acme")
        status, out, _ = run(
            capsys, "guides", "import", str(DEMO_GUIDES), "--app", "Acme", "--dry-run"
        )
        assert status == 0
        assert out == (
            "published    export-tip (live: version 1)\n"
            "published    welcome-tour (live: version 1)\n"
            "Dry run: nothing was changed.\n"
        )
        with db.read() as session:
            assert session.exec(select(Guide)).all() == []

    def test_import_twice_publishes_once(
        self, capsys: pytest.CaptureFixture[str], db: Database
    ) -> None:
        with db.write() as session:
            make_app(session, "Acme")
        run(capsys, "guides", "import", str(DEMO_GUIDES), "--app", "Acme")
        status, out, _ = run(capsys, "guides", "import", str(DEMO_GUIDES), "--app", "Acme")
        assert status == 0
        assert out == (
            "unchanged    export-tip (live: version 1)\n"
            "unchanged    welcome-tour (live: version 1)\n"
        )
        with db.read() as session:
            assert len(session.exec(select(GuideVersion)).all()) == 2

    def test_an_invalid_file_is_refused_with_its_name_and_field(
        self, capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
    ) -> None:
        with db.write() as session:
            make_app(session, "Acme")
        bad = tmp_path / "broken.yaml"
        bad.write_text("slug: Broken Slug\nname: x\nkind: tooltip\nsteps: []\n")
        status, out, err = run(capsys, "guides", "import", str(bad), "--app", "Acme")
        assert (status, out) == (1, "")
        assert err.startswith("signpost: broken.yaml: slug: ")
        assert "steps" in err

    def test_a_draft_document_takes_a_live_guide_offline(
        self, capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
    ) -> None:
        with db.write() as session:
            app = make_app(session, "Acme")
            make_published_guide(session, app, "tip")
        run(capsys, "guides", "export", "Acme", str(tmp_path / "out"))
        path = tmp_path / "out" / "tip.yaml"
        path.write_text(path.read_text().replace("status: published", "status: draft"))
        status, out, _ = run(capsys, "guides", "import", str(path), "--app", "Acme")
        assert (status, out) == (0, "unpublished  tip\n")

    def test_an_unknown_app_is_named(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, _, err = run(capsys, "guides", "export", "Nope", "out")
        assert status == 1
        assert err == "signpost: no app named 'Nope' (use its name, public key or id)\n"
