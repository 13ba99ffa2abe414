"""Named queries of the guide domain, one function per query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from guides.models import App, EndUser, Guide, GuideState, GuideStep, GuideVersion


def app_by_key(session: Session, public_key: str) -> App | None:
    return session.exec(select(App).where(App.public_key == public_key)).first()


def app_by_name(session: Session, name: str) -> App | None:
    return session.exec(select(App).where(App.name == name)).first()


def guide_by_slug(session: Session, app_id: int, slug: str) -> Guide | None:
    return session.exec(select(Guide).where(Guide.app_id == app_id, Guide.slug == slug)).first()


def guides_of_app(session: Session, app_id: int) -> Sequence[Guide]:
    return session.exec(select(Guide).where(Guide.app_id == app_id).order_by(col(Guide.slug))).all()


def steps_of_guide(session: Session, guide_id: int) -> Sequence[GuideStep]:
    return session.exec(
        select(GuideStep).where(GuideStep.guide_id == guide_id).order_by(col(GuideStep.position))
    ).all()


def version(session: Session, guide_id: int, number: int) -> GuideVersion | None:
    return session.exec(
        select(GuideVersion).where(GuideVersion.guide_id == guide_id, GuideVersion.number == number)
    ).first()


def latest_version_number(session: Session, guide_id: int) -> int:
    latest = session.exec(
        select(GuideVersion.number)
        .where(GuideVersion.guide_id == guide_id)
        .order_by(col(GuideVersion.number).desc())
    ).first()
    return latest or 0


def live_snapshots(session: Session, app_id: int) -> list[dict[str, Any]]:
    """The snapshot of every guide of an app that has a live version, highest priority first."""
    rows = session.exec(
        select(GuideVersion.snapshot)
        .join(Guide, col(Guide.id) == col(GuideVersion.guide_id))
        .where(
            Guide.app_id == app_id,
            Guide.status == "published",
            col(Guide.live_version) == col(GuideVersion.number),
        )
        .order_by(col(Guide.priority).desc(), col(Guide.id))
    ).all()
    return [dict(row) for row in rows]


def end_user(session: Session, app_id: int, external_id: str) -> EndUser | None:
    return session.exec(
        select(EndUser).where(EndUser.app_id == app_id, EndUser.external_id == external_id)
    ).first()


def guide_states(session: Session, end_user_id: int) -> Sequence[GuideState]:
    return session.exec(select(GuideState).where(GuideState.end_user_id == end_user_id)).all()


def guide_state(session: Session, end_user_id: int, guide_id: int) -> GuideState | None:
    return session.exec(
        select(GuideState).where(
            GuideState.end_user_id == end_user_id, GuideState.guide_id == guide_id
        )
    ).first()


def insert_or_ignore(session: Session, model: type, values: dict, conflict: list[str]) -> bool:
    """INSERT that silently skips a row violating the unique key `conflict`; True if inserted."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING, not rowcount: on PostgreSQL the rowcount of this INSERT is -1 (truthy).
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(*model.__table__.primary_key.columns)  # type: ignore[attr-defined]
    )
    return session.execute(statement).first() is not None


def all_apps(session: Session) -> Sequence[App]:
    return session.exec(select(App).order_by(col(App.id))).all()
