"""Admin accounts: the people who author guides, the workspaces they share and the role each
has in each workspace. Passwords are argon2id hashes.

A workspace owns apps; a member is an `owner` (everything, including members and apps), an
`editor` (author and publish guides) or a `viewer` (read only).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from guides.columns import UTCDateTime, utcnow
from guides.errors import Conflict, Forbidden, InvalidPayload, NotFound

MIN_PASSWORD_LENGTH = 10
DEFAULT_WORKSPACE = "Default"
INVITATION_DAYS = 7

# OWASP's minimum argon2id parameters (m=19 MiB, t=2, p=1): about 17 ms a verify here.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("signpost-no-such-user")


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    owner = "owner"

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


ROLE_ORDER = [Role.viewer, Role.editor, Role.owner]


class AdminUser(SQLModel, table=True):
    __tablename__ = "admin_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="admin_user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """A link an owner hands to a new member; only the token's digest is stored."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=320)
    role: str = Field(max_length=10)
    token_digest: str = Field(max_length=64, unique=True)
    invited_by_id: int | None = Field(
        default=None, foreign_key="admin_user.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WorkspaceApp(SQLModel, table=True):
    """Which workspace owns an app (an app belongs to exactly one)."""

    __tablename__ = "workspace_app"

    app_id: int = Field(foreign_key="app.id", primary_key=True, ondelete="CASCADE")
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")


@dataclass(frozen=True)
class Member:
    user_id: int
    email: str
    role: Role
    is_active: bool
    since: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise InvalidPayload(
            "not a valid email address", fields=[{"field": "email", "message": "invalid"}]
        )
    return email


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidPayload(
            f"{value!r} is not a role; choose owner, editor or viewer",
            fields=[{"field": "role", "message": "unknown role"}],
        ) from None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidPayload(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            fields=[{"field": "password", "message": "too short"}],
        )


def create_admin_user(*, session: Session, email: str, password: str) -> AdminUser:
    email = normalize_email(email)
    check_password(password)
    if user_by_email(session, email):
        raise Conflict(f"an admin with the email {email} already exists")
    user = AdminUser(email=email, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def verify_password(user: AdminUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(*, session: Session, email: str, password: str) -> AdminUser | None:
    """The active user with this email and password, or None. An unknown email costs the same
    time as a wrong password, and a hash made with older parameters is upgraded."""
    try:
        email = normalize_email(email)
    except InvalidPayload:
        email = ""
    user = user_by_email(session, email) if email else None
    if user is None:
        verify_password(AdminUser(email="", password_hash=_DUMMY_HASH), password)
        return None
    if not verify_password(user, password) or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
        session.flush()
    return user


# Workspaces and members


def ensure_workspace(*, session: Session, name: str) -> Workspace:
    """The workspace with this name, created if missing. The first workspace adopts every
    app that no workspace owns (apps made before workspaces existed, or by the CLI)."""
    name = name.strip()
    if not name:
        raise InvalidPayload(
            "a workspace needs a name", fields=[{"field": "workspace", "message": "empty"}]
        )
    workspace = session.exec(select(Workspace).where(Workspace.name == name)).first()
    if workspace is None:
        workspace = Workspace(name=name)
        session.add(workspace)
        session.flush()
        assert workspace.id is not None
        for app_id in unowned_app_ids(session):
            session.add(WorkspaceApp(app_id=app_id, workspace_id=workspace.id))
        session.flush()
    return workspace


def set_membership(*, session: Session, workspace_id: int, user_id: int, role: Role) -> Membership:
    membership = membership_of(session, workspace_id, user_id)
    if membership is None:
        membership = Membership(workspace_id=workspace_id, user_id=user_id, role=role)
    membership.role = role
    session.add(membership)
    session.flush()
    return membership


def change_role(
    *, session: Session, workspace_id: int, user_id: int, role: Role, actor_id: int
) -> Membership:
    membership = membership_of(session, workspace_id, user_id)
    if membership is None:
        raise NotFound(f"user {user_id} is not a member of this workspace")
    if role != Role.owner and membership.role == Role.owner:
        _keep_an_owner(session, workspace_id)
    membership.role = role
    session.add(membership)
    session.flush()
    return membership


def remove_member(*, session: Session, workspace_id: int, user_id: int) -> Membership:
    membership = membership_of(session, workspace_id, user_id)
    if membership is None:
        raise NotFound(f"user {user_id} is not a member of this workspace")
    if membership.role == Role.owner:
        _keep_an_owner(session, workspace_id)
    session.delete(membership)
    session.flush()
    return membership


def _keep_an_owner(session: Session, workspace_id: int) -> None:
    owners = [m for m in memberships_of_workspace(session, workspace_id) if m.role == Role.owner]
    if len(owners) <= 1:
        raise Forbidden("a workspace needs at least one owner; make someone else owner first")


def members(session: Session, workspace_id: int) -> list[Member]:
    rows = session.exec(
        select(Membership, AdminUser)
        .join(AdminUser, col(AdminUser.id) == col(Membership.user_id))
        .where(Membership.workspace_id == workspace_id)
        .order_by(col(AdminUser.email))
    ).all()
    return [
        Member(
            user_id=user.id or 0,
            email=user.email,
            role=Role(membership.role),
            is_active=user.is_active,
            since=membership.created_at,
        )
        for membership, user in rows
    ]


def invite(
    *, session: Session, workspace_id: int, email: str, role: Role, invited_by_id: int
) -> tuple[Invitation, str]:
    """A pending invitation and its one-time token (only the digest is stored)."""
    email = normalize_email(email)
    existing = user_by_email(session, email)
    if existing and existing.id and membership_of(session, workspace_id, existing.id):
        raise Conflict(
            f"{email} is already a member", fields=[{"field": "email", "message": "member"}]
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace_id=workspace_id,
        email=email,
        role=role,
        token_digest=token_digest(token),
        invited_by_id=invited_by_id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def open_invitation(session: Session, token: str) -> Invitation:
    invitation = session.exec(
        select(Invitation).where(Invitation.token_digest == token_digest(token))
    ).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        raise NotFound("this invitation link is not valid any more; ask for a new one")
    return invitation


def accept_invitation(*, session: Session, token: str, password: str) -> AdminUser:
    """Join the workspace; a new user sets their password, a known one confirms theirs."""
    invitation = open_invitation(session, token)
    user = user_by_email(session, invitation.email)
    if user is None:
        user = create_admin_user(session=session, email=invitation.email, password=password)
    elif not verify_password(user, password):
        raise InvalidPayload(
            "that is not the password of this account",
            fields=[{"field": "password", "message": "wrong password"}],
        )
    assert user.id is not None
    set_membership(
        session=session,
        workspace_id=invitation.workspace_id,
        user_id=user.id,
        role=Role(invitation.role),
    )
    invitation.accepted_at = utcnow()
    session.add(invitation)
    session.flush()
    return user


def revoke_invitation(*, session: Session, workspace_id: int, invitation_id: int) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.workspace_id != workspace_id:
        raise NotFound(f"no invitation {invitation_id}")
    session.delete(invitation)
    session.flush()
    return invitation


def ensure_owner(
    *, session: Session, email: str, password: str, workspace_name: str
) -> tuple[AdminUser, Workspace, bool]:
    """The user with this email as an owner of the workspace; created if new (then True)."""
    user = user_by_email(session, normalize_email(email))
    created = user is None
    if user is None:
        user = create_admin_user(session=session, email=email, password=password)
    workspace = ensure_workspace(session=session, name=workspace_name)
    assert user.id is not None and workspace.id is not None
    set_membership(session=session, workspace_id=workspace.id, user_id=user.id, role=Role.owner)
    return user, workspace, created


def add_app_to_workspace(*, session: Session, app_id: int, workspace_id: int) -> None:
    link = session.get(WorkspaceApp, app_id) or WorkspaceApp(app_id=app_id, workspace_id=0)
    link.workspace_id = workspace_id
    session.add(link)
    session.flush()


def workspace_for_new_app(session: Session, name: str | None) -> int | None:
    """The workspace an app made outside the admin joins: the named one, else the first."""
    if name:
        workspace = session.exec(select(Workspace).where(Workspace.name == name)).first()
        if workspace is None:
            raise NotFound(f"no workspace named {name!r}")
        return workspace.id
    return session.exec(select(Workspace.id).order_by(col(Workspace.id))).first()


# Named queries


def user_by_email(session: Session, email: str) -> AdminUser | None:
    return session.exec(select(AdminUser).where(AdminUser.email == email)).first()


def email_of(session: Session, user_id: int) -> str:
    user = session.get(AdminUser, user_id)
    return user.email if user else ""


def membership_of(session: Session, workspace_id: int, user_id: int) -> Membership | None:
    return session.exec(
        select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
    ).first()


def memberships_of_workspace(session: Session, workspace_id: int) -> Sequence[Membership]:
    return session.exec(select(Membership).where(Membership.workspace_id == workspace_id)).all()


def workspaces_of_user(session: Session, user_id: int) -> list[tuple[Workspace, Role]]:
    rows = session.exec(
        select(Workspace, Membership.role)
        .join(Membership, col(Membership.workspace_id) == col(Workspace.id))
        .where(Membership.user_id == user_id)
        .order_by(col(Workspace.id))
    ).all()
    return [(workspace, Role(role)) for workspace, role in rows]


def pending_invitations(session: Session, workspace_id: int) -> Sequence[Invitation]:
    return session.exec(
        select(Invitation)
        .where(
            Invitation.workspace_id == workspace_id,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.expires_at) > utcnow(),
        )
        .order_by(col(Invitation.id))
    ).all()


def workspace_of_app(session: Session, app_id: int) -> int | None:
    link = session.get(WorkspaceApp, app_id)
    return link.workspace_id if link else None


def app_ids_of_workspace(session: Session, workspace_id: int) -> list[int]:
    return list(
        session.exec(
            select(WorkspaceApp.app_id)
            .where(WorkspaceApp.workspace_id == workspace_id)
            .order_by(col(WorkspaceApp.app_id))
        ).all()
    )


def unowned_app_ids(session: Session) -> list[int]:
    from guides.models import App

    owned = select(WorkspaceApp.app_id)
    return [
        app_id
        for app_id in session.exec(
            select(App.id).where(col(App.id).not_in(owned)).order_by(col(App.id))
        ).all()
        if app_id is not None
    ]
