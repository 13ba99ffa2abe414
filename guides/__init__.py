"""The guide domain: apps, guides, steps, versions, targeting, sanitizing, delivery."""

from guides.apps import app_for_key, check_origin, create_app, normalize_origin
from guides.authoring import SavedGuide, guide_document, save_guide
from guides.delivery import DeliveryCache, SessionRequest, start_session
from guides.documents import GuideDocument, StepDocument
from guides.errors import SignpostError
from guides.models import App, EndUser, Guide, GuideState, GuideStep, GuideVersion
from guides.publishing import archive_guide, publish_guide, rollback_guide, unpublish_guide

__all__ = [
    "App",
    "DeliveryCache",
    "EndUser",
    "Guide",
    "GuideDocument",
    "GuideState",
    "GuideStep",
    "GuideVersion",
    "SavedGuide",
    "SessionRequest",
    "SignpostError",
    "StepDocument",
    "app_for_key",
    "archive_guide",
    "check_origin",
    "create_app",
    "guide_document",
    "normalize_origin",
    "publish_guide",
    "rollback_guide",
    "save_guide",
    "start_session",
    "unpublish_guide",
]
