"""The browser SDK: its Node unit tests, type check, committed bundle, size budget and CSP rules.

Needs Node on PATH (skipped without it); installs sdk/node_modules with `npm ci` when missing.
The build options live only in sdk/build.mjs, which scripts/build-sdk runs too.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

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
def fresh_build(node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The SDK built from the current sources into a temporary folder, and its sizes."""
    assert NODE is not None
    outdir = tmp_path_factory.mktemp("sdk-dist")
    result = run(NODE, "build.mjs", str(outdir), "--json")
    assert result.stdout.strip(), result.stderr
    return {"outdir": outdir, **json.loads(result.stdout)}


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
    files = sorted(
        path for pattern in ("*.js", "*.mjs", "*.d.ts", "*.d.mts") for path in folder.glob(pattern)
    )
    return {path.name: path.read_bytes() for path in files}


def test_every_committed_build_file_is_built_from_the_current_sources(
    fresh_build: dict[str, Any],
) -> None:
    assert BUNDLE_PATH.is_file(), "sdk/dist/signpost.js is missing: run scripts/build-sdk"
    fresh, committed = built_files(fresh_build["outdir"]), built_files(DIST_PATH)
    assert sorted(committed) == sorted(fresh), "sdk/dist has other files than the build makes"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], f"sdk/dist/{stale} is stale: run scripts/build-sdk and commit the result"


def test_every_path_to_a_first_guide_is_within_its_gzip_limit(
    fresh_build: dict[str, Any],
) -> None:
    paths = fresh_build["paths"]
    over = {name: (p["gzip"], p["limit"]) for name, p in paths.items() if p["gzip"] > p["limit"]}
    assert over == {}, f"over the limit (gzip bytes, limit): {over}"


def test_every_first_guide_path_is_held_to_the_12_kb_budget(
    fresh_build: dict[str, Any],
) -> None:
    paths = fresh_build["paths"]
    assert {name: p["limit"] for name, p in paths.items()} == dict.fromkeys(paths, 12 * 1024)
    assert set(paths) >= {
        "tooltip",
        "walkthrough",
        "modal",
        "banner",
        "slideout",
        "checklist",
        "survey",
        "resource_center",
        "hotspot",
        "survey on an element",
        "tooltip found by its clues",
    }


def test_the_committed_core_loads_chunks_of_its_own_build(fresh_build: dict[str, Any]) -> None:
    assert f'"{fresh_build["version"]}"' in BUNDLE_PATH.read_text()


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
    for path in sorted([*DIST_PATH.glob("*.js"), *DIST_PATH.glob("*.mjs")]):
        assert not re.search(pattern, path.read_text()), f"{path.name} contains {pattern!r}"


def built_code(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in [*folder.glob("*.js"), *folder.glob("*.mjs")]}


def property_uses(name: str, code: str) -> int:
    """How often `name` is a property in minified code: `.name`, `{name:`, `,name(` ..."""
    return len(re.findall(rf"[.{{,]{re.escape(name)}(?![\w$-])", code))


def test_internal_properties_are_shortened_in_every_build_file(
    fresh_build: dict[str, Any],
) -> None:
    table: dict[str, str] = fresh_build["properties"]
    assert table, "sdk/build.mjs INTERNAL_PROPERTIES is empty"
    assert len(set(table.values())) == len(table), f"two properties share a short name: {table}"
    left = {
        file: [name for name in table if property_uses(name, code)]
        for file, code in built_code(fresh_build["outdir"]).items()
    }
    assert {file: names for file, names in left.items() if names} == {}


@pytest.mark.parametrize(
    ("chunk", "exports"),
    [
        ("ui", ["playGuide", "createStage", "canStyle", "renderers"]),
        ("anchor", ["placeCard", "viewportRect", "revealTarget", "waitForTarget", "autoUpdate"]),
        ("find", ["bestCandidate"]),
    ],
)
def test_a_chunk_and_the_core_call_its_exports_by_the_same_short_names(
    fresh_build: dict[str, Any], chunk: str, exports: list[str]
) -> None:
    """Chunks are built one by one, yet one name table serves them all and the core."""
    table: dict[str, str] = fresh_build["properties"]
    code = built_code(fresh_build["outdir"])
    for name in exports:
        short = table[name]
        assert property_uses(short, code[chunk + ".js"]), f"{chunk}.js does not export {short}"
        users = [
            file
            for file, text in code.items()
            if file != chunk + ".js" and property_uses(short, text)
        ]
        assert users, f"no other build file calls {chunk}'s {name} as {short}"


def test_no_guide_kind_is_shortened(fresh_build: dict[str, Any]) -> None:
    """Renderers are found by the kind the server sends (`renderers[guide.kind]`)."""
    from guides.kinds import KINDS

    assert set(fresh_build["properties"]) & set(KINDS) == set()


def test_internal_properties_never_cross_a_boundary(fresh_build: dict[str, Any]) -> None:
    """No shortened name is public API, a JSON or storage field, or read through a string."""
    root = SDK_DIR.parent
    names = list(fresh_build["properties"])
    public = " ".join(path.read_text() for path in (SDK_DIR / "types").glob("*.ts"))
    docs = " ".join(path.read_text() for path in (root / "docs").glob("*.md"))
    python = " ".join(
        path.read_text()
        for folder in ("server", "guides", "analytics", "admin")
        for path in (root / folder).rglob("*.py")
    )
    sources = " ".join(path.read_text() for path in (SDK_DIR / "src").rglob("*.js"))
    crossing = {
        name: where
        for name in names
        if (
            where := [
                label
                for label, found in [
                    ("sdk/types", re.search(rf"\b{name}\b", public)),
                    ("docs", re.search(rf"`{name}[`(]", docs)),
                    ("server strings", re.search(rf"[\"']{name}[\"']", python)),
                    ("SDK strings", re.search(rf"[\"']{name}[\"']", sources)),
                    ("SDK computed keys", re.search(rf"[\w$]\[\s*{name}\s*\]", sources)),
                ]
                if found
            ]
        )
    }
    assert crossing == {}
