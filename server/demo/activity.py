"""Two months of made-up but plausible end-user activity for the demo app, so its analytics
pages have something to show: users on three plans meeting the welcome tour, the export
tip, a feedback survey and a getting-started checklist, and searching the resource center.

Everything goes through `record_events`, exactly as the SDK's batches do, so rollups, guide
states and raw events agree. Seeded once (when the app has no events), and the same every
time: the random generator has a fixed seed."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from analytics import EventBatch, record_events
from analytics.store import app_has_events
from guides import App
from guides import store as guide_store
from guides.delivery import SessionRequest, remember_user
from server.db import Database

DAYS = 60
USERS = 180
SEED = 20261123
PLANS = [("free", 0.55), ("pro", 0.35), ("enterprise", 0.10)]
ROLES = ["admin", "analyst", "viewer"]
# How much more often each plan finishes what it starts (pro users are keener).
KEENNESS = {"free": 0.85, "pro": 1.0, "enterprise": 1.1}
SEARCHES = [
    ("export to pdf", 3),
    ("share report", 2),
    ("dark mode", 0),
    ("single sign-on", 0),
    ("api key", 0),
    ("schedule digest", 1),
    ("delete account", 0),
    ("csv", 4),
    ("custom domain", 0),
]
COMMENTS = {
    "high": ["Sharing is so quick now", "Love the weekly digest", "Exports just work"],
    "mid": ["Good, but I miss dark mode", "Charts could load faster"],
    "low": ["Too hard to find the export button", "I need SSO for my team", "Slow on big reports"],
}


@dataclass
class _User:
    external_id: str
    traits: dict[str, Any]
    start: datetime
    events: list[dict[str, Any]] = field(default_factory=list)


class _Activity:
    def __init__(self, rng: random.Random, guides: dict[str, tuple[int, int]], url: str) -> None:
        self.rng = rng
        self.guides = guides  # slug -> (guide id, live version)
        self.url = url

    def event(self, user: _User, at: datetime, type: str, **fields: Any) -> datetime:
        ms = int(at.timestamp() * 1000)
        rand = self.rng.getrandbits(74)
        # A UUIDv7 made from the event's time, as the SDK makes them.
        value = (
            (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & (2**62 - 1))
        )
        body: dict[str, Any] = {
            "event_id": str(uuid.UUID(int=value)),
            "type": type,
            "timestamp": at.isoformat(),
            "url": self.url + fields.pop("path", "/demo"),
        }
        body.update(fields)
        user.events.append(body)
        return at + timedelta(seconds=self.rng.uniform(2, 40))

    def guide(self, slug: str) -> dict[str, Any]:
        guide_id, version = self.guides[slug]
        return {"guide_id": guide_id, "guide_version": version}

    def seconds(self, typical: float) -> int:
        return int(self.rng.lognormvariate(0, 0.6) * typical * 1000)

    def dismiss(self, user: _User, at: datetime, slug: str, step: int | None) -> datetime:
        reason = self.rng.choices(
            ["dismissed", "navigated_away", "target_missing", "timed_out", "error"],
            [60, 25, 8, 5, 2],
        )[0]
        if reason == "target_missing" and step is not None:
            at = self.event(user, at, "target_missing", **self.guide(slug), step_index=step)
        props = {"reason": reason, "duration_ms": self.seconds(6)}
        extra = {"step_index": step} if step is not None else {}
        return self.event(
            user, at, "guide_dismissed", **self.guide(slug), **extra, properties=props
        )

    def walkthrough(self, user: _User, at: datetime, slug: str, steps: list[float]) -> None:
        """Shown, then step by step; each step is finished or the user leaves."""
        keen = KEENNESS[user.traits["plan"]]
        at = self.event(user, at, "guide_shown", **self.guide(slug))
        for index, (chance, typical) in enumerate(zip(steps, [5, 9, 7, 4], strict=False)):
            at = self.event(user, at, "step_shown", **self.guide(slug), step_index=index)
            if self.rng.random() > min(0.98, chance * keen):
                if self.rng.random() < 0.85:
                    self.dismiss(user, at, slug, index)
                return
            props = {"duration_ms": self.seconds(typical)}
            at = self.event(
                user, at, "step_completed", **self.guide(slug), step_index=index, properties=props
            )
        self.event(user, at, "guide_completed", **self.guide(slug), properties=props)

    def survey(self, user: _User, at: datetime) -> None:
        at = self.event(user, at, "guide_shown", **self.guide("feedback-survey"))
        if self.rng.random() < 0.3:
            self.dismiss(user, at, "feedback-survey", 0)
            return
        bias = {"free": 0, "pro": 1, "enterprise": 1}[user.traits["plan"]]
        nps = min(10, max(0, round(self.rng.gauss(7.4 + bias, 2.0))))
        answers = [
            ("nps", "nps", nps),
            ("csat", "csat", min(5, max(1, round(self.rng.gauss(3.9 + bias / 2, 0.9))))),
            ("ces", "ces", min(7, max(1, round(self.rng.gauss(5.2 + bias / 2, 1.2))))),
        ]
        for index, (question, scale, value) in enumerate(answers):
            at = self.event(
                user, at, "step_shown", **self.guide("feedback-survey"), step_index=index
            )
            props: dict[str, Any] = {"question": question, "scale": scale, "value": value}
            if question == "nps" and self.rng.random() < 0.4:
                mood = "high" if value >= 9 else "mid" if value >= 7 else "low"
                props["comment"] = self.rng.choice(COMMENTS[mood])
            at = self.event(
                user,
                at,
                "survey_answered",
                **self.guide("feedback-survey"),
                step_index=index,
                properties=props,
            )
            if index == 1 and self.rng.random() < 0.15:
                self.dismiss(user, at, "feedback-survey", index)
                return
        self.event(user, at, "guide_completed", **self.guide("feedback-survey"))

    def checklist(self, user: _User, at: datetime) -> None:
        at = self.event(user, at, "guide_shown", **self.guide("getting-started"))
        items = ["create-report", "connect-data", "invite-team", "schedule-digest"]
        chances = [0.85, 0.6, 0.45, 0.3]
        done = 0
        for item, chance in zip(items, chances, strict=True):
            if self.rng.random() < chance * KEENNESS[user.traits["plan"]]:
                at += timedelta(hours=self.rng.uniform(0.1, 30))
                at = self.event(
                    user,
                    at,
                    "checklist_item_completed",
                    **self.guide("getting-started"),
                    properties={"item": item},
                )
                done += 1
        if done == len(items):
            self.event(user, at, "guide_completed", **self.guide("getting-started"))

    def searches(self, user: _User, at: datetime) -> None:
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            query, results = self.rng.choices(SEARCHES, [6, 5, 5, 4, 3, 3, 2, 2, 1])[0]
            at += timedelta(minutes=self.rng.uniform(1, 600))
            self.event(
                user,
                at,
                "resource_center_searched",
                path="/demo/reports",
                properties={"query": query, "results": results},
            )

    def user(self, number: int, now: datetime) -> _User:
        plan = self.rng.choices([p for p, _ in PLANS], [w for _, w in PLANS])[0]
        # More sign-ups lately: the product is growing.
        days_ago = int(DAYS * (1 - self.rng.random() ** 0.7))
        start = now - timedelta(days=days_ago, seconds=self.rng.uniform(3600, 86_000))
        user = _User(
            f"user-{1000 + number}",
            {"plan": plan, "role": self.rng.choice(ROLES), "company": f"Company {number % 37}"},
            start,
        )
        self.walkthrough(user, start, "welcome-tour", [0.92, 0.8, 0.88])
        if self.rng.random() < 0.6:
            later = start + timedelta(hours=self.rng.uniform(1, 24 * 6))
            self.tooltip(user, later)
        if self.rng.random() < 0.7:
            self.checklist(user, start + timedelta(minutes=self.rng.uniform(5, 60)))
        if self.rng.random() < 0.45:
            self.survey(user, start + timedelta(days=self.rng.uniform(1, 10)))
        self.searches(user, start + timedelta(minutes=10))
        user.events = [e for e in user.events if e["timestamp"] < now.isoformat()]
        return user

    def tooltip(self, user: _User, at: datetime) -> None:
        slug = "export-tip"
        at = self.event(user, at, "guide_shown", path="/demo/reports", **self.guide(slug))
        at = self.event(
            user, at, "step_shown", path="/demo/reports", **self.guide(slug), step_index=0
        )
        roll = self.rng.random()
        if roll < 0.4:
            props = {"duration_ms": self.seconds(3)}
            self.event(
                user,
                at,
                "step_completed",
                path="/demo/reports",
                **self.guide(slug),
                step_index=0,
                properties=props,
            )
            self.event(user, at, "guide_completed", path="/demo/reports", **self.guide(slug))
        elif roll < 0.75:
            self.dismiss(user, at, slug, 0)


def seed_demo_activity(
    database: Database, app: App, *, public_url: str, now: datetime | None = None
) -> int:
    """Store the demo's activity unless the app already has events; returns how many."""
    assert app.id is not None
    now = now or datetime.now(UTC)
    with database.read() as session:
        if app_has_events(session, app.id):
            return 0
        guides = {
            guide.slug: (guide.id or 0, guide.live_version or 1)
            for guide in guide_store.guides_of_app(session, app.id)
        }
    activity = _Activity(random.Random(SEED), guides, public_url)
    users = [activity.user(number, now) for number in range(USERS)]
    stored = 0
    with database.write() as session:
        for user in users:
            if not user.events:
                continue
            # As the SDK's session request does: the user and their traits first.
            end_user = remember_user(
                session=session,
                app_id=app.id,
                request=SessionRequest(
                    app_key=app.public_key, user_id=user.external_id, traits=user.traits
                ),
            )
            end_user.first_seen_at = user.start
            end_user.last_seen_at = datetime.fromisoformat(user.events[-1]["timestamp"])
            session.add(end_user)
            batch = EventBatch.model_validate(
                {
                    "app_key": app.public_key,
                    "user_id": user.external_id,
                    "events": user.events,
                }
            )
            stored += record_events(session=session, app=app, batch=batch, received_at=now).accepted
    return stored
