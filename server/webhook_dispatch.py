"""The webhook dispatcher: one thread per server process sends the due deliveries of the
outbox (analytics/webhooks.py), signed, and schedules a retry with exponential back-off and
jitter after a failure. A lease on each row keeps two processes from sending it at once."""

from __future__ import annotations

import logging
import random
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

from sqlalchemy.exc import DisconnectionError, OperationalError

from analytics.outbound import ALLOW_SETTING, resolved_problem
from analytics.webhooks import (
    WebhookEndpoint,
    any_due,
    body_of,
    claim_due,
    record_attempt,
    signature,
    signing_secret,
)
from server.db import Database

POLL_SECONDS = 0.5
logger = logging.getLogger("signpost.webhooks")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer that is not 2xx: retried later, never followed


_opener = urllib.request.build_opener(_NoRedirect)


class WebhookDispatcher:
    def __init__(
        self,
        db: Database,
        server_key: str,
        *,
        retry_seconds: float,
        timeout_seconds: float,
        allow_private: bool = False,
    ) -> None:
        self.db = db
        self.server_key = server_key
        self.allow_private = allow_private
        self.retry_seconds = retry_seconds
        self.timeout_seconds = timeout_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="signpost-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout_seconds + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.send_due()
            except (OperationalError, DisconnectionError) as exc:
                logger.warning("webhooks: database unavailable: %s", exc)
                sent = 0
            except Exception:
                logger.exception("webhooks: dispatch failed")
                sent = 0
            if not sent:
                self._stop.wait(POLL_SECONDS)

    def send_due(self) -> int:
        """Send every delivery due now; returns how many were tried."""
        now = datetime.now(UTC)
        with self.db.read() as session:
            if not any_due(session, now):
                return 0
        with self.db.write() as session:
            claimed = claim_due(session, now)
            work = []
            for delivery in claimed:
                endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
                if endpoint is None or delivery.id is None:
                    continue
                secret = signing_secret(self.server_key, delivery.endpoint_id, endpoint.salt)
                work.append(
                    (delivery.id, endpoint.url, secret, delivery.event_type, body_of(delivery))
                )
        for delivery_id, url, secret, event_type, body in work:
            ok, status, error = self._post(delivery_id, url, secret, event_type, body)
            with self.db.write() as session:
                record_attempt(
                    session,
                    delivery_id,
                    ok=ok,
                    status_code=status,
                    error=error,
                    now=datetime.now(UTC),
                    retry_seconds=self.retry_seconds,
                    jitter=random.random(),
                )
        return len(work)

    def _post(
        self, delivery_id: int, url: str, secret: str, event_type: str, body: bytes
    ) -> tuple[bool, int | None, str]:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Signpost-Webhooks/1",
            "Signpost-Event": event_type,
            "Signpost-Delivery": str(delivery_id),
            "Signpost-Signature": signature(secret, int(time.time()), body),
        }
        if not self.allow_private and (problem := resolved_problem(url)):
            return False, None, f"not sent: {problem} ({ALLOW_SETTING})"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with _opener.open(request, timeout=self.timeout_seconds) as response:
                status = int(response.status)
                return 200 <= status < 300, status, ""
        except urllib.error.HTTPError as exc:
            return False, exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return False, None, str(reason)[:500]
