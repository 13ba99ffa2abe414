"""What an app's in-app resource center lists: the guides, checklists and help articles an
author chose, in the author's order. Until an author chooses, the selection is None and the
SDK lists every guide the user may start plus the resource center's own articles.

An entry is `{"type": "guide", "slug": ...}` or `{"type": "article", "guide": <resource
center slug>, "id": <article id>}`; the session answer carries the list as is
(docs/sdk-protocol.md) and the SDK shows the entries this user may see, in order. Saving a
selection bumps the app's publish stamp, so every server's delivery cache reloads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from guides import store
from guides.articles import Article, articles_of_app
from guides.errors import GuideNotFound, InvalidPayload
from guides.models import App, GuideStatus

# Kinds a person starts from a list (the SDK's resource center lists the same ones).
LISTABLE_KINDS = ("walkthrough", "checklist", "modal", "slideout", "survey", "tooltip")
MAX_ENTRIES = 100


@dataclass(frozen=True)
class Candidate:
    """Something the resource center can list, as the admin shows it."""

    key: str
    entry: dict[str, str]
    label: str
    kind: str
    live: bool
    guide_id: int


def entry_key(entry: dict[str, str]) -> str:
    if entry.get("type") == "article":
        return f"article:{entry.get('guide', '')}:{entry.get('id', '')}"
    return f"guide:{entry.get('slug', '')}"


def candidates(session: Session, app_id: int) -> list[Candidate]:
    """Every guide of a listable kind and every article of the app, archived ones left out."""
    found = []
    for guide in store.guides_of_app(session, app_id):
        if guide.kind not in LISTABLE_KINDS or guide.status == GuideStatus.archived:
            continue
        entry = {"type": "guide", "slug": guide.slug}
        found.append(
            Candidate(
                entry_key(entry),
                entry,
                guide.name,
                guide.kind,
                guide.status == GuideStatus.published,
                guide.id or 0,
            )
        )
    for article in articles_of_app(session, app_id):
        if not article.id:
            continue
        entry = {"type": "article", "guide": article.guide_slug, "id": article.id}
        found.append(
            Candidate(
                entry_key(entry), entry, article.title, "article", article.live, article.guide_id
            )
        )
    return found


def selection(session: Session, app_id: int) -> list[dict[str, str]] | None:
    app = session.get(App, app_id)
    if app is None:
        raise GuideNotFound(f"no app with id {app_id}")
    return list(app.resource_center) if app.resource_center is not None else None


def save_selection(
    session: Session, app_id: int, keys: list[str] | None
) -> tuple[list[dict[str, str]] | None, list[dict[str, str]] | None]:
    """Store the chosen entries in this order (None: list everything); returns the selection
    before and after. Each key must name a current candidate, once."""
    before = selection(session, app_id)
    chosen: list[dict[str, str]] | None = None
    if keys is not None:
        by_key = {candidate.key: candidate for candidate in candidates(session, app_id)}
        if len(keys) > MAX_ENTRIES:
            raise _invalid(f"a resource center lists at most {MAX_ENTRIES} entries")
        if len(set(keys)) != len(keys):
            raise _invalid("each guide or article can be listed once")
        unknown = [key for key in keys if key not in by_key]
        if unknown:
            raise _invalid(f"{unknown[0][:120]!r} is not a guide or article of this app")
        chosen = [by_key[key].entry for key in keys]
    session.exec(
        update(App)
        .where(col(App.id) == app_id)
        .values(resource_center=chosen, publish_stamp=App.publish_stamp + 1)
    )
    session.expire_all()
    return before, chosen


def _invalid(message: str) -> InvalidPayload:
    return InvalidPayload(message, fields=[{"field": "items", "message": message}])


def search_articles(articles: list[Article], query: str) -> list[Article]:
    """Articles whose title, text or keywords hold every word of the query."""
    words = query.lower().split()
    if not words:
        return articles
    return [
        article
        for article in articles
        if all(
            word in " ".join([article.title, article.body, *article.keywords]).lower()
            for word in words
        )
    ]


def for_sdk(raw: Any) -> list[dict[str, str]] | None:
    """The stored selection as the session answer carries it."""
    return [dict(entry) for entry in raw] if isinstance(raw, list) else None
