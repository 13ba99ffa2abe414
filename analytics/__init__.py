"""Adoption analytics: event validation, de-duplication and ingestion, rollups, and the
reports customer-success teams read (guide page, funnels, surveys, overview, journeys)."""

from analytics.friction import FrictionReport, FrictionRow, friction_report
from analytics.funnels import FunnelStep, step_funnel
from analytics.guide_page import GuidePage, guide_page
from analytics.ingest import EventBatch, IngestResult, record_events
from analytics.journeys import Journey, user_journey
from analytics.models import Event, EventType
from analytics.overview import (
    GuideAdoption,
    Verdict,
    adoption_overview,
    checklist_progress,
    unanswered_searches,
)
from analytics.privacy import delete_end_user, export_end_user
from analytics.rollups import rebuild_rollups
from analytics.segments import Segment, trait_breakdown, trait_names
from analytics.store import Period
from analytics.summary import GuideSummary, guide_summary, guide_trend, version_breakdown
from analytics.surveys import QuestionResult, survey_comments, survey_results

__all__ = [
    "Event",
    "EventBatch",
    "EventType",
    "FrictionReport",
    "FrictionRow",
    "FunnelStep",
    "GuideAdoption",
    "GuidePage",
    "GuideSummary",
    "IngestResult",
    "Journey",
    "Period",
    "QuestionResult",
    "Segment",
    "Verdict",
    "adoption_overview",
    "checklist_progress",
    "delete_end_user",
    "export_end_user",
    "friction_report",
    "guide_page",
    "guide_summary",
    "guide_trend",
    "rebuild_rollups",
    "record_events",
    "step_funnel",
    "survey_comments",
    "survey_results",
    "trait_breakdown",
    "trait_names",
    "unanswered_searches",
    "user_journey",
    "version_breakdown",
]
