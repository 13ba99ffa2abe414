"""Delivery: answering an SDK session with every guide that may show to this user.

Each server process keeps the published guides of each app in memory and rebuilds them
when the app's publish stamp changes, so a session costs a few indexed reads and no JSON
re-parsing of guide content; it writes only when the user is new or their traits changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import Row
from sqlmodel import Session

from guides import store
from guides.anticipation import struggle_for_sdk
from guides.apps import UNKNOWN_KEY_MESSAGE, check_allowed
from guides.columns import utcnow
from guides.decision import Outcome, UserFacts, decide
from guides.documents import Schedule
from guides.errors import UnknownAppKey
from guides.history import UserHistory, user_history
from guides.identity import (
    IdentityMode,
    TokenProblem,
    identity_problem,
    record_identity_failure,
    refuse_if_enforced,
)
from guides.labels import labels_for
from guides.models import App, EndUser
from guides.resource_center import for_sdk
from guides.sanitize import contains_nul
from guides.stall import per_step, stall_thresholds
from guides.targeting import Audience
from guides.themes import sdk_theme

MAX_TRAITS = 100
# How long a process keeps an app's live guides before reloading them, although nothing was
# published: their steps' stall thresholds follow the time users spend (guides/stall.py).
REFRESH_SECONDS = 600
TraitValue = str | int | float | bool | None


class Sessions(Protocol):
    """How domain code asks the server for database sessions (server.db.Database), and for
    its quick reader where it has one (SQLite)."""

    @property
    def quick(self) -> store.Rows | None: ...
    def read(self) -> AbstractContextManager[Session]: ...
    def write(self) -> AbstractContextManager[Session]: ...


class SessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(min_length=1, max_length=100)
    user_id: str | None = Field(None, min_length=1, max_length=255)
    anonymous_id: str | None = Field(None, min_length=1, max_length=100)
    traits: dict[str, TraitValue] = Field(default_factory=dict)
    url: str = Field("", max_length=4096)
    locale: str | None = Field(None, max_length=35)
    # Checked against 4 KB by guides.identity before decoding; this only bounds the field.
    user_token: str | None = Field(None, max_length=16_384)
    # The SDK build asking, when it can run chunks handed to it in the answer (a nonce or no
    # CSP); the answer then carries the code its first guide needs (server/sdk_chunks.py).
    build: str | None = Field(None, max_length=40, pattern=r"^[0-9a-z]+$")
    # The chunks of that build this browser keeps in its HTTP cache (the SDK loaded their files
    # once): the answer leaves them out, and the SDK loads them from the cache.
    cached: list[Annotated[str, Field(max_length=40, pattern=r"^[a-z_]+$")]] | None = Field(
        None, max_length=32
    )

    @field_validator("traits")
    @classmethod
    def _few_traits(cls, traits: dict[str, TraitValue]) -> dict[str, TraitValue]:
        if len(traits) > MAX_TRAITS:
            raise ValueError(f"at most {MAX_TRAITS} traits")
        for key, value in traits.items():
            if not key or len(key) > 100:
                raise ValueError("trait names are 1 to 100 characters")
            if isinstance(value, str) and len(value) > 1000:
                raise ValueError(f"trait {key!r} is longer than 1000 characters")
        return traits

    @field_validator("app_key", "user_id", "anonymous_id", "traits", "url", "locale", "user_token")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if contains_nul(value):
            raise ValueError("must not contain NUL characters")
        return value

    @model_validator(mode="after")
    def _someone(self) -> SessionRequest:
        if self.user_id is None and self.anonymous_id is None:
            raise ValueError("send user_id or anonymous_id")
        return self

    @property
    def external_id(self) -> str:
        return self.user_id if self.user_id is not None else f"anon:{self.anonymous_id}"


@dataclass(frozen=True)
class LiveGuide:
    audience: Audience
    payload: dict[str, Any]
    translations: dict[str, Any]
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, snapshot: dict[str, Any], stall_ms: list[int | None] | None = None) -> LiveGuide:
        """A published version's snapshot as delivery holds it: what the SDK gets (with each
        step's usual stall time, if known) apart from what only the server decides on."""
        server_only = ("audience", "translations", "schedule")
        payload = {k: v for k, v in snapshot.items() if k not in server_only}
        if stall_ms is not None:
            payload["stall_ms"] = stall_ms
        window = Schedule.model_validate(snapshot.get("schedule") or {})
        return cls(
            Audience.model_validate(snapshot.get("audience") or {}),
            payload,
            snapshot.get("translations") or {},
            window.starts_at,
            window.ends_at,
        )

    def on_schedule(self, now: datetime) -> bool:
        """Whether `now` is inside the guide's schedule (always, without one)."""
        if self.starts_at is not None and now < self.starts_at:
            return False
        return self.ends_at is None or now < self.ends_at

    @property
    def guide_id(self) -> int:
        return int(self.payload["id"])

    def localized(self, locale: str | None) -> dict[str, Any]:
        """The payload in the user's language: `fr-CA`, else `fr`, else as authored; a
        text a translation leaves out stays as authored."""
        chosen = pick_locale(self.translations, locale)
        if chosen is None:
            return self.payload
        translation = self.translations[chosen]
        steps = [dict(step) for step in self.payload["steps"]]
        for step, text in zip(steps, translation.get("steps", []), strict=False):
            if text.get("title") is not None:
                step["title"] = text["title"]
            if text.get("body_html") is not None:
                step["body_html"] = text["body_html"]
        name = translation.get("name") or self.payload["name"]
        return {**self.payload, "name": name, "steps": steps, "locale": chosen}


