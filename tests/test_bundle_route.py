"""`GET /sdk/v1/signpost.js`: the built SDK with a content-hash ETag, or 503 when not built."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server import sdk_api
from server.app import create_app
from server.sdk_chunks import build_version
from server.settings import Settings

BUNDLE = b"/* signpost */(function(){window.Signpost=window.Signpost||{};})();\n" * 40


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def serve(monkeypatch: pytest.MonkeyPatch, settings: Settings, path: Path) -> TestClient:
    monkeypatch.setattr(sdk_api, "BUNDLE_PATH", path)
    return TestClient(create_app(settings))


@pytest.fixture
def bundled(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
) -> Iterator[TestClient]:
    path = tmp_path / "signpost.js"
    path.write_bytes(BUNDLE)
    with serve(monkeypatch, settings, path) as client:
        yield client


class TestBundle:
    def test_the_bundle_is_served_as_javascript_with_cache_headers(
        self, bundled: TestClient
    ) -> None:
        response = bundled.get("/sdk/v1/signpost.js")

        assert response.status_code == 200
        assert response.content == BUNDLE
        assert response.headers["content-type"] == "application/javascript; charset=utf-8"
        assert response.headers["etag"] == etag_of(BUNDLE)
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["access-control-allow-origin"] == "*"

    def test_a_browser_with_the_current_copy_gets_not_modified(self, bundled: TestClient) -> None:
        response = bundled.get("/sdk/v1/signpost.js", headers={"If-None-Match": etag_of(BUNDLE)})

        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag_of(BUNDLE)
        assert response.headers["cache-control"] == "public, max-age=300"

    def test_a_browser_with_an_old_copy_gets_the_new_one(self, bundled: TestClient) -> None:
        response = bundled.get("/sdk/v1/signpost.js", headers={"If-None-Match": etag_of(b"old")})

        assert response.status_code == 200
        assert response.content == BUNDLE

    def test_the_bundle_is_compressed_for_browsers_that_accept_gzip(
        self, bundled: TestClient
    ) -> None:
        response = bundled.get("/sdk/v1/signpost.js", headers={"Accept-Encoding": "gzip"})

        assert response.headers["content-encoding"] == "gzip"
        assert response.content == BUNDLE

    def test_head_answers_without_a_body(self, bundled: TestClient) -> None:
        response = bundled.head("/sdk/v1/signpost.js")

        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["etag"] == etag_of(BUNDLE)

    def test_a_new_build_gets_a_new_etag_on_restart(
        self, monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
    ) -> None:
        path = tmp_path / "signpost.js"
        path.write_bytes(b"one();")
        with serve(monkeypatch, settings, path) as client:
            first = client.get("/sdk/v1/signpost.js").headers["etag"]
        path.write_bytes(b"two();")
        with serve(monkeypatch, settings, path) as client:
            second = client.get("/sdk/v1/signpost.js")

        assert (first, second.headers["etag"], second.content) == (
            etag_of(b"one();"),
            etag_of(b"two();"),
            b"two();",
        )

    def test_a_missing_bundle_answers_503_bundle_missing(
        self, monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
    ) -> None:
        with serve(monkeypatch, settings, tmp_path / "not-built.js") as client:
            response = client.get("/sdk/v1/signpost.js")

        assert response.status_code == 503
        assert response.json() == {
            "error": "the SDK bundle is not built",
            "code": "bundle_missing",
            "status": 503,
        }
        assert response.headers["retry-after"] == "60"

    def test_post_is_not_allowed(self, bundled: TestClient) -> None:
        response = bundled.post("/sdk/v1/signpost.js")

        assert response.status_code == 405
        assert response.json() == {
            "error": "Method Not Allowed",
            "code": "method_not_allowed",
            "status": 405,
        }


class TestChunks:
    @pytest.fixture
    def built(
        self, monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path
    ) -> Iterator[TestClient]:
        (tmp_path / "signpost.js").write_bytes(BUNDLE)
        (tmp_path / "survey.js").write_bytes(b"survey();")
        with serve(monkeypatch, settings, tmp_path / "signpost.js") as client:
            yield client

    def test_a_chunk_is_served_beside_the_core_with_its_own_etag(self, built: TestClient) -> None:
        response = built.get("/sdk/v1/survey.js?v=abc")

        assert response.status_code == 200
        assert response.content == b"survey();"
        assert response.headers["content-type"] == "application/javascript; charset=utf-8"
        assert response.headers["etag"] == etag_of(b"survey();")
        assert response.headers["access-control-allow-origin"] == "*"

    def test_a_browser_with_the_current_chunk_gets_not_modified(self, built: TestClient) -> None:
        response = built.get("/sdk/v1/survey.js", headers={"If-None-Match": etag_of(b"survey();")})

        assert response.status_code == 304

    @pytest.mark.parametrize("name", ["nothing", "%2E%2E", "signpost.js%00"])
    def test_an_unknown_chunk_answers_404(self, built: TestClient, name: str) -> None:
        response = built.get(f"/sdk/v1/{name}.js")

        assert response.status_code == 404
        assert response.json() == {
            "error": "no such SDK file",
            "code": "sdk_file_not_found",
            "status": 404,
        }

    def test_a_path_outside_the_build_folder_is_not_found(self, built: TestClient) -> None:
        response = built.get("/sdk/v1/..%2F..%2Fpyproject.js")

        assert response.status_code == 404
        assert response.json() == {"error": "Not Found", "code": "not_found", "status": 404}

    def test_a_chunk_of_this_build_is_cached_for_good_any_other_revalidated(
        self, built: TestClient
    ) -> None:
        version = build_version({"survey": b"survey();"})

        pinned = built.get(f"/sdk/v1/survey.js?v={version}")
        other = built.get("/sdk/v1/survey.js?v=0123456789ab")

        assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert other.headers["cache-control"] == "public, max-age=300"
