"""Adoption across all guides of an app: which guides help, which are ignored or dismissed,
how far users get through checklists, and what users search the resource center for without
finding it. Reads rollups only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from analytics import store
from analytics.store import Period
from analytics.summary import GuideSummary

HELPING_FROM = 0.5  # completion rate at or above which a guide helps
DISMISSED_FROM = 0.5  # dismiss rate at or above which a guide is mostly dismissed
SEARCH_ROWS = 20


class Verdict(StrEnum):
    unseen = "unseen"  # nobody saw it in the period
    helping = "helping"  # at least half of its users completed it
    dismissed = "dismissed"  # at least half of its users closed it
    ignored = "ignored"  # seen, but most users neither completed nor dismissed it


@dataclass(frozen=True)
class GuideAdoption:
    guide_id: int
    slug: str
    name: str
    kind: str
    status: str
    summary: GuideSummary

    @property
    def verdict(self) -> Verdict:
        completion, dismissal = self.summary.completion_rate, self.summary.dismiss_rate
        if completion is None or dismissal is None:
            return Verdict.unseen
        if completion >= HELPING_FROM:
            return Verdict.helping
        if dismissal >= DISMISSED_FROM:
            return Verdict.dismissed
        return Verdict.ignored


@dataclass(frozen=True)
class ChecklistItem:
    guide_id: int
    guide_name: str
    item: str
    completions: int
    users: int


@dataclass(frozen=True)
class UnansweredSearch:
    query: str
    searches: int
    zero_results: int


def adoption_overview(session: Session, *, app_id: int, period: Period) -> list[GuideAdoption]:
    """Every guide of the app (archived ones only when they had activity), most users first."""
    guides = store.guides_by_id(session, app_id)
    totals = store.app_guide_totals(session, app_id=app_id, period=period)
    empty = dict.fromkeys(store.GUIDE_COUNTERS, 0)
    rows = [
        GuideAdoption(
            guide_id=guide_id,
            slug=guide.slug,
            name=guide.name,
            kind=guide.kind,
            status=guide.status,
            summary=GuideSummary.from_counts(totals.get(guide_id, empty)),
        )
        for guide_id, guide in guides.items()
        if guide.status != "archived" or guide_id in totals
    ]
    return sorted(rows, key=lambda row: (-row.summary.users, row.slug))


def checklist_progress(session: Session, *, app_id: int, period: Period) -> list[ChecklistItem]:
    """Each checklist item completed in the period, by guide and then most users first."""
    guides = store.guides_by_id(session, app_id)
    rows = [
        ChecklistItem(
            guide_id=guide_id,
            guide_name=guides[guide_id].name if guide_id in guides else "",
            item=item,
            completions=completions,
            users=users,
        )
        for guide_id, item, completions, users in store.checklist_item_rows(
            session, app_id=app_id, period=period
        )
    ]
    return sorted(rows, key=lambda row: (row.guide_name, row.guide_id, -row.users, row.item))


def unanswered_searches(
    session: Session, *, app_id: int, period: Period, limit: int = SEARCH_ROWS
) -> list[UnansweredSearch]:
    """Resource-center queries that found nothing, the most frequent first."""
    return [
        UnansweredSearch(query, searches, zero)
        for query, searches, zero in store.search_rows(
            session, app_id=app_id, period=period, limit=limit
        )
    ]