def themed(payload: dict[str, Any], app_theme: dict[str, Any]) -> dict[str, Any]:
    """A guide with a theme of its own carries the whole theme it is drawn with: its colours
    over the app's, with the derived ones worked out again (guides/themes.py)."""
    if not payload.get("theme"):
        return payload
    return {**payload, "theme": sdk_theme(app_theme, payload["theme"])}


def pick_locale(available: dict[str, Any], wanted: str | None) -> str | None:
    """The best of `available` for `wanted`: the same tag, else its language alone."""
    if not wanted or not available:
        return None
    by_lower = {locale.lower(): locale for locale in available}
    tag = wanted.replace("_", "-").lower()
    return by_lower.get(tag) or by_lower.get(tag.split("-")[0])


@dataclass(frozen=True)
class DeliverySet:
    stamp: int
    guides: tuple[LiveGuide, ...]
    loaded_at: float = 0.0  # time.monotonic()
    # The app's chosen resource-center entries (guides/resource_center.py), None if unset.
    resource_center: tuple[dict[str, str], ...] | None = None

    def fresh(self, stamp: int) -> bool:
        return self.stamp == stamp and time.monotonic() - self.loaded_at < REFRESH_SECONDS

    @property
    def asks_history(self) -> bool:
        """Whether a live guide's audience has rules on the user's past (guides/history.py)."""
        return any(guide.audience.history for guide in self.guides)


class DeliveryCache:
    """Per-process cache of each app's live guides, keyed by app id, checked by stamp."""

    def __init__(self) -> None:
        self._sets: dict[int, DeliverySet] = {}
        self._lock = threading.Lock()

    def current(self, app_id: int, stamp: int) -> DeliverySet | None:
        """The app's published guides if the cache holds those of this publish stamp."""
        current = self._sets.get(app_id)
        return current if current is not None and current.fresh(stamp) else None

    def get(self, session: Session, app_id: int, stamp: int) -> DeliverySet:
        if current := self.current(app_id, stamp):
            return current
        with self._lock:
            current = self._sets.get(app_id)
            if current is None or not current.fresh(stamp):
                current = _load(session, app_id, stamp)
                self._sets[app_id] = current
            return current


def _load(session: Session, app_id: int, stamp: int) -> DeliverySet:
    stalls = stall_thresholds(session, app_id)
    guides = [
        LiveGuide.of(snapshot, per_step(stalls.get(snapshot["id"], {}), len(snapshot["steps"])))
        for snapshot in store.live_snapshots(session, app_id)
    ]
    app = session.get(App, app_id)
    chosen = for_sdk(app.resource_center) if app is not None else None
    return DeliverySet(
        stamp=stamp,
        guides=tuple(guides),
        loaded_at=time.monotonic(),
        resource_center=tuple(chosen) if chosen is not None else None,
    )


