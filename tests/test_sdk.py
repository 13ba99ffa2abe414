"""The browser SDK: its Node unit tests, type check, committed bundle, size budget and CSP rules.

Needs Node on PATH (skipped without it); installs sdk/node_modules with `npm ci` when missing.
The build options live only in sdk/build.mjs, which scripts/build-sdk runs too.
"""

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sdk import BUNDLE_PATH, DIST_PATH

SDK_DIR = Path(__file__).resolve().parent.parent / "sdk"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=SDK_DIR, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def node_modules() -> Path:
    modules = SDK_DIR / "node_modules"
    if not modules.is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("sdk/node_modules is missing and npm is not on PATH to install it")
        result = run(npm, "ci", "--no-audit", "--no-fund", timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
    return modules


@pytest.fixture(scope="module")
def budget() -> int:
    source = (SDK_DIR / "build.mjs").read_text()
    match = re.search(r"GZIP_BUDGET_BYTES = (\d+) \* 1024;", source)
    assert match, "sdk/build.mjs must define GZIP_BUDGET_BYTES = <n> * 1024"
    return int(match.group(1)) * 1024


def test_sdk_unit_tests_pass() -> None:
    assert NODE is not None
    result = run(NODE, "--test", "test/")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_sdk_sources_type_check(node_modules: Path) -> None:
    assert NODE is not None
    tsc = node_modules / "typescript" / "bin" / "tsc"
    result = run(NODE, str(tsc), "--noEmit", "-p", "jsconfig.json")
    assert result.returncode == 0, result.stdout + result.stderr


def built_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.js"))}


def test_every_committed_build_file_is_built_from_the_current_sources(
    node_modules: Path, tmp_path: Path
) -> None:
    assert NODE is not None
    result = run(NODE, "build.mjs", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert BUNDLE_PATH.is_file(), "sdk/dist/signpost.js is missing: run scripts/build-sdk"
    fresh, committed = built_files(tmp_path), built_files(DIST_PATH)
    assert sorted(committed) == sorted(fresh), "sdk/dist has other files than the build makes"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"sdk/dist/{stale} is stale: run scripts/build-sdk and commit the result"


def gzipped(name: str) -> int:
    return len(gzip.compress((DIST_PATH / name).read_bytes(), compresslevel=9))


def first_guide_paths() -> dict[str, list[str]]:
    """Each kind's files on the way to its first guide on screen: core, ui, its chunk."""
    # `authoring` (element picker, draft preview) is no guide kind: only the admin's pages load it.
    chunks = sorted(
        path.stem
        for path in DIST_PATH.glob("*.js")
        if path != BUNDLE_PATH and path.stem != "authoring"
    )
    return {
        chunk: ["signpost.js", "ui.js"] + ([] if chunk == "ui" else [f"{chunk}.js"])
        for chunk in chunks
    }


def test_every_path_to_a_first_guide_is_within_the_gzip_budget(budget: int) -> None:
    sizes = {
        chunk: sum(gzipped(name) for name in files) for chunk, files in first_guide_paths().items()
    }
    over = {chunk: size for chunk, size in sizes.items() if size > budget}
    assert over == {}, f"over the budget of {budget} B gzipped: {over}"


@pytest.mark.parametrize(
    "pattern",
    [
        r"\beval\(",
        r"new Function",
        r"\bFunction\(",
        r"innerHTML",
        r"outerHTML",
        r"insertAdjacentHTML",
        r"document\.write",
        r"set(?:Timeout|Interval)\(\s*[\"'`]",
        r"setAttribute\(\s*[\"']style",
        r"createElement\(\s*[\"']style",
    ],
)
def test_every_build_file_runs_under_a_strict_csp(pattern: str) -> None:
    for path in sorted(DIST_PATH.glob("*.js")):
        assert not re.search(pattern, path.read_text()), f"{path.name} contains {pattern!r}"
