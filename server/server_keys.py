"""Secret server keys of an app, for its back end to call `/api/v1/identify` and
`/api/v1/track`. Made by an owner in the admin, shown once, stored as a SHA-256 digest,
rotatable: a new key leaves the previous one working (so servers can switch over) and
revokes any older one. Unlike the public SDK key, a server key never appears in a page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import UTCDateTime, utcnow
from guides.errors import Unauthorized

KEY_PREFIX = "sk_srv_"


class AppServerKey(SQLModel, table=True):
    __tablename__ = "app_server_key"

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    digest: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=12, description="The key's last characters.")
    created_by: str = Field(default="", max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def active_server_keys(session: Session, app_id: int) -> Sequence[AppServerKey]:
    """Newest first; at most two."""
    query = select(AppServerKey).where(
        AppServerKey.app_id == app_id, col(AppServerKey.revoked_at).is_(None)
    )
    return session.exec(query.order_by(col(AppServerKey.id).desc())).all()


def new_server_key(*, session: Session, app_id: int, created_by: str) -> tuple[AppServerKey, str]:
    """A new key (returned once); the previous one stays valid, older ones are revoked."""
    for older in active_server_keys(session, app_id)[1:]:
        older.revoked_at = utcnow()
        session.add(older)
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = AppServerKey(app_id=app_id, digest=_digest(plain), hint=plain[-4:], created_by=created_by)
    session.add(key)
    session.flush()
    return key, plain


def app_of_server_key(session: Session, plain: str) -> int:
    """The app a live server key belongs to (401 otherwise)."""
    if not plain.startswith(KEY_PREFIX) or len(plain) > 200:
        raise Unauthorized("send the app's secret server key as `Authorization: Bearer sk_srv_…`")
    digest = _digest(plain)
    key = session.exec(select(AppServerKey).where(AppServerKey.digest == digest)).first()
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.digest, digest):
        raise Unauthorized("unknown or replaced server key")
    return key.app_id
