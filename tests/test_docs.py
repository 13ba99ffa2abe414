"""The docs stay true: every setting documented, every CLI command in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.cli import _parser
from server.settings import Settings

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    assert f"`SIGNPOST_{field.upper()}`" in docs


def test_documented_settings_all_exist() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"\| `SIGNPOST_([A-Z_]+)` \|", docs))
    assert documented == {field.upper() for field in Settings.model_fields}


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    subparsers = _parser()._subparsers
    assert subparsers is not None
    commands = subparsers._group_actions[0].choices  # type: ignore[attr-defined]
    for name in commands:
        assert f"signpost {name}" in readme, f"`signpost {name}` is missing from README.md"


def test_readme_setup_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for script in ("scripts/demo", "scripts/test"):
        assert script in readme
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"
