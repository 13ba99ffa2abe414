"""API tokens for `/api/v1`: made in the admin by an owner, shown once, stored as a SHA-256
digest, scoped `read` or `write`, limited to chosen apps of one workspace, revocable.

A token is `spt_` followed by 32 random bytes (URL-safe base64): too much entropy to guess, so
a plain SHA-256 digest (no salt, no slow hash) is enough and keeps each request's lookup to
one indexed read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import JSONColumn, UTCDateTime, utcnow
from guides.errors import InsufficientScope, InvalidPayload, NotFound, Unauthorized
from server.accounts import app_ids_of_workspace, workspace_of_app

TOKEN_PREFIX = "spt_"  # noqa: S105 (a prefix, not a secret)
MAX_NAME = 100


class Scope(StrEnum):
    read = "read"
    write = "write"


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=MAX_NAME)
    digest: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=12, description="The token's last characters, to recognize it.")
    scope: str = Field(max_length=10)
    app_ids: list[int] = Field(default_factory=list, sa_type=JSONColumn)
    created_by: str = Field(default="", max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass(frozen=True)
class TokenGrant:
    """What a request's token allows: which workspace, which apps, read or write."""

    token_id: int
    name: str
    workspace_id: int
    scope: Scope
    app_ids: frozenset[int]

    @property
    def actor(self) -> str:
        """How the token appears as an author and in the audit log."""
        return f"api token: {self.name}"

    def can_write(self) -> bool:
        return self.scope == Scope.write

    def require_write(self) -> None:
        if not self.can_write():
            raise InsufficientScope("this token is read-only; make a write token for changes")


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    scope: str,
    app_ids: list[int],
    created_by: str,
) -> tuple[ApiToken, str]:
    """A new token and its plain text, which is returned here and never again."""
    fields = []
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        fields.append({"field": "name", "message": f"give it a name of 1 to {MAX_NAME} characters"})
    if scope not in set(Scope):
        fields.append({"field": "scope", "message": "choose read or write"})
    owned = set(app_ids_of_workspace(session, workspace_id))
    chosen = sorted(set(app_ids))
    if not chosen:
        fields.append({"field": "app_ids", "message": "choose at least one app"})
    elif not set(chosen) <= owned:
        fields.append({"field": "app_ids", "message": "choose apps of this workspace"})
    if fields:
        raise InvalidPayload("the token cannot be made: " + fields[0]["message"], fields=fields)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        workspace_id=workspace_id,
        name=name,
        digest=digest_of(plain),
        hint=plain[-4:],
        scope=scope,
        app_ids=chosen,
        created_by=created_by,
    )
    session.add(token)
    session.flush()
    return token, plain


def api_tokens(session: Session, workspace_id: int) -> Sequence[ApiToken]:
    query = select(ApiToken).where(ApiToken.workspace_id == workspace_id)
    return session.exec(query.order_by(col(ApiToken.id).desc())).all()


def revoke_api_token(*, session: Session, workspace_id: int, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.workspace_id != workspace_id:
        raise NotFound(f"no API token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return token


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer …` header (401 when there is none)."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("send an API token as `Authorization: Bearer spt_…`")
    return value.strip()


def authenticate_token(session: Session, plain: str) -> TokenGrant:
    """The grant of a live token. A public SDK key, a revoked or an unknown token: 401."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        raise Unauthorized("this is not an API token; make one under API tokens in the admin")
    digest = digest_of(plain)
    token = session.exec(select(ApiToken).where(ApiToken.digest == digest)).first()
    # The lookup is by digest, so timing says nothing about the token; compare anyway.
    if token is None or not hmac.compare_digest(token.digest, digest):
        raise Unauthorized("unknown API token")
    if token.revoked_at is not None:
        raise Unauthorized("this API token was revoked")
    assert token.id is not None
    return TokenGrant(
        token_id=token.id,
        name=token.name,
        workspace_id=token.workspace_id,
        scope=Scope(token.scope),
        app_ids=frozenset(token.app_ids),
    )


def can_reach_app(session: Session, grant: TokenGrant, app_id: int) -> bool:
    """Chosen for the token, and still owned by the token's workspace."""
    return app_id in grant.app_ids and workspace_of_app(session, app_id) == grant.workspace_id


def mark_used(session: Session, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
        session.add(token)
