"""The audit log: one row for every admin write (who, what, which target, when, before and
after), secrets stripped. Failed logins are recorded too, without a workspace, and feed the
login throttle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import JSONColumn, UTCDateTime, utcnow

REDACTED = "[redacted]"
SECRET_WORDS = ("password", "secret", "token", "digest", "hash", "salt", "csrf")
LOGIN_FAILED = "login.failed"


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(
        default=None, foreign_key="workspace.id", index=True, ondelete="CASCADE"
    )
    actor_id: int | None = Field(default=None, foreign_key="admin_user.id", ondelete="SET NULL")
    actor_email: str = Field(default="", max_length=320)
    action: str = Field(max_length=60)
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=100)
    target_label: str = Field(default="", max_length=200)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONColumn)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONColumn)
    ip: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


def strip_secrets(value: Any) -> Any:
    """A copy of `value` in which every key that names a secret has its value redacted."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if any(word in str(key).lower() for word in SECRET_WORDS)
            else strip_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [strip_secrets(item) for item in value]
    return value


def record_audit(
    *,
    session: Session,
    workspace_id: int | None,
    actor_id: int | None,
    actor_email: str,
    action: str,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        workspace_id=workspace_id,
        actor_id=actor_id,
        actor_email=actor_email,
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:100],
        target_label=target_label[:200],
        before=strip_secrets(before) if before is not None else None,
        after=strip_secrets(after) if after is not None else None,
        ip=ip[:64],
    )
    session.add(entry)
    session.flush()
    return entry


def audit_entries(
    session: Session, workspace_id: int, *, action: str = "", limit: int = 50, offset: int = 0
) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if action:
        query = query.where(col(AuditEntry.action).startswith(action))
    return session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit).offset(offset)).all()


def audit_entry(session: Session, workspace_id: int, entry_id: int) -> AuditEntry | None:
    entry = session.get(AuditEntry, entry_id)
    return entry if entry is not None and entry.workspace_id == workspace_id else None


def recent_login_failures(
    session: Session, *, window: timedelta, email: str | None = None, ip: str | None = None
) -> int:
    """Failed logins for this email (or from this address) within the window."""
    since: datetime = utcnow() - window
    who = col(AuditEntry.actor_email) == email if email is not None else col(AuditEntry.ip) == ip
    count = session.exec(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == LOGIN_FAILED, col(AuditEntry.created_at) >= since, who)
    ).one()
    return int(count)
