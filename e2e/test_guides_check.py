"""`signpost guides check` against the running demo app: the demo's guides, exported as
files, with one target deliberately broken. The command opens each guide's page in headless
Chromium, asks the SDK's own finder (the `check` chunk) for every step's target, reports
exactly the broken step, and exits 1 so a customer's CI fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from e2e.conftest import RunningServer, chromium_path

DEMO_GUIDES = Path(__file__).parent.parent / "server" / "demo" / "guides"


def check(directory: Path, url: str) -> subprocess.CompletedProcess[str]:
    chromium = ["--chromium", found] if (found := chromium_path()) else []
    command = ["guides", "check", str(directory), "--url", url, "--timeout", "1500", *chromium]
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_demo_guides(target: Path) -> Path:
    target.mkdir()
    for path in DEMO_GUIDES.glob("*.yaml"):
        (target / path.name).write_text(path.read_text())
    return target


def test_a_broken_target_is_reported_by_step_and_fails_the_run(
    server: RunningServer, tmp_path: Path
) -> None:
    guides = copy_demo_guides(tmp_path / "guides")
    tour = guides / "welcome-tour.yaml"
    document = yaml.safe_load(tour.read_text())
    document["steps"][1]["target"] = {"selector": "#date-range-renamed"}
    # A step found by its clues alone, as the SDK's scoring finds it.
    document["steps"][2]["target"] = {"role": "button", "text": "Share"}
    tour.write_text(yaml.safe_dump(document, sort_keys=False))

    done = check(guides, f"{server.url}/demo")

    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"{server.url}/demo/reports",
        '  found   export-tip step 1 {"selector": "#export"} -> button#export.button "Export"',
        f"{server.url}/demo",
        '  found   welcome-tour step 1 {"selector": "#new-report"} '
        '-> button#new-report.button.primary "New report"',
        '  MISSING welcome-tour step 2 {"selector": "#date-range-renamed"}',
        '  found   welcome-tour step 3 {"role": "button", "text": "Share"} '
        '-> button#share.button "Share"',
        "4 targets in 2 guide files: 3 found, 1 missing",
    ]


def test_the_demo_guides_as_shipped_all_pass(server: RunningServer, tmp_path: Path) -> None:
    guides = copy_demo_guides(tmp_path / "guides")

    done = check(guides, f"{server.url}/demo")

    assert (done.returncode, done.stdout.splitlines()[-1]) == (
        0,
        "4 targets in 2 guide files: 4 found, 0 missing",
    )
