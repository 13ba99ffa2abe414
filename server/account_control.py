"""What owners and users do to accounts after they exist: a one-time password reset link an
owner makes (no email needed: the owner hands it over), a user changing their own password,
and an owner disabling or enabling a user. Disabling ends the user's sessions at once
(reliability C7); a reset ends every session too, since the old password may have leaked.

An account can belong to several workspaces, and these actions reach the whole account, so an
owner may act only on users whose every workspace they own: no owner of one workspace can lock
someone out of another.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import UTCDateTime, utcnow
from guides.errors import Forbidden, InvalidPayload, NotFound
from server.accounts import (
    AdminUser,
    Role,
    check_password,
    hash_password,
    membership_of,
    token_digest,
    verify_password,
    workspaces_of_user,
)
from server.sessions import AdminSession, end_sessions_of_user

RESET_HOURS = 24


class PasswordReset(SQLModel, table=True):
    """A one-time link to choose a new password; only the token's digest is stored."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="admin_user.id", index=True, ondelete="CASCADE")
    token_digest: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(
        default=None, foreign_key="admin_user.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def managed_user(session: Session, *, actor_id: int, workspace_id: int, user_id: int) -> AdminUser:
    """The member `user_id` of this workspace, if the actor owns every workspace they are in."""
    user = session.get(AdminUser, user_id)
    if user is None or membership_of(session, workspace_id, user_id) is None:
        raise NotFound(f"user {user_id} is not a member of this workspace")
    if user_id == actor_id:
        raise Forbidden("you cannot do this to your own account; ask another owner")
    for workspace, _ in workspaces_of_user(session, user_id):
        assert workspace.id is not None
        mine = membership_of(session, workspace.id, actor_id)
        if mine is None or Role(mine.role) != Role.owner:
            raise Forbidden(
                f"{user.email} is also a member of {workspace.name}, which you do not own; "
                "ask an owner of every workspace they are in"
            )
    return user


def make_reset_link(
    session: Session, *, actor_id: int, workspace_id: int, user_id: int
) -> tuple[PasswordReset, str]:
    """A new reset token for the user (earlier unused ones stop working). The token is
    returned once; only its digest is kept."""
    user = managed_user(session, actor_id=actor_id, workspace_id=workspace_id, user_id=user_id)
    session.exec(
        delete(PasswordReset).where(
            col(PasswordReset.user_id) == user_id, col(PasswordReset.used_at).is_(None)
        )
    )
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id or 0,
        token_digest=token_digest(token),
        created_by_id=actor_id,
        expires_at=utcnow() + timedelta(hours=RESET_HOURS),
    )
    session.add(reset)
    session.flush()
    return reset, token


def open_reset(session: Session, token: str) -> tuple[PasswordReset, AdminUser]:
    """The unused, unexpired reset of an active user for this token."""
    reset = (
        session.exec(
            select(PasswordReset).where(PasswordReset.token_digest == token_digest(token))
        ).first()
        if token and len(token) < 200
        else None
    )
    user = session.get(AdminUser, reset.user_id) if reset else None
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow() or user is None:
        raise NotFound("this password reset link is not valid any more; ask an owner for a new one")
    if not user.is_active:
        raise Forbidden("this account is disabled; ask an owner to enable it first")
    return reset, user


def use_reset(session: Session, *, token: str, password: str) -> AdminUser:
    """Set the new password, spend the link and end every session of the user."""
    reset, user = open_reset(session, token)
    check_password(password)
    user.password_hash = hash_password(password)
    reset.used_at = utcnow()
    session.add_all([user, reset])
    assert user.id is not None
    end_sessions_of_user(session=session, user_id=user.id)
    session.flush()
    return user


def change_own_password(
    session: Session, *, user_id: int, current: str, new: str, keep_session: str
) -> AdminUser:
    """The signed-in user's new password; their other sessions end, this one stays."""
    user = session.get(AdminUser, user_id)
    if user is None:
        raise NotFound("no such user")
    if not verify_password(user, current):
        raise InvalidPayload(
            "that is not your current password",
            fields=[{"field": "current_password", "message": "that is not your current password"}],
        )
    if new == current:
        raise InvalidPayload(
            "choose a password different from the current one",
            fields=[{"field": "new_password", "message": "the same as the current one"}],
        )
    try:
        check_password(new)
    except InvalidPayload as error:
        raise InvalidPayload(
            error.message, fields=[{"field": "new_password", "message": error.message}]
        ) from None
    user.password_hash = hash_password(new)
    session.add(user)
    session.exec(
        delete(AdminSession).where(
            col(AdminSession.user_id) == user_id, col(AdminSession.id) != keep_session
        )
    )
    session.flush()
    return user


def set_active(
    session: Session, *, actor_id: int, workspace_id: int, user_id: int, active: bool
) -> tuple[AdminUser, bool]:
    """Disable or enable an account; returns it and whether it was active before. Disabling
    ends all its sessions in the same transaction."""
    user = managed_user(session, actor_id=actor_id, workspace_id=workspace_id, user_id=user_id)
    before = user.is_active
    user.is_active = active
    session.add(user)
    if not active:
        end_sessions_of_user(session=session, user_id=user_id)
    session.flush()
    return user, before