def start_session(
    *,
    sessions: Sessions,
    cache: DeliveryCache,
    request: SessionRequest,
    origin: str | None,
    server_key: str = "",
) -> dict[str, Any]:
    """The whole `POST /sdk/v1/session` answer (docs/sdk-protocol.md). `server_key` derives
    the app's identity secrets when it verifies identities (guides/identity.py)."""
    answer = returning_user_session(
        sessions=sessions, cache=cache, request=request, origin=origin, server_key=server_key
    )
    if answer is not None:
        return answer
    with sessions.write() as session:
        rows = store.SessionRows(session)
        row = _app_row(rows, request, origin)
        problem = _identity(session, row, request, server_key)
        if problem is not None:
            record_identity_failure(session=session, app_id=row.id)
        if problem is None or row.identity_mode != IdentityMode.enforce:
            user = remember_user(session=session, app_id=row.id, request=request)
            assert user.id is not None
            delivery = cache.get(session, row.id, row.publish_stamp)
            states = store.guide_state_rows(rows, user.id)
            history = _history(session, row.id, user.id, delivery)
            facts = UserFacts(row.id, request.external_id, user.traits, history)
            chosen, sides = choose_guides(delivery, facts)
            if sides:
                known = store.holdout_guide_ids(rows, user.id)
                new = {guide_id: side for guide_id, side in sides.items() if guide_id not in known}
                store.record_holdouts(session, row.id, user.id, new)
    # Outside the transaction, so the failure counted above is committed.
    refuse_if_enforced(row.identity_mode, problem)
    return _answer(request, delivery, row, user.is_anonymous, chosen, states)


def returning_user_session(
    *,
    sessions: Sessions,
    cache: DeliveryCache,
    request: SessionRequest,
    origin: str | None,
    server_key: str = "",
) -> dict[str, Any] | None:
    """The answer for a known user whose traits did not change: reads only, so the server may
    run it without a worker thread. None when the user must be stored first, or when a
    failed identity check must be counted. The quick reader answers when it can; a read
    session when the answer needs more (guides to load, identity, rules on the past)."""
    if sessions.quick is not None:
        answer = _returning_user(sessions.quick, None, cache, request, origin, server_key)
        if answer is not NEEDS_SESSION:
            return answer
    with sessions.read() as session:
        rows = store.SessionRows(session)
        answer = _returning_user(rows, session, cache, request, origin, server_key)
    return None if answer is NEEDS_SESSION else answer


NEEDS_SESSION: dict[str, Any] = {}  # what the quick path answers when it cannot


def _returning_user(
    rows: store.Rows,
    session: Session | None,
    cache: DeliveryCache,
    request: SessionRequest,
    origin: str | None,
    server_key: str,
) -> dict[str, Any] | None:
    row = _app_row(rows, request, origin)
    if row.user_id is None or _traits_change(row.traits, request.traits):
        return None
    delivery = cache.current(row.id, row.publish_stamp)
    if session is None:
        if delivery is None or delivery.asks_history or row.identity_mode != IdentityMode.off:
            return NEEDS_SESSION
        history = UserHistory()
    else:
        if _identity(session, row, request, server_key) is not None:
            return None
        delivery = delivery or cache.get(session, row.id, row.publish_stamp)
        history = _history(session, row.id, row.user_id, delivery)
    facts = UserFacts(row.id, request.external_id, row.traits, history)
    chosen, sides = choose_guides(delivery, facts)
    if sides and not sides.keys() <= store.holdout_guide_ids(rows, row.user_id):
        return None  # a control-group side to record first
    states = store.guide_state_rows(rows, row.user_id)
    return _answer(request, delivery, row, row.is_anonymous, chosen, states)


def choose_guides(
    delivery: DeliverySet, facts: UserFacts
) -> tuple[list[LiveGuide], dict[int, bool]]:
    """The guides the session answer carries (guides/decision.py), and for each guide with a
    control group whose audience the user is in, whether they are held back."""
    chosen = []
    sides: dict[int, bool] = {}
    for guide in delivery.guides:
        outcome = decide(guide, facts)
        if outcome is Outcome.excluded:
            continue
        if guide.audience.holdout_percent:
            sides[guide.guide_id] = outcome is Outcome.held_back
        if outcome is Outcome.delivered:
            chosen.append(guide)
    return chosen, sides


