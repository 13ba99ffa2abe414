"""The guide list authors search and filter: by text, kind, status, page and last edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from guides import store
from guides.columns import utcnow
from guides.models import Guide

EDITED_WITHIN_DAYS = (1, 7, 30, 90)


@dataclass(frozen=True)
class GuideFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    page: str = ""
    edited_within_days: int = 0


@dataclass(frozen=True)
class GuideRow:
    guide: Guide
    steps: int
    pages: list[str]


def list_guides(*, session: Session, app_id: int, filters: GuideFilters) -> list[GuideRow]:
    """The app's guides that pass every filter, most recently edited first."""
    guides = list(store.guides_of_app(session, app_id))
    counts = store.step_counts(session, [g.id for g in guides if g.id is not None])
    q = filters.q.strip().lower()
    page = filters.page.strip().lower()
    since = (
        utcnow() - timedelta(days=filters.edited_within_days)
        if filters.edited_within_days
        else None
    )
    rows = []
    for guide in guides:
        pages = page_values(guide)
        if q and q not in guide.name.lower() and q not in guide.slug:
            continue
        if filters.kind and guide.kind != filters.kind:
            continue
        if filters.status and guide.status != filters.status:
            continue
        if page and not any(page in value.lower() for value in pages):
            continue
        if since and guide.updated_at < since:
            continue
        rows.append(GuideRow(guide=guide, steps=counts.get(guide.id or 0, 0), pages=pages))
    rows.sort(key=lambda row: row.guide.updated_at, reverse=True)
    return rows


def page_values(guide: Guide) -> list[str]:
    return [str(rule.get("value", "")) for rule in guide.pages.get("include", [])]
