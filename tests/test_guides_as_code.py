"""Guides as code beyond the round trip of tests/test_cli.py: the published JSON Schema,
`--dry-run` naming what would change, import without `--app`, and `guides check` without
its optional extra."""

from __future__ import annotations

import sys
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from starlette.testclient import TestClient

from guides.files import SCHEMA_PATH, guide_schema, schema_text
from server.db import Database
from server.demo.seed import DEMO_GUIDES
from tests.factories import make_app, make_published_guide
from tests.test_cli import environment, run

__all__ = ["environment"]  # the CLI's autouse fixture, for these tests too


class TestSchema:
    def test_the_committed_schema_is_the_one_the_model_makes(self) -> None:
        assert SCHEMA_PATH.read_text() == schema_text(), (
            "guides/guide.schema.json is stale: run `signpost guides schema > "
            "guides/guide.schema.json`"
        )

    def test_it_is_served_by_the_api_and_printed_by_the_cli(
        self, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        response = client.get("/api/v1/schemas/guide.json")

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/schema+json"
        assert response.json() == guide_schema()
        assert run(capsys, "guides", "schema")[1] == SCHEMA_PATH.read_text()

    def test_the_demo_guides_and_exported_files_are_valid_and_broken_ones_are_not(
        self, capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
    ) -> None:
        validator = jsonschema_rs.Draft202012Validator(guide_schema())
        with db.write() as session:
            app = make_app(session, "Acme")
            make_published_guide(session, app, "tour", steps=3, priority=2)
        run(capsys, "guides", "export", "Acme", str(tmp_path / "out"))
        files = [*DEMO_GUIDES.glob("*.yaml"), *(tmp_path / "out").glob("*.yaml")]
        broken = yaml.safe_load((DEMO_GUIDES / "welcome-tour.yaml").read_text())
        broken["steps"][0]["placement"] = "under"
        broken["frequency"] = "always"

        assert len(files) == 3
        assert [validator.is_valid(yaml.safe_load(f.read_text())) for f in files] == [True] * 3
        assert sorted(e.instance_path[-1] for e in validator.iter_errors(broken)) == [
            "frequency",
            "placement",
        ]


class TestImport:
    def test_dry_run_names_each_field_that_would_change(
        self, capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
    ) -> None:
        with db.write() as session:
            make_app(session, "Acme")
        run(capsys, "guides", "import", str(DEMO_GUIDES))
        changed = tmp_path / "welcome-tour.yaml"
        document = yaml.safe_load((DEMO_GUIDES / "welcome-tour.yaml").read_text())
        document["name"] = "Welcome, again"
        document["steps"][2]["target"] = {"selector": "#share-button"}
        document["steps"].append({"title": "One more", "body": "", "placement": "auto"})
        changed.write_text(yaml.safe_dump(document))

        status, out, _ = run(capsys, "guides", "import", str(changed), "--dry-run")

        assert status == 0
        assert out.splitlines() == [
            "published    welcome-tour (live: version 2)",
            "               changed: name",
            "               changed: steps (3 → 4)",
            "               changed: steps[2].target.selector",
            "Dry run: nothing was changed.",
        ]
        status, out, _ = run(capsys, "guides", "import", str(DEMO_GUIDES))
        assert out.splitlines() == [
            "unchanged    export-tip (live: version 1)",
            "unchanged    welcome-tour (live: version 1)",
        ]

    def test_without_app_it_needs_exactly_one_app(
        self, capsys: pytest.CaptureFixture[str], db: Database
    ) -> None:
        with db.write() as session:
            make_app(session, "Acme")
            make_app(session, "Beta")

        status, _, err = run(capsys, "guides", "import", str(DEMO_GUIDES))

        assert (status, err) == (1, "signpost: name the app with --app (apps: 'Acme', 'Beta')\n")


class TestCheckWithoutItsExtra:
    def test_a_missing_playwright_is_explained(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "playwright.sync_api", None)

        status, _, err = run(
            capsys, "guides", "check", str(DEMO_GUIDES), "--url", "http://127.0.0.1:9/"
        )

        assert status == 1
        assert err == (
            "signpost: `signpost guides check` needs Playwright: pip install "
            "'signpost[check]', then `playwright install chromium` (or pass --chromium with a "
            "Chromium already installed)\n"
        )
