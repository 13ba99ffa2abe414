"""Identity verification: a user id is believed only with a token signed by the customer's
server (docs/security.md, reliability.md C3).

The token is a compact JWT signed with HS256 by one of the app's identity secrets
(`guides.apps.identity_secrets`: at most two active, so a rotation never locks users out).
Its `sub` is the user id the SDK claims and `exp` its expiry (30 s leeway for clock drift).
Anything larger than 4 KB is refused before a byte of it is decoded, the signature is
compared in constant time, and only `HS256` is accepted (never `none`, never another
algorithm the header names).

Each app chooses a mode: `off` (the default; tokens ignored), `monitor` (every failure is
counted and shown in the admin, nothing is refused: switch it on first and watch the
counter stay at zero) or `enforce` (a user id without a valid token is refused with 401).
Anonymous visitors need no token: they can only ever be themselves.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from guides.apps import identity_secrets
from guides.columns import utcnow
from guides.errors import IdentityRejected, InvalidPayload
from guides.models import App

MAX_TOKEN_BYTES = 4096
LEEWAY_SECONDS = 30
# Events queued while the browser was offline may arrive after their token expired; they are
# still the signed user's own, so for events an expired token is honoured this much longer.
# Sessions (which deliver guides and store traits) always need a current token.
EVENT_GRACE_SECONDS = 7 * 24 * 3600


class IdentityMode(StrEnum):
    off = "off"
    monitor = "monitor"
    enforce = "enforce"


class TokenProblem(StrEnum):
    """Why a token was refused: the `reason` of the 401 body and of the admin's counter."""

    missing = "missing"
    too_large = "too_large"
    malformed = "malformed"
    bad_algorithm = "bad_algorithm"
    bad_signature = "bad_signature"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    no_expiry = "no_expiry"
    wrong_subject = "wrong_subject"
    no_secret = "no_secret"  # noqa: S105 (a reason, not a secret)


class InvalidToken(Exception):
    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def _b64decode(part: str) -> bytes:
    if not part or any(c not in _B64URL for c in part):
        raise InvalidToken(TokenProblem.malformed)
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken(TokenProblem.malformed) from None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidToken(TokenProblem.malformed) from None
    if not isinstance(value, dict):
        raise InvalidToken(TokenProblem.malformed)
    return value


def _number(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(TokenProblem.malformed)
    return float(value)


def verify_token(
    token: str | None,
    *,
    secrets: list[str],
    user_id: str,
    now: float | None = None,
    grace_seconds: int = 0,
) -> dict[str, Any]:
    """The token's claims when it is a valid HS256 token for `user_id` signed by one of
    `secrets`; raises `InvalidToken` naming the first problem found otherwise."""
    if not token:
        raise InvalidToken(TokenProblem.missing)
    if len(token) > MAX_TOKEN_BYTES:  # before decoding anything
        raise InvalidToken(TokenProblem.too_large)
    if not secrets:
        raise InvalidToken(TokenProblem.no_secret)
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken(TokenProblem.malformed)
    header = _json_object(_b64decode(parts[0]))
    if header.get("alg") != "HS256" or header.get("typ", "JWT") != "JWT" or "crit" in header:
        raise InvalidToken(TokenProblem.bad_algorithm)
    signature = _b64decode(parts[2])
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    matches = False
    for secret in secrets:  # every secret is tried, so timing says nothing about which one
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
        matches |= hmac.compare_digest(expected, signature)
    if not matches:
        raise InvalidToken(TokenProblem.bad_signature)
    claims = _json_object(_b64decode(parts[1]))
    now = time.time() if now is None else now
    expires = _number(claims, "exp")
    if expires is None:
        raise InvalidToken(TokenProblem.no_expiry)
    if now > expires + LEEWAY_SECONDS + grace_seconds:
        raise InvalidToken(TokenProblem.expired)
    not_before = _number(claims, "nbf")
    if not_before is not None and now < not_before - LEEWAY_SECONDS:
        raise InvalidToken(TokenProblem.not_yet_valid)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not hmac.compare_digest(subject.encode(), user_id.encode()):
        raise InvalidToken(TokenProblem.wrong_subject)
    return claims


def refuse_if_enforced(mode: str, problem: TokenProblem | None) -> None:
    """Raise `IdentityRejected` (401) when the app enforces verification and it failed."""
    if problem is not None and mode == IdentityMode.enforce:
        raise IdentityRejected(
            "this app requires a signed identity token for user_id "
            f"(problem: {problem.value}); see docs/security.md",
            fields=[{"field": "user_token", "message": problem.value}],
        )


def record_identity_failure(*, session: Session, app_id: int) -> None:
    """Count one failed verification for the admin's app page (one atomic UPDATE)."""
    session.exec(
        update(App)
        .where(col(App.id) == app_id)
        .values(identity_failures=col(App.identity_failures) + 1, identity_failed_at=utcnow())
    )


def sign_token(secret: str, claims: dict[str, Any]) -> str:
    """An HS256 token, as a customer's server makes one (used by tests, the CLI and docs)."""

    def encode(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).decode().rstrip("=")

    header = encode(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = encode(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{encode(mac)}"


def identity_problem(
    session: Session,
    *,
    app_id: int,
    mode: str,
    server_key: str,
    user_id: str | None,
    token: str | None,
    grace_seconds: int = 0,
) -> TokenProblem | None:
    """What is wrong with the identity a caller claims, or None when nothing is (or the app
    does not verify identities, or the caller is anonymous). Reads the app's active secrets
    only when it has to; refusing is `refuse_if_enforced`'s decision."""
    if mode == IdentityMode.off or user_id is None:
        return None
    secrets = identity_secrets(session=session, app_id=app_id, server_key=server_key)
    try:
        verify_token(token, secrets=secrets, user_id=user_id, grace_seconds=grace_seconds)
    except InvalidToken as failure:
        return failure.problem
    return None


def set_identity_mode(*, session: Session, app: App, mode: str) -> App:
    """Switch the app's verification mode; the failure counter starts again from zero, so
    "monitor" shows what enforcing would refuse from now on."""
    try:
        chosen = IdentityMode(mode)
    except ValueError:
        raise InvalidPayload(
            "the identity mode is off, monitor or enforce",
            fields=[{"field": "identity_mode", "message": "not off, monitor or enforce"}],
        ) from None
    if chosen != app.identity_mode:
        app.identity_mode = chosen.value
        app.identity_failures = 0
        app.identity_failed_at = None
        session.add(app)
        session.flush()
    return app
