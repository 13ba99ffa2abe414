"""Storage models of the guide domain: apps, guides and their steps, published versions,
end users and each user's state in each guide."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from guides.columns import JSONColumn, UTCDateTime, utcnow


def new_public_key() -> str:
    return "pk_" + secrets.token_urlsafe(18)


class GuideKind(StrEnum):
    """Every kind has an entry in guides/kinds.py (content schema) and a renderer in the SDK."""

    tooltip = "tooltip"
    walkthrough = "walkthrough"
    modal = "modal"
    banner = "banner"
    hotspot = "hotspot"
    slideout = "slideout"
    checklist = "checklist"
    survey = "survey"
    resource_center = "resource_center"


class GuideStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


class App(SQLModel, table=True):
    """A customer's web app: the SDK identifies it by its public key."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    public_key: str = Field(default_factory=new_public_key, max_length=64, unique=True)
    allowed_origins: list[str] = Field(default_factory=list, sa_type=JSONColumn)
    theme: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    # Struggle detection in the SDK: guides/anticipation.py StruggleSettings, {} = defaults.
    struggle: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    # What the in-app resource center lists, in order (guides/resource_center.py); None
    # until an author chooses, and then the SDK lists every guide and article it may show.
    resource_center: list[dict[str, str]] | None = Field(
        default=None, sa_type=JSONColumn, nullable=True
    )
    # Bumped on every publish, unpublish or rollback: delivery caches compare it.
    publish_stamp: int = 0
    # Identity verification (guides/identity.py): off, monitor or enforce, and the failures
    # counted since the mode was last changed.
    identity_mode: str = Field(default="off", max_length=10)
    identity_failures: int = 0
    identity_failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Guide(SQLModel, table=True):
    """The editable draft of a guide; what end users see is its live `GuideVersion`."""

    __table_args__ = (UniqueConstraint("app_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=100)
    name: str = Field(max_length=200)
    # Plain strings, not SQL enums: a new kind must not need a migration.
    kind: str = Field(max_length=20)
    status: str = Field(default=GuideStatus.draft, max_length=20)
    priority: int = 0
    pages: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    audience: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    trigger: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    frequency: str = Field(default="once", max_length=20)
    # {"starts_at", "ends_at"} as ISO 8601 with offset (guides.documents.Schedule); None: always.
    schedule: dict[str, Any] | None = Field(default=None, sa_type=JSONColumn, nullable=True)
    # {locale: {"name", "steps": [{"title", "body", "body_html"}]}}; see GuideTranslation.
    translations: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    # The guide's own look over the app's theme (guides.documents.GuideTheme); {}: the app's.
    theme: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    live_version: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GuideStep(SQLModel, table=True):
    __tablename__ = "guide_step"
    __table_args__ = (UniqueConstraint("guide_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guide.id", index=True, ondelete="CASCADE")
    position: int
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", description="Markdown as the author wrote it.")
    body_html: str = Field(default="", description="`body` rendered and sanitized.")
    target: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    placement: str = Field(default="auto", max_length=10)
    missing_target: str = Field(default="skip", max_length=10)
    # "button", or "target_click": a click on the target element also moves the user on.
    advance: str = Field(default="button", max_length=20)
    # Also move on when this event is tracked (or this struggle signal seen), or by itself
    # this many seconds after the step shows.
    advance_event: str | None = Field(default=None, max_length=200, nullable=True)
    advance_delay: int | None = Field(default=None, nullable=True)
    content: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)


class GuideVersion(SQLModel, table=True):
    """An immutable snapshot made at publish: exactly what the SDK receives."""

    __tablename__ = "guide_version"
    __table_args__ = (UniqueConstraint("guide_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guide.id", index=True, ondelete="CASCADE")
    number: int
    snapshot: dict[str, Any] = Field(sa_type=JSONColumn)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_by: str | None = Field(default=None, max_length=200)


class EndUser(SQLModel, table=True):
    """A user of a customer's app, by the customer's id or the SDK's anonymous id."""

    __tablename__ = "end_user"
    __table_args__ = (UniqueConstraint("app_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    external_id: str = Field(max_length=255)
    is_anonymous: bool = False
    traits: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GuideState(SQLModel, table=True):
    """Where one end user is in one guide."""

    __tablename__ = "guide_state"
    __table_args__ = (UniqueConstraint("end_user_id", "guide_id"),)

    id: int | None = Field(default=None, primary_key=True)
    end_user_id: int = Field(foreign_key="end_user.id", index=True, ondelete="CASCADE")
    guide_id: int = Field(foreign_key="guide.id", index=True, ondelete="CASCADE")
    seen: bool = False
    current_step: int = 0
    completed: bool = False
    dismissed: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HoldoutMember(SQLModel, table=True):
    """An end user in the audience of a guide with a control group, and which side they are
    on (`held_back`: the guide is kept from them). Written once, the first time a session
    finds them in the audience; the side itself is a hash (guides/decision.py)."""

    __tablename__ = "holdout_member"
    __table_args__ = (UniqueConstraint("guide_id", "end_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    guide_id: int = Field(foreign_key="guide.id", index=True, ondelete="CASCADE")
    end_user_id: int = Field(foreign_key="end_user.id", index=True, ondelete="CASCADE")
    held_back: bool
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AppSecret(SQLModel, table=True):
    """An identity-verification secret of an app. The secret itself is never stored: it is
    derived from the server's secret key and this row's salt (`guides.apps.identity_secret`),
    so the database alone cannot sign a user token. Two may be active during a rotation."""

    __tablename__ = "app_secret"

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    salt: str = Field(max_length=64)
    fingerprint: str = Field(max_length=16, description="First hex digits of its SHA-256.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
