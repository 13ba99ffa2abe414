"""What the lifespan builds once per process and every handler reads from `request.state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from guides.delivery import DeliveryCache
from server.db import Database
from server.group_commit import GroupCommitter
from server.ratelimit import RateLimiter
from server.settings import Settings
from server.webhook_dispatch import WebhookDispatcher

if TYPE_CHECKING:
    from server.sdk_api import Bundle


@dataclass
class AppState:
    settings: Settings
    db: Database
    delivery: DeliveryCache
    bundle: Bundle
    ingest_limit: RateLimiter
    session_limit: RateLimiter
    client_limit: RateLimiter
    committer: GroupCommitter

    @property
    def server_key(self) -> str:
        """The server's secret key: identity-verification secrets are derived from it."""
        return self.settings.ensure_secret_key().get_secret_value()

    webhooks: WebhookDispatcher
