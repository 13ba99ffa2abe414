"""One-line factories for test data, built through the same domain functions as the product."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from guides import App, Guide, GuideDocument, create_app, publish_guide, save_guide
from server.accounts import (
    AdminUser,
    Role,
    add_app_to_workspace,
    create_admin_user,
    ensure_workspace,
    set_membership,
    user_by_email,
)

ORIGIN = "https://app.example.com"


def make_app(session: Session, name: str = "Acme", origins: list[str] | None = None) -> App:
    return create_app(session=session, name=name, allowed_origins=origins or [ORIGIN])


def guide_document(
    slug: str = "welcome", steps: int | list[dict[str, Any]] = 1, **overrides: Any
) -> GuideDocument:
    """A valid document; `steps` is a count of generated steps or the steps themselves."""
    if isinstance(steps, int):
        steps = [
            {
                "title": f"Step {i + 1}",
                "body": f"Body **{i + 1}**",
                "target": {"selector": f"#s{i}"},
            }
            for i in range(steps)
        ]
    kind = overrides.pop("kind", "walkthrough" if len(steps) > 1 else "tooltip")
    return GuideDocument.model_validate(
        {
            "slug": slug,
            "name": slug.replace("-", " ").title(),
            "kind": kind,
            "steps": steps,
            **overrides,
        }
    )


def make_guide(
    session: Session, app: App, slug: str = "welcome", steps: int = 1, **kw: Any
) -> Guide:
    assert app.id is not None
    return save_guide(
        session=session, app_id=app.id, document=guide_document(slug, steps, **kw)
    ).guide


def make_published_guide(
    session: Session, app: App, slug: str = "welcome", steps: int = 1, **kw: Any
) -> Guide:
    guide = make_guide(session, app, slug, steps, **kw)
    assert guide.id is not None
    publish_guide(session=session, guide_id=guide.id, author="tests")
    session.refresh(guide)
    return guide


def event(type: str = "guide_shown", guide: Guide | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "type": type,
        "timestamp": datetime.now(UTC).isoformat(),
        "url": f"{ORIGIN}/",
    }
    if guide is not None:
        body |= {"guide_id": guide.id, "guide_version": guide.live_version or 1}
    return body | fields


def uuid7(milliseconds: int, counter: int = 0) -> uuid.UUID:
    """A UUIDv7 from a time and a counter (the SDK makes them from time and randomness)."""
    value = (milliseconds & (2**48 - 1)) << 80
    value |= 0x7 << 76
    value |= (counter >> 62 & 0xFFF) << 64
    value |= 0b10 << 62
    value |= counter & (2**62 - 1)
    return uuid.UUID(int=value)


def session_body(app: App, **overrides: Any) -> dict[str, Any]:
    """A `POST /sdk/v1/session` body as the SDK sends it for an anonymous visitor."""
    return {
        "app_key": app.public_key,
        "user_id": None,
        "anonymous_id": "anon-1",
        "traits": {},
        "url": f"{ORIGIN}/",
        **overrides,
    }


def event_batch(app: App, events: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """A `POST /sdk/v1/events` body carrying `events`."""
    return {"app_key": app.public_key, "anonymous_id": "anon-1", "events": events, **overrides}


PASSWORD = "correct horse battery"


def make_admin(
    session: Session,
    email: str = "owner@example.com",
    role: str = "owner",
    workspace: str = "Acme team",
    password: str = PASSWORD,
) -> AdminUser:
    """An admin with `role` in `workspace` (both created when missing)."""
    user = user_by_email(session, email) or create_admin_user(
        session=session, email=email, password=password
    )
    space = ensure_workspace(session=session, name=workspace)
    assert user.id is not None and space.id is not None
    set_membership(session=session, workspace_id=space.id, user_id=user.id, role=Role(role))
    return user


def make_workspace_app(session: Session, workspace: str = "Acme team", name: str = "Acme") -> App:
    """An app owned by `workspace`."""
    app = make_app(session, name)
    space = ensure_workspace(session=session, name=workspace)
    assert app.id is not None and space.id is not None
    add_app_to_workspace(session=session, app_id=app.id, workspace_id=space.id)
    return app


def make_api_token(
    session: Session, apps: list[App], scope: str = "write", workspace: str = "Acme team"
) -> str:
    """A live API token of `workspace` reaching `apps`; returns its plain text."""
    from server.api_tokens import create_api_token

    space = ensure_workspace(session=session, name=workspace)
    assert space.id is not None
    _, plain = create_api_token(
        session=session,
        workspace_id=space.id,
        name=f"{scope} token",
        scope=scope,
        app_ids=[app.id for app in apps if app.id is not None],
        created_by="owner@example.com",
    )
    return plain
