"""Server-side admin sessions. The browser's cookie holds only a random token; the database
holds its SHA-256 digest, the user, the current workspace and the CSRF token. A new token is
made at every login, the row is deleted at logout, and disabling a user ends their sessions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import UTCDateTime, utcnow
from server.accounts import (
    AdminUser,
    Role,
    Workspace,
    membership_of,
    token_digest,
    workspaces_of_user,
)


class AdminSession(SQLModel, table=True):
    __tablename__ = "admin_session"

    id: str = Field(primary_key=True, max_length=64, description="SHA-256 of the cookie token.")
    user_id: int = Field(foreign_key="admin_user.id", index=True, ondelete="CASCADE")
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", ondelete="SET NULL")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, where, and as what: what every admin handler reads."""

    session_id: str
    user_id: int
    email: str
    workspace_id: int
    workspace_name: str
    role: Role
    csrf_token: str
    # Every workspace the user belongs to, as (id, name), for the switcher.
    workspaces: tuple[tuple[int, str], ...] = ()

    def can(self, role: Role | str) -> bool:
        return self.role.allows(Role(role))


def start_session(
    *, session: Session, user_id: int, workspace_id: int | None, lifetime: timedelta
) -> str:
    """A new session; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.exec(delete(AdminSession).where(col(AdminSession.expires_at) < now))
    session.add(
        AdminSession(
            id=token_digest(token),
            user_id=user_id,
            workspace_id=workspace_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def signed_in(session: Session, token: str | None) -> SignedIn | None:
    """The live session for this cookie token, or None (unknown, expired, user disabled or no
    longer a member of the workspace)."""
    if not token or len(token) > 200:
        return None
    row = session.get(AdminSession, token_digest(token))
    if row is None or row.expires_at < utcnow() or row.workspace_id is None:
        return None
    user = session.get(AdminUser, row.user_id)
    workspace = session.get(Workspace, row.workspace_id)
    membership = membership_of(session, row.workspace_id, row.user_id)
    if user is None or not user.is_active or workspace is None or membership is None:
        return None
    return SignedIn(
        session_id=row.id,
        user_id=row.user_id,
        email=user.email,
        workspace_id=row.workspace_id,
        workspace_name=workspace.name,
        role=Role(membership.role),
        csrf_token=row.csrf_token,
        workspaces=tuple(
            (space.id, space.name)
            for space, _ in workspaces_of_user(session, row.user_id)
            if space.id is not None
        ),
    )


def end_session(*, session: Session, token: str | None) -> None:
    if token:
        session.exec(delete(AdminSession).where(col(AdminSession.id) == token_digest(token)))


def end_sessions_of_user(*, session: Session, user_id: int) -> None:
    session.exec(delete(AdminSession).where(col(AdminSession.user_id) == user_id))


def switch_workspace(*, session: Session, session_id: str, workspace_id: int) -> None:
    row = session.get(AdminSession, session_id)
    if row is not None:
        row.workspace_id = workspace_id
        session.add(row)
        session.flush()


def sessions_of_user(session: Session, user_id: int) -> list[AdminSession]:
    return list(session.exec(select(AdminSession).where(AdminSession.user_id == user_id)).all())
