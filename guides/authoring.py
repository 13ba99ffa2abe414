"""Drafts: saving a guide document into a guide and its steps, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from guides import store
from guides.columns import utcnow
from guides.documents import GuideDocument, StepDocument, Target
from guides.errors import GuideNotFound, InvalidPayload
from guides.kinds import KINDS
from guides.models import App, Guide, GuideStatus, GuideStep
from guides.publishing import archive_guide
from guides.sanitize import clean_text, render_markdown
from guides.themes import guide_theme_problems


@dataclass(frozen=True)
class SavedGuide:
    guide: Guide
    created: bool
    changed: bool


def save_guide(*, session: Session, app_id: int, document: GuideDocument) -> SavedGuide:
    """Create the guide with this slug, or update its draft. Does not publish."""
    guide = store.guide_by_slug(session, app_id, document.slug)
    created = guide is None
    if guide is None:
        guide = Guide(app_id=app_id, slug=document.slug, name="", kind=document.kind)
        session.add(guide)
        session.flush()
    assert guide.id is not None
    before = None if created else guide_document(session=session, guide=guide)

    guide.name = clean_text(document.name)
    guide.kind = document.kind
    guide.priority = document.priority
    guide.pages = document.pages.model_dump(mode="json")
    guide.audience = document.audience.model_dump(mode="json")
    guide.trigger = document.trigger.model_dump(mode="json")
    guide.frequency = document.frequency
    guide.schedule = (
        document.schedule.model_dump(mode="json", exclude_none=True) or None
        if document.schedule
        else None
    )
    guide.translations = _translations(document)
    guide.theme = _theme(session, app_id, document)
    if document.status == GuideStatus.archived and guide.status != GuideStatus.archived:
        archive_guide(session=session, guide_id=guide.id)
    _replace_steps(session, guide.id, document.kind, document.steps)

    after = guide_document(session=session, guide=guide)
    changed = created or _without_status(before) != _without_status(after)
    if changed:
        guide.updated_at = utcnow()
    session.add(guide)
    session.flush()
    return SavedGuide(guide=guide, created=created, changed=changed)


def _theme(session: Session, app_id: int, document: GuideDocument) -> dict[str, Any]:
    """The guide's own theme, refused when it is hard to read over the app's theme."""
    own = document.theme.model_dump(mode="json") if document.theme else {}
    app = session.get(App, app_id)
    problems = guide_theme_problems(app.theme if app else {}, own)
    if problems:
        details = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise InvalidPayload(
            f"{document.slug}: the theme is hard to read: {details}", fields=problems
        )
    return own


def _without_status(document: GuideDocument | None) -> dict | None:
    return None if document is None else document.model_dump(mode="json", exclude={"status"})


def _translations(document: GuideDocument) -> dict[str, Any]:
    """Translations as stored: text cleaned, Markdown rendered beside its source."""
    return {
        locale: {
            "name": clean_text(translation.name) if translation.name else None,
            "steps": [
                {
                    "title": clean_text(step.title) if step.title is not None else None,
                    "body": step.body,
                    "body_html": render_markdown(step.body) if step.body is not None else None,
                }
                for step in translation.steps
            ],
        }
        for locale, translation in document.translations.items()
    }


def _replace_steps(session: Session, guide_id: int, kind: str, steps: list[StepDocument]) -> None:
    spec = KINDS[kind]
    existing = list(store.steps_of_guide(session, guide_id))
    for position, step in enumerate(steps):
        row = (
            existing[position]
            if position < len(existing)
            else GuideStep(guide_id=guide_id, position=position)
        )
        row.title = clean_text(step.title)
        row.body = step.body
        row.body_html = render_markdown(step.body)
        row.target = step.target.model_dump(mode="json") if step.target else {}
        row.placement = step.placement
        row.missing_target = step.missing_target
        row.advance = step.advance
        row.advance_event = step.advance_event
        row.advance_delay = step.advance_delay
        row.content = spec.sanitize(spec.content.model_validate(step.content))
        session.add(row)
    for row in existing[len(steps) :]:
        session.delete(row)
    session.flush()


def guide_document(*, session: Session, guide: Guide) -> GuideDocument:
    """The draft as a document, as export writes it and the editor shows it."""
    assert guide.id is not None
    steps = [
        StepDocument(
            title=step.title,
            body=step.body,
            target=Target(**step.target) if step.target else None,
            placement=step.placement,
            missing_target=step.missing_target,
            advance=step.advance,
            advance_event=step.advance_event,
            advance_delay=step.advance_delay,
            content=step.content,
        )
        for step in store.steps_of_guide(session, guide.id)
    ]
    return GuideDocument.model_validate(
        {
            "slug": guide.slug,
            "name": guide.name,
            "kind": guide.kind,
            "status": guide.status,
            "priority": guide.priority,
            "pages": guide.pages,
            "audience": guide.audience,
            "trigger": guide.trigger,
            "frequency": guide.frequency,
            "schedule": guide.schedule or None,
            "steps": steps,
            "theme": guide.theme or None,
            "translations": {
                locale: {
                    "name": stored.get("name"),
                    "steps": [
                        {"title": step.get("title"), "body": step.get("body")}
                        for step in stored.get("steps", [])
                    ],
                }
                for locale, stored in (guide.translations or {}).items()
            },
        }
    )


def duplicate_guide(*, session: Session, guide_id: int) -> Guide:
    """A new draft with the same content, named "… (copy)", under a free slug."""
    source = session.get(Guide, guide_id)
    if source is None:
        raise GuideNotFound(f"no guide with id {guide_id}")
    document = guide_document(session=session, guide=source)
    slug = _free_slug(session, source.app_id, f"{source.slug[:90]}-copy")
    copy = document.model_copy(
        update={
            "slug": slug,
            "name": f"{document.name[:190]} (copy)",
            "status": GuideStatus.draft,
        }
    )
    return save_guide(session=session, app_id=source.app_id, document=copy).guide


def _free_slug(session: Session, app_id: int, base: str) -> str:
    slug, number = base, 2
    while store.guide_by_slug(session, app_id, slug) is not None:
        slug = f"{base}-{number}"
        number += 1
    return slug
