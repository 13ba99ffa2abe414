"""Why did a guide show, or not, to one end user: the decision trace for the admin.

The audience, history and control-group steps are the server's own delivery code
(`guides.decision.decide`, run with a trace). The page and frequency steps are the rules
the SDK applies in the browser, in their server twins that are tested against the same
fixtures as `sdk/src/rules.js` (`guides.targeting.page_matches`, `is_due`). Whether the
step's target was found comes from the user's latest step events for the guide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import Session

from analytics.models import Event, EventType
from guides import store
from guides.decision import Check, Outcome, UserFacts, decide
from guides.delivery import LiveGuide
from guides.errors import EndUserNotFound, GuideNotFound
from guides.history import user_history
from guides.models import Guide
from guides.targeting import PageRules, is_due, page_matches

LATEST_EVENTS = 50


@dataclass(frozen=True)
class DecisionTrace:
    guide: Guide
    user: str
    url: str
    checks: list[Check]

    @property
    def blocked_by(self) -> Check | None:
        """The first step that keeps the guide from the user, if one does."""
        return next((check for check in self.checks if check.verdict == "fail"), None)


def _latest_events(session: Session, end_user_id: int, guide_id: int | None) -> list[Any]:
    events = Event.__table__  # type: ignore[attr-defined]
    query = select_columns(
        events.c.type, events.c.url, events.c.step_index, events.c.occurred_at
    ).where(events.c.end_user_id == end_user_id)
    if guide_id is not None:
        query = query.where(
            events.c.guide_id == guide_id,
            events.c.type.in_([EventType.step_shown, EventType.target_missing]),
        )
    return list(session.execute(query.order_by(events.c.occurred_at.desc()).limit(1)).all())


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _page_check(snapshot: dict[str, Any], url: str) -> Check:
    trigger = (snapshot.get("trigger") or {}).get("type", "page_load")
    if not url:
        return Check("page", "n/a", "no page known: the user sent no event yet; give a URL")
    rules = PageRules.model_validate(snapshot.get("pages") or {})
    if not rules.include and not rules.exclude:
        return Check("page", "pass", f"no page rules: every page ({trigger} trigger)")
    if page_matches(rules, url):
        return Check("page", "pass", f"{url} matches the page rules ({trigger} trigger)")
    return Check("page", "fail", f"{url} does not match the page rules")


def _frequency_check(frequency: str, state: Any) -> Check:
    facts = {
        "seen": bool(state and state.seen),
        "current_step": state.current_step if state else 0,
        "completed": bool(state and state.completed),
        "dismissed": bool(state and state.dismissed),
    }
    shown = ", ".join(f"{key} {value}" for key, value in facts.items())
    if is_due(frequency, facts):
        return Check("frequency", "pass", f"{frequency}: due ({shown})")
    return Check("frequency", "fail", f"{frequency}: not due again ({shown})")


def _target_check(session: Session, end_user_id: int, guide_id: int) -> Check:
    latest = _latest_events(session, end_user_id, guide_id)
    if not latest:
        return Check("target", "n/a", "no step of this guide was due for the user yet")
    type_, _url, step, at = latest[0]
    place = f"step {(step or 0) + 1}"
    if type_ == EventType.target_missing:
        return Check("target", "fail", f"{place}: target missing on {_when(at)} (latest)")
    return Check("target", "pass", f"{place}: target found and shown on {_when(at)} (latest)")


def decision_trace(
    *, session: Session, app_id: int, guide_id: int, user: str, url: str = ""
) -> DecisionTrace:
    """Every delivery step's verdict for `user` (an external user id, or `anon:<id>`) and the
    guide; `url` is the page to judge, else the page of the user's latest event."""
    guide = session.get(Guide, guide_id)
    if guide is None or guide.app_id != app_id:
        raise GuideNotFound(f"no guide with id {guide_id}")
    end_user = store.end_user(session, app_id, user)
    if end_user is None or end_user.id is None:
        raise EndUserNotFound(f"no end user {user[:100]!r} in this app")
    checks: list[Check] = []
    version = store.version(session, guide_id, guide.live_version) if guide.live_version else None
    if version is None:
        checks.append(Check("published", "fail", "not published: only live guides are delivered"))
        return DecisionTrace(guide, user, url, checks)
    snapshot = version.snapshot
    checks.append(Check("published", "pass", f"version {version.number} is live"))
    if not url:
        latest = _latest_events(session, end_user.id, None)
        url = latest[0][1] if latest else ""
    checks.append(_page_check(snapshot, url))
    live = LiveGuide.of(snapshot)
    history = user_history(
        session, app_id=app_id, end_user_id=end_user.id, conditions=live.audience.history
    )
    facts = UserFacts(app_id, user, end_user.traits, history)
    outcome = decide(live, facts, checks)
    state = store.guide_state(session, end_user.id, guide_id)
    checks.append(_frequency_check(str(snapshot.get("frequency", "once")), state))
    checks.append(Check("throttle", "n/a", "Signpost has no limit across guides in this version"))
    if outcome is Outcome.delivered:
        checks.append(_target_check(session, end_user.id, guide_id))
    else:
        checks.append(Check("target", "n/a", "the guide is not delivered to this user"))
    return DecisionTrace(guide, user, url, checks)


__all__ = ["DecisionTrace", "decision_trace"]