def _app_row(rows: store.Rows, request: SessionRequest, origin: str | None) -> Any:
    row = store.app_and_user(rows, request.app_key, request.external_id)
    if row is None:
        raise UnknownAppKey(UNKNOWN_KEY_MESSAGE)
    check_allowed(row.allowed_origins, origin)
    return row


def _answer(
    request: SessionRequest,
    delivery: DeliverySet,
    app: Row[Any],
    anonymous: bool,
    chosen: Sequence[LiveGuide],
    states: Sequence[Row[Any]],
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "user": {"id": request.user_id or request.anonymous_id, "anonymous": anonymous},
        "stamp": str(delivery.stamp),
        "theme": sdk_theme(app.theme),
        "struggle": struggle_for_sdk(app.struggle),
        "labels": labels_for(request.locale),
        "guides": [themed(guide.localized(request.locale), app.theme) for guide in chosen],
        "states": {
            str(state.guide_id): {
                "seen": state.seen,
                "current_step": state.current_step,
                "completed": state.completed,
                "dismissed": state.dismissed,
            }
            for state in states
        },
    }
    if delivery.resource_center is not None:
        answer["resource_center"] = list(delivery.resource_center)
    return answer


def _history(session: Session, app_id: int, end_user_id: int, delivery: DeliverySet) -> UserHistory:
    """What the app's live guides ask about the user's past; nothing is read when none asks."""
    conditions = [c for guide in delivery.guides for c in guide.audience.history]
    return user_history(session, app_id=app_id, end_user_id=end_user_id, conditions=conditions)


def _identity(
    session: Session, row: Any, request: SessionRequest, server_key: str
) -> TokenProblem | None:
    return identity_problem(
        session,
        app_id=row.id,
        mode=row.identity_mode,
        server_key=server_key,
        user_id=request.user_id,
        token=request.user_token,
    )


def _traits_change(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    return any(stored.get(key, _MISSING) != value for key, value in sent.items())


_MISSING = object()


def remember_user(*, session: Session, app_id: int, request: SessionRequest) -> EndUser:
    """Create the end user, or merge the sent traits into theirs. Safe under concurrency."""
    store.insert_or_ignore(
        session,
        EndUser,
        {
            "app_id": app_id,
            "external_id": request.external_id,
            "is_anonymous": request.user_id is None,
            "traits": {},
            "first_seen_at": utcnow(),
            "last_seen_at": utcnow(),
        },
        ["app_id", "external_id"],
    )
    user = store.end_user(session, app_id, request.external_id)
    assert user is not None
    user.traits = {**user.traits, **request.traits}
    user.last_seen_at = utcnow()
    session.add(user)
    session.flush()
    return user


def find_or_create_user(
    *, session: Session, app_id: int, user_id: str | None, anonymous_id: str | None
) -> EndUser:
    request = SessionRequest(app_key="-", user_id=user_id, anonymous_id=anonymous_id)
    user = store.end_user(session, app_id, request.external_id)
    return user or remember_user(session=session, app_id=app_id, request=request)


def find_or_create_users(
    *, session: Session, app_id: int, keys: Collection[tuple[str | None, str | None]]
) -> dict[tuple[str | None, str | None], int]:
    """`find_or_create_user` for many (user_id, anonymous_id) pairs in two or three queries:
    the row id of each pair's end user, created (without traits) when missing."""
    external = {
        key: SessionRequest(app_key="-", user_id=key[0], anonymous_id=key[1]).external_id
        for key in keys
    }
    found = store.end_user_ids(session, app_id, set(external.values()))
    missing = {
        external_id: key for key, external_id in external.items() if external_id not in found
    }
    if missing:
        now = utcnow()
        store.insert_end_users_or_ignore(
            session,
            [
                {
                    "app_id": app_id,
                    "external_id": external_id,
                    "is_anonymous": key[0] is None,
                    "traits": {},
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
                for external_id, key in sorted(missing.items())
            ],
        )
        found.update(store.end_user_ids(session, app_id, set(missing)))
    return {key: found[external_id] for key, external_id in external.items()}
