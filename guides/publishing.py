"""Draft → publish → immutable version → rollback. Every change to what is live bumps the
app's publish stamp, which tells every server process to rebuild its delivery set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from guides import store
from guides.errors import GuideNotFound, NotFound
from guides.models import App, Guide, GuideStatus, GuideVersion


def snapshot_of(session: Session, guide: Guide, number: int) -> dict[str, Any]:
    """What the SDK receives for this guide, frozen at publish (the server keeps `audience`,
    `schedule` and `translations` to itself)."""
    assert guide.id is not None
    snapshot = {
        "id": guide.id,
        "slug": guide.slug,
        "version": number,
        "kind": guide.kind,
        "name": guide.name,
        "priority": guide.priority,
        "pages": guide.pages,
        "audience": guide.audience,
        "trigger": guide.trigger,
        "frequency": guide.frequency,
        "steps": [
            {
                "title": step.title,
                "body_html": step.body_html,
                "target": step.target or None,
                "placement": step.placement,
                "missing_target": step.missing_target,
                "content": step.content,
                # Only when not the default, so the versions of other steps are as before.
                **({"advance": step.advance} if step.advance != "button" else {}),
                **({"advance_event": step.advance_event} if step.advance_event else {}),
                **({"advance_delay": step.advance_delay} if step.advance_delay else {}),
            }
            for step in store.steps_of_guide(session, guide.id)
        ],
        "translations": {
            locale: {
                "name": stored.get("name"),
                "steps": [
                    {"title": step.get("title"), "body_html": step.get("body_html")}
                    for step in stored.get("steps", [])
                ],
            }
            for locale, stored in (guide.translations or {}).items()
        },
    }
    if guide.schedule:
        # Only when set, so the versions of unscheduled guides are as before.
        snapshot["schedule"] = guide.schedule
    if guide.theme:
        # The guide's own colours only; delivery merges them over the app's current theme.
        snapshot["theme"] = guide.theme
    return snapshot


def _content(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if key != "version"}


def publish_guide(*, session: Session, guide_id: int, author: str | None = None) -> GuideVersion:
    """Make the current draft live. Publishing an unchanged draft re-uses the latest version."""
    guide = _guide(session, guide_id)
    latest_number = store.latest_version_number(session, guide_id)
    latest = store.version(session, guide_id, latest_number) if latest_number else None
    candidate = snapshot_of(session, guide, latest_number + 1)
    if latest is not None and _content(latest.snapshot) == _content(candidate):
        version = latest
    else:
        version = GuideVersion(
            guide_id=guide_id, number=latest_number + 1, snapshot=candidate, published_by=author
        )
        session.add(version)
    _go_live(session, guide, version.number)
    session.flush()
    return version


def rollback_guide(*, session: Session, guide_id: int, number: int) -> GuideVersion:
    """Make an earlier version live again, unchanged."""
    guide = _guide(session, guide_id)
    version = store.version(session, guide_id, number)
    if version is None:
        raise NotFound(f"guide {guide_id} has no version {number}")
    _go_live(session, guide, number)
    session.flush()
    return version


def unpublish_guide(*, session: Session, guide_id: int) -> Guide:
    guide = _guide(session, guide_id)
    guide.status = GuideStatus.draft
    guide.live_version = None
    _bump_stamp(session, guide.app_id)
    session.add(guide)
    session.flush()
    return guide


def archive_guide(*, session: Session, guide_id: int) -> Guide:
    """Retire a guide: it leaves delivery everywhere (the stamp moves), its versions stay."""
    guide = _guide(session, guide_id)
    guide.status = GuideStatus.archived
    _bump_stamp(session, guide.app_id)
    session.add(guide)
    session.flush()
    return guide


def bring_to_status(
    *, session: Session, guide_id: int, status: GuideStatus, author: str | None
) -> str | None:
    """Move a saved guide to the status a document asks for; returns what happened, if
    anything: `published` (new content or first time live), `unpublished` or `archived`."""
    guide = _guide(session, guide_id)
    if status == GuideStatus.published:
        before = (guide.status, guide.live_version)
        version = publish_guide(session=session, guide_id=guide_id, author=author)
        return "published" if before != (GuideStatus.published, version.number) else None
    if status == GuideStatus.draft and guide.live_version is not None:
        unpublish_guide(session=session, guide_id=guide_id)
        return "unpublished"
    if status == GuideStatus.archived and guide.status != GuideStatus.archived:
        archive_guide(session=session, guide_id=guide_id)
        return "archived"
    return None


def _go_live(session: Session, guide: Guide, number: int) -> None:
    guide.status = GuideStatus.published
    guide.live_version = number
    session.add(guide)
    _bump_stamp(session, guide.app_id)


def _bump_stamp(session: Session, app_id: int) -> None:
    # One UPDATE, not read-then-write: two publishes at once must give two new stamps.
    session.exec(
        update(App).where(col(App.id) == app_id).values(publish_stamp=App.publish_stamp + 1)
    )


def _guide(session: Session, guide_id: int) -> Guide:
    guide = session.get(Guide, guide_id)
    if guide is None:
        raise GuideNotFound(f"no guide with id {guide_id}")
    return guide


def has_unpublished_changes(*, session: Session, guide: Guide) -> bool:
    """Whether the draft differs from what is live (always True for a guide never published)."""
    assert guide.id is not None
    if guide.live_version is None:
        return True
    live = store.version(session, guide.id, guide.live_version)
    if live is None:
        return True
    return _content(live.snapshot) != _content(snapshot_of(session, guide, guide.live_version))


def summarize_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What changed between two snapshots, in a few words each, for the version history."""
    if before is None:
        return ["first version"]
    changes = []
    labels = {
        "name": "name",
        "kind": "kind",
        "priority": "priority",
        "pages": "pages",
        "audience": "audience",
        "trigger": "trigger",
        "frequency": "frequency",
    }
    for key, label in labels.items():
        if before.get(key) != after.get(key):
            changes.append(f"{label} changed")
    old_steps, new_steps = before.get("steps", []), after.get("steps", [])
    if len(new_steps) > len(old_steps):
        changes.append(f"{len(new_steps) - len(old_steps)} step(s) added")
    elif len(new_steps) < len(old_steps):
        changes.append(f"{len(old_steps) - len(new_steps)} step(s) removed")
    for index, (old, new) in enumerate(zip(old_steps, new_steps, strict=False), start=1):
        parts = [
            part
            for part, key in (
                ("title", "title"),
                ("content", "body_html"),
                ("target", "target"),
                ("placement", "placement"),
            )
            if old.get(key) != new.get(key)
        ]
        if parts:
            changes.append(f"step {index}: {', '.join(parts)} changed")
    known = {*labels, "steps", "id", "slug", "version"}
    for key in sorted((set(before) | set(after)) - known):
        if before.get(key) != after.get(key):
            changes.append(f"{key} changed")
    return changes or ["no changes"]
