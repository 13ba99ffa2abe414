"""Adoption analytics: event validation, de-duplication and ingestion."""

from analytics.ingest import EventBatch, IngestResult, record_events
from analytics.models import Event, EventType

__all__ = ["Event", "EventBatch", "EventType", "IngestResult", "record_events"]
