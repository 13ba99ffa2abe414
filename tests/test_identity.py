"""Identity verification (reliability.md C3): only a token signed by the customer's server
makes the SDK's user id believed; every bad token is refused in enforce mode and counted in
monitor mode."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from guides import App, EndUser
from guides.apps import identity_secrets, new_identity_secret
from guides.identity import (
    MAX_TOKEN_BYTES,
    InvalidToken,
    TokenProblem,
    set_identity_mode,
    sign_token,
    verify_token,
)
from server.db import Database
from tests.conftest import TEST_SECRET
from tests.factories import event, event_batch, make_app, session_body
from tests.test_session_api import post

SECRET = "sk_current"
OLD = "sk_previous"
NOW = 1_800_000_000.0


def b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).decode().rstrip("=")


def token(claims: dict[str, Any] | None = None, secret: str = SECRET, **header: Any) -> str:
    if not header:
        return sign_token(secret, {"sub": "u-1", "exp": NOW + 60} if claims is None else claims)
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims or {"sub": "u-1", "exp": NOW + 60}).encode())
    import hashlib
    import hmac

    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def tampered() -> str:
    head, _, mac = token().split(".")
    forged = b64(json.dumps({"sub": "admin", "exp": NOW + 60}).encode())
    return f"{head}.{forged}.{mac}"


def alg_none() -> str:
    head = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = b64(json.dumps({"sub": "u-1", "exp": NOW + 60}).encode())
    return f"{head}.{body}."


BAD_TOKENS = {
    "missing": (None, TokenProblem.missing),
    "empty": ("", TokenProblem.missing),
    "oversize": ("a" * (MAX_TOKEN_BYTES + 1), TokenProblem.too_large),
    "not three parts": ("abc.def", TokenProblem.malformed),
    "not base64": ("@@@.###.$$$", TokenProblem.malformed),
    "header not json": (f"{b64(b'nope')}.{b64(b'{}')}.{b64(b'x')}", TokenProblem.malformed),
    "alg none": (alg_none(), TokenProblem.bad_algorithm),
    "alg HS512": (token(alg="HS512", typ="JWT"), TokenProblem.bad_algorithm),
    "alg RS256": (token(alg="RS256"), TokenProblem.bad_algorithm),
    "critical header": (token(alg="HS256", crit=["exp"]), TokenProblem.bad_algorithm),
    "tampered claims": (tampered(), TokenProblem.bad_signature),
    "foreign key": (token(secret="sk_someone_else"), TokenProblem.bad_signature),
    "signature of another token": (
        token().rsplit(".", 1)[0] + "." + token({"sub": "u-2", "exp": NOW + 60}).split(".")[2],
        TokenProblem.bad_signature,
    ),
    "expired beyond leeway": (token({"sub": "u-1", "exp": NOW - 31}), TokenProblem.expired),
    "no expiry": (token({"sub": "u-1"}), TokenProblem.no_expiry),
    "expiry not a number": (token({"sub": "u-1", "exp": "tomorrow"}), TokenProblem.malformed),
    "not yet valid": (
        token({"sub": "u-1", "exp": NOW + 600, "nbf": NOW + 60}),
        TokenProblem.not_yet_valid,
    ),
    "wrong subject": (token({"sub": "u-2", "exp": NOW + 60}), TokenProblem.wrong_subject),
    "numeric subject": (token({"sub": 1, "exp": NOW + 60}), TokenProblem.wrong_subject),
    "no subject": (token({"exp": NOW + 60}), TokenProblem.wrong_subject),
    "claims not an object": (
        token(claims=["sub"], alg="HS256"),  # type: ignore[arg-type]
        TokenProblem.malformed,
    ),
}


class TestVerifyToken:
    @pytest.mark.parametrize("case", BAD_TOKENS)
    def test_a_bad_token_is_refused_with_its_reason(self, case: str) -> None:
        bad, problem = BAD_TOKENS[case]
        with pytest.raises(InvalidToken) as refused:
            verify_token(bad, secrets=[SECRET, OLD], user_id="u-1", now=NOW)
        assert refused.value.problem is problem

    def test_a_token_of_either_active_secret_is_accepted(self) -> None:
        for secret in (SECRET, OLD):
            claims = verify_token(
                token(secret=secret), secrets=[SECRET, OLD], user_id="u-1", now=NOW
            )
            assert claims == {"sub": "u-1", "exp": NOW + 60}

    def test_expiry_has_thirty_seconds_of_leeway(self) -> None:
        fresh = token({"sub": "u-1", "exp": NOW - 30})
        assert verify_token(fresh, secrets=[SECRET], user_id="u-1", now=NOW)["sub"] == "u-1"

    def test_events_may_carry_a_token_expired_within_the_grace(self) -> None:
        old = token({"sub": "u-1", "exp": NOW - 3600})
        assert verify_token(old, secrets=[SECRET], user_id="u-1", now=NOW, grace_seconds=7200)

    def test_an_app_without_a_secret_accepts_no_token(self) -> None:
        with pytest.raises(InvalidToken) as refused:
            verify_token(token(), secrets=[], user_id="u-1", now=NOW)
        assert refused.value.problem is TokenProblem.no_secret

    def test_a_token_just_under_the_cap_is_decoded(self) -> None:
        padded = token({"sub": "u-1", "exp": NOW + 60, "pad": "x" * 2900})
        assert len(padded) <= MAX_TOKEN_BYTES
        assert verify_token(padded, secrets=[SECRET], user_id="u-1", now=NOW)


def identified_app(db: Database, mode: str) -> tuple[App, str]:
    with db.write() as session:
        app = make_app(session)
        assert app.id is not None
        _, secret = new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
        set_identity_mode(session=session, app=app, mode=mode)
        session.expunge(app)
    return app, secret


def user_token(secret: str, user_id: str = "u-1", expires_in: float = 600) -> str:
    return sign_token(secret, {"sub": user_id, "exp": time.time() + expires_in})


def failures(db: Database, app: App) -> int:
    with db.read() as session:
        return session.exec(select(App.identity_failures).where(App.id == app.id)).one()


def stored_traits(db: Database, external_id: str) -> dict[str, Any] | None:
    with db.read() as session:
        user = session.exec(select(EndUser).where(EndUser.external_id == external_id)).first()
        return None if user is None else user.traits


class TestEnforceMode:
    def test_a_signed_user_gets_a_session_and_their_traits_stored(
        self, client: TestClient, db: Database
    ) -> None:
        app, secret = identified_app(db, "enforce")
        body = session_body(
            app, user_id="u-1", traits={"plan": "pro"}, user_token=user_token(secret)
        )
        response = post(client, body)
        assert response.status_code == 200, response.text
        assert response.json()["user"] == {"id": "u-1", "anonymous": False}
        assert stored_traits(db, "u-1") == {"plan": "pro"}
        assert failures(db, app) == 0

    @pytest.mark.parametrize(
        ("case", "reason"),
        [("missing", "missing"), ("other user", "wrong_subject"), ("expired", "expired")],
    )
    def test_traits_cannot_be_spoofed_for_another_user(
        self, client: TestClient, db: Database, case: str, reason: str
    ) -> None:
        app, secret = identified_app(db, "enforce")
        post(client, session_body(app, user_id="victim", user_token=user_token(secret, "victim")))
        forged = {
            "missing": None,
            "other user": user_token(secret, "attacker"),
            "expired": user_token(secret, "victim", expires_in=-120),
        }[case]
        body = session_body(app, user_id="victim", traits={"role": "admin"}, user_token=forged)
        response = post(client, body)
        assert response.status_code == 401
        assert response.json() == {
            "error": "this app requires a signed identity token for user_id "
            f"(problem: {reason}); see docs/security.md",
            "code": "identity_rejected",
            "status": 401,
            "fields": [{"field": "user_token", "message": reason}],
        }
        assert stored_traits(db, "victim") == {}
        assert failures(db, app) == 1

    def test_anonymous_visitors_need_no_token(self, client: TestClient, db: Database) -> None:
        app, _ = identified_app(db, "enforce")
        assert post(client, session_body(app)).status_code == 200

    def test_a_rotated_secret_keeps_working_until_the_next_rotation(
        self, client: TestClient, db: Database
    ) -> None:
        app, first = identified_app(db, "enforce")
        assert app.id is not None
        with db.write() as session:
            _, second = new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
        for secret in (first, second):
            body = session_body(app, user_id="u-1", user_token=user_token(secret))
            assert post(client, body).status_code == 200
        with db.write() as session:
            new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
            assert (
                len(identity_secrets(session=session, app_id=app.id, server_key=TEST_SECRET)) == 2
            )
        body = session_body(app, user_id="u-1", user_token=user_token(first))
        assert post(client, body).json()["fields"][0]["message"] == "bad_signature"

    def test_events_of_an_unsigned_user_are_refused(self, client: TestClient, db: Database) -> None:
        app, _ = identified_app(db, "enforce")
        batch = event_batch(app, [event("track", properties={"name": "x"})], user_id="u-1")
        response = post(client, batch, path="/sdk/v1/events")
        assert response.status_code == 401
        assert response.json()["code"] == "identity_rejected"
        assert failures(db, app) == 1

    def test_events_queued_before_their_token_expired_are_still_accepted(
        self, client: TestClient, db: Database
    ) -> None:
        app, secret = identified_app(db, "enforce")
        batch = event_batch(
            app,
            [event("track", properties={"name": "x"})],
            user_id="u-1",
            anonymous_id=None,
            user_token=user_token(secret, expires_in=-3600),
        )
        response = post(client, batch, path="/sdk/v1/events")
        assert response.status_code == 200, response.text
        assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}


class TestMonitorMode:
    def test_failures_are_counted_and_nothing_is_refused(
        self, client: TestClient, db: Database
    ) -> None:
        app, secret = identified_app(db, "monitor")
        assert post(client, session_body(app, user_id="u-1")).status_code == 200
        # a known user with unchanged traits takes the read-only path: still counted
        assert post(client, session_body(app, user_id="u-1")).status_code == 200
        good = session_body(app, user_id="u-1", user_token=user_token(secret))
        assert post(client, good).status_code == 200
        batch = event_batch(app, [event("track", properties={"name": "x"})], user_id="u-1")
        assert post(client, batch, path="/sdk/v1/events").status_code == 200
        assert failures(db, app) == 3


class TestOffMode:
    def test_tokens_are_neither_needed_nor_checked(self, client: TestClient, db: Database) -> None:
        app, _ = identified_app(db, "off")
        body = session_body(app, user_id="u-1", user_token="garbage")
        assert post(client, body).status_code == 200
        assert failures(db, app) == 0


class TestDocsSnippets:
    """The server-side snippets of docs/security.md make tokens the server accepts."""

    def snippet(self, language: str) -> str:
        text = (Path(__file__).parent.parent / "docs" / "security.md").read_text()
        match = re.search(rf"```{language}\n(.*?)```", text, re.DOTALL)
        assert match is not None
        return match.group(1)

    def test_the_python_snippet(self) -> None:
        scope: dict[str, Any] = {}
        exec(self.snippet("python"), scope)  # our own documentation
        made = scope["signpost_token"]("user-42", SECRET)
        assert verify_token(made, secrets=[SECRET], user_id="user-42")["sub"] == "user-42"

    def test_the_node_snippet(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.skip("node is not installed")
        script = self.snippet("js") + f"\nprocess.stdout.write(signpostToken(42, {SECRET!r}));"
        made = subprocess.run(
            [node, "-e", script], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        assert verify_token(made, secrets=[SECRET], user_id="42")["sub"] == "42"
