"""Named queries of the guide domain, one function per query."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, and_, bindparam, func
from sqlalchemy import select as select_columns
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from guides.bulk import execute_many, for_session, per_dialect, select_rows
from guides.columns import utcnow
from guides.models import (
    App,
    AppSecret,
    EndUser,
    Guide,
    GuideState,
    GuideStep,
    GuideVersion,
    HoldoutMember,
)


def app_by_key(session: Session, public_key: str) -> App | None:
    return session.exec(_APP_BY_KEY, params={"key": public_key}).first()


# Built once: every SDK request looks its app up by key.
_APP_BY_KEY = select(App).where(App.public_key == bindparam("key"))


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


# The hot path of `POST /sdk/v1/session`: built once, run as plain rows (no ORM objects).
_APP_AND_USER = (
    select(  # type: ignore[call-overload]
        App.id,
        App.publish_stamp,
        App.allowed_origins,
        App.theme,
        App.struggle,
        App.identity_mode,
        EndUser.id.label("user_id"),  # type: ignore[union-attr]
        EndUser.traits,
        EndUser.is_anonymous,
    )
    .outerjoin(
        EndUser,
        and_(
            col(EndUser.app_id) == col(App.id),
            col(EndUser.external_id) == bindparam("external_id"),
        ),
    )
    .where(col(App.public_key) == bindparam("public_key"))
)
_STATES_OF_USER = select(  # type: ignore[call-overload]
    GuideState.guide_id,
    GuideState.seen,
    GuideState.current_step,
    GuideState.completed,
    GuideState.dismissed,
).where(col(GuideState.end_user_id) == bindparam("end_user_id"))


def app_for_events(rows: Rows, public_key: str) -> Any | None:
    """(id, allowed_origins, identity_mode) of the app with this key: what ingestion needs."""
    found = rows.rows(_APP_FOR_EVENTS, {"public_key": public_key})
    return found[0] if found else None


_APP_FOR_EVENTS: Any = select(App.id, App.allowed_origins, App.identity_mode).where(
    col(App.public_key) == bindparam("public_key")
)


class Rows(Protocol):
    """Runs a select with plain parameters: a session (`SessionRows`), or the server's quick
    reader for the hottest path (`server.db.QuickReader`)."""

    def rows(self, statement: Select[Any], parameters: dict[str, str | int]) -> Sequence[Any]: ...


@dataclass(frozen=True)
class SessionRows:
    session: Session

    def rows(self, statement: Select[Any], parameters: dict[str, str | int]) -> Sequence[Any]:
        return self.session.connection().execute(statement, parameters).all()


def app_and_user(rows: Rows, public_key: str, external_id: str) -> Any | None:
    """The app with this key and, if known, its end user: one query, plain columns."""
    found = rows.rows(_APP_AND_USER, {"public_key": public_key, "external_id": external_id})
    return found[0] if found else None


def guide_state_rows(rows: Rows, end_user_id: int) -> Sequence[Any]:
    """(guide_id, seen, current_step, completed, dismissed) of each guide the user met."""
    return rows.rows(_STATES_OF_USER, {"end_user_id": end_user_id})


_HOLDOUTS_OF_USER = select(HoldoutMember.guide_id).where(
    col(HoldoutMember.end_user_id) == bindparam("end_user_id")
)


def holdout_guide_ids(rows: Rows, end_user_id: int) -> set[int]:
    """The guides whose control-group side is already recorded for this user."""
    return {row[0] for row in rows.rows(_HOLDOUTS_OF_USER, {"end_user_id": end_user_id})}


def record_holdouts(
    session: Session, app_id: int, end_user_id: int, sides: dict[int, bool]
) -> None:
    """Record each guide's side (`held_back`) for the user; a side already recorded stays."""
    for guide_id, held_back in sorted(sides.items()):
        insert_or_ignore(
            session,
            HoldoutMember,
            {
                "app_id": app_id,
                "guide_id": guide_id,
                "end_user_id": end_user_id,
                "held_back": held_back,
                "assigned_at": utcnow(),
            },
            ["guide_id", "end_user_id"],
        )


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


def apps_by_ids(session: Session, app_ids: list[int]) -> Sequence[App]:
    return session.exec(select(App).where(col(App.id).in_(app_ids)).order_by(col(App.name))).all()


def active_app_secrets(session: Session, app_id: int) -> Sequence[AppSecret]:
    return session.exec(
        select(AppSecret)
        .where(AppSecret.app_id == app_id, col(AppSecret.revoked_at).is_(None))
        .order_by(col(AppSecret.id).desc())
    ).all()


def versions_of_guide(session: Session, guide_id: int) -> Sequence[GuideVersion]:
    return session.exec(
        select(GuideVersion)
        .where(GuideVersion.guide_id == guide_id)
        .order_by(col(GuideVersion.number).desc())
    ).all()


def step_counts(session: Session, guide_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(GuideStep.guide_id, func.count())
        .where(col(GuideStep.guide_id).in_(guide_ids))
        .group_by(col(GuideStep.guide_id))
    ).all()
    return {guide_id: int(count) for guide_id, count in rows}


def end_user_ids(session: Session, app_id: int, external_ids: Collection[str]) -> dict[str, int]:
    """External id -> row id of those of `external_ids` that exist (one query)."""
    if not external_ids:
        return {}
    rows = select_rows(session, _END_USER_IDS, {"app_id": app_id, "ids": sorted(external_ids)})
    return dict(rows)


_END_USERS = EndUser.__table__  # type: ignore[attr-defined]
# Built once, run as plain rows: the ingestion path asks it for every group of batches.
_END_USER_IDS = select_columns(_END_USERS.c.external_id, _END_USERS.c.id).where(
    _END_USERS.c.app_id == bindparam("app_id"),
    _END_USERS.c.external_id.in_(bindparam("ids", expanding=True)),
)


def insert_end_users_or_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    """Create end users in one statement; one that exists already (a race) is left alone."""
    execute_many(session, for_session(_END_USER_INSERTS, session), rows)


_END_USER_INSERTS = per_dialect(
    lambda insert: insert(_END_USERS).on_conflict_do_nothing(
        index_elements=["app_id", "external_id"]
    )
)
