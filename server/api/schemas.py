"""The shapes `/api/v1` answers with and accepts besides the guide document. The OpenAPI
document is built from these models, and every answer is made by them, so the two agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from guides.authoring import guide_document
from guides.documents import GuideDocument
from guides.models import App, Guide, GuideVersion
from guides.publishing import has_unpublished_changes


class AppOut(BaseModel):
    id: int
    name: str
    public_key: str = Field(description="The SDK's key: public, in every page of the app.")
    allowed_origins: list[str]
    created_at: datetime

    @classmethod
    def of(cls, app: App) -> AppOut:
        assert app.id is not None
        return cls(
            id=app.id,
            name=app.name,
            public_key=app.public_key,
            allowed_origins=app.allowed_origins,
            created_at=app.created_at,
        )


class AppList(BaseModel):
    apps: list[AppOut]


class GuideSummary(BaseModel):
    id: int
    app_id: int
    slug: str
    name: str
    kind: str
    status: str = Field(description="draft, published or archived.")
    live_version: int | None = Field(description="The version end users get, if any.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, guide: Guide) -> GuideSummary:
        assert guide.id is not None
        return cls(
            id=guide.id,
            app_id=guide.app_id,
            slug=guide.slug,
            name=guide.name,
            kind=guide.kind,
            status=guide.status,
            live_version=guide.live_version,
            created_at=guide.created_at,
            updated_at=guide.updated_at,
        )


class GuideList(BaseModel):
    guides: list[GuideSummary]


class GuideOut(GuideSummary):
    unpublished_changes: bool = Field(description="Whether the draft differs from what is live.")
    document: dict[str, Any] = Field(
        description="The draft as a guide document (GuideDocument), as files hold it."
    )

    @classmethod
    def read(cls, session: Session, guide: Guide) -> GuideOut:
        summary = GuideSummary.of(guide)
        return cls(
            **summary.model_dump(),
            unpublished_changes=has_unpublished_changes(session=session, guide=guide),
            document=guide_document(session=session, guide=guide).to_plain(),
        )


class VersionOut(BaseModel):
    number: int
    published_at: datetime
    published_by: str | None
    live: bool

    @classmethod
    def of(cls, version: GuideVersion, live_version: int | None) -> VersionOut:
        return cls(
            number=version.number,
            published_at=version.published_at,
            published_by=version.published_by,
            live=version.number == live_version,
        )


class VersionList(BaseModel):
    versions: list[VersionOut]


class ArticleOut(BaseModel):
    """A help article: one step of a resource-center guide. Edit it through its guide."""

    guide_id: int
    guide_slug: str
    step_index: int = Field(description="Its position in the guide's steps, from 0.")
    id: str
    title: str
    body: str = Field(description="Markdown as written.")
    body_html: str = Field(description="Rendered and sanitized.")
    link_url: str | None
    keywords: list[str]
    live: bool = Field(description="Whether its guide is published.")


class ArticleList(BaseModel):
    articles: list[ArticleOut]


class RollbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=1_000_000, description="The version to make live again.")


GUIDE_BODY = GuideDocument
