"""Help articles: the steps of an app's resource-center guides, read as a list. They are
written as guides (one resource-center guide holds many articles)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from guides import store
from guides.models import GuideKind, GuideStatus


@dataclass(frozen=True)
class Article:
    guide_id: int
    guide_slug: str
    step_index: int
    id: str
    title: str
    body: str
    body_html: str
    link_url: str | None
    keywords: list[str]
    live: bool


def articles_of_app(session: Session, app_id: int) -> list[Article]:
    """Every article of the app's resource centers, archived ones left out, in guide order."""
    articles = []
    for guide in store.guides_of_app(session, app_id):
        if guide.kind != GuideKind.resource_center or guide.status == GuideStatus.archived:
            continue
        assert guide.id is not None
        for step in store.steps_of_guide(session, guide.id):
            articles.append(
                Article(
                    guide_id=guide.id,
                    guide_slug=guide.slug,
                    step_index=step.position,
                    id=str(step.content.get("id", "")),
                    title=step.title,
                    body=step.body,
                    body_html=step.body_html,
                    link_url=step.content.get("link_url"),
                    keywords=list(step.content.get("keywords", [])),
                    live=guide.status == GuideStatus.published,
                )
            )
    return articles
