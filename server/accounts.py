"""Admin accounts: the people who author guides. Passwords are argon2id hashes."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Field, Session, SQLModel, select

from guides.columns import UTCDateTime, utcnow
from guides.errors import Conflict, InvalidPayload

MIN_PASSWORD_LENGTH = 10

# OWASP's minimum argon2id parameters (m=19 MiB, t=2, p=1): about 17 ms a verify here.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class AdminUser(SQLModel, table=True):
    __tablename__ = "admin_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise InvalidPayload(
            "not a valid email address", fields=[{"field": "email", "message": "invalid"}]
        )
    return email


def create_admin_user(*, session: Session, email: str, password: str) -> AdminUser:
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidPayload(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
            fields=[{"field": "password", "message": "too short"}],
        )
    if session.exec(select(AdminUser).where(AdminUser.email == email)).first():
        raise Conflict(f"an admin with the email {email} already exists")
    user = AdminUser(email=email, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def verify_password(user: AdminUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
