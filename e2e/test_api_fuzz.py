"""Schemathesis against the live server's OpenAPI documents (reliability.md B8): at least
10,000 generated requests, valid and invalid, to `/sdk/v1/session` and `/sdk/v1/events`, and
as many to `/api/v1` with a write token, with no 5xx, and every answer matching the document
(status, content type, schema)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from e2e.conftest import RunningServer
from guides import App
from server.accounts import add_app_to_workspace, workspace_of_app
from server.api_tokens import create_api_token
from server.db import Database
from server.demo.seed import DEMO_APP_NAME
from tests.factories import make_app, make_published_guide

HOOKS = Path(__file__).parent / "fuzz"
# Per operation and phase: about 2 requests per example in all (the run prints its count).
EXAMPLES = int(os.environ.get("SIGNPOST_FUZZ_EXAMPLES", "5500"))
MINIMUM_REQUESTS = 10_000 if EXAMPLES >= 5500 else 0
# The REST API's 26 operations share its run: about one request per example and operation,
# so this gives them as many requests again as the SDK's two get.
API_EXAMPLES = max(EXAMPLES // 12, 20)
API_MINIMUM_REQUESTS = 10_000 if EXAMPLES >= 5500 else 0


def run_schemathesis(
    document_url: str, env: dict[str, str], tmp_path: Path, examples: int, *extra: str
) -> int:
    """Run schemathesis against a live document; returns how many requests it generated."""
    report = tmp_path / "report.ndjson"
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(HOOKS / "schemathesis.toml"),
            "run",
            document_url,
            "--checks",
            "all",
            # Positive cases are mostly refused for reasons a schema cannot say (an event's
            # guide_id is required for guide events only, user_id or anonymous_id; a guide
            # kind's own content rules): those refusals are tested one by one in tests/.
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            str(examples),
            "--seed",
            "20261123",
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(report),
            *extra,
        ],
        env={**os.environ, "PYTHONPATH": str(HOOKS), "SCHEMATHESIS_HOOKS": "signpost_fuzz_hooks"}
        | env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    # Failures first, each line cut short: a generated body can be megabytes of one line.
    lines = [line[:400] for line in done.stdout.splitlines()]
    start = next((i for i, line in enumerate(lines) if "FAILURES" in line), 0)
    summary = "\n".join(lines[start : start + 120]) + done.stderr[-2000:]
    assert done.returncode == 0, summary
    generated = re.search(r"(\d+) generated", done.stdout)
    assert generated is not None, summary
    print(f"schemathesis {document_url}: {generated[0]} requests")  # shown with pytest -s
    assert report.exists() and any(json.loads(line) for line in report.read_text().splitlines())
    return int(generated[1])


@pytest.mark.timeout(1500)
def test_ten_thousand_generated_requests_get_no_server_error_and_match_the_document(
    server: RunningServer, db: Database, tmp_path: Path
) -> None:
    with db.read() as session:
        app = session.exec(select(App).where(App.name == DEMO_APP_NAME)).one()

    generated = run_schemathesis(
        f"{server.url}/sdk/v1/openapi.json",
        {"SIGNPOST_FUZZ_APP_KEY": app.public_key},
        tmp_path,
        EXAMPLES,
    )

    assert generated >= MINIMUM_REQUESTS
    server.check_alive()


@pytest.mark.timeout(1500)
def test_the_rest_api_with_a_write_token_gets_no_server_error_and_matches_the_document(
    server: RunningServer, db: Database, tmp_path: Path
) -> None:
    """`/api/v1` with a write token reaching an app of its own (the demo's guides stay as
    they are): generated guide documents are created, updated, published and rolled back."""
    with db.write() as session:
        demo = session.exec(select(App).where(App.name == DEMO_APP_NAME)).one()
        assert demo.id is not None
        workspace_id = workspace_of_app(session, demo.id)
        assert workspace_id is not None
        app = make_app(session, f"Fuzz {uuid.uuid4().hex[:6]}")
        assert app.id is not None
        add_app_to_workspace(session=session, app_id=app.id, workspace_id=workspace_id)
        guide = make_published_guide(session, app, "fuzzed", steps=2)
        _, token = create_api_token(
            session=session,
            workspace_id=workspace_id,
            name="fuzz",
            scope="write",
            app_ids=[app.id],
            created_by="e2e",
        )

    generated = run_schemathesis(
        f"{server.url}/api/v1/openapi.json",
        {
            "SIGNPOST_FUZZ_APP_KEY": demo.public_key,
            "SIGNPOST_FUZZ_APP_ID": str(app.id),
            "SIGNPOST_FUZZ_GUIDE_ID": str(guide.id),
        },
        tmp_path,
        API_EXAMPLES,
        "--header",
        f"Authorization: Bearer {token}",
    )

    assert generated >= API_MINIMUM_REQUESTS
    server.check_alive()
