"""Webhooks: per app, endpoints subscribed to event types (guide completed, guide dismissed,
survey answered, struggle detected). A delivery row (the outbox) is written in the same
transaction as the stored event, so an acknowledged event always gets its webhook; the
dispatcher (server/webhook_dispatch.py) sends it, signed, and retries with back-off.

Signature: `Signpost-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
the endpoint's signing secret, which is derived from the server's secret key and a salt
(like identity secrets), so the database alone cannot sign a payload. It is shown once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import UniqueConstraint, bindparam, delete, or_, update
from sqlalchemy import select as select_columns
from sqlmodel import Field, Session, SQLModel, col, select

from analytics.outbound import ALLOW_SETTING, literal_problem
from guides.bulk import select_rows
from guides.columns import JSONColumn, UTCDateTime, utcnow
from guides.errors import InvalidPayload, NotFound

MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(seconds=60)


class WebhookEvent(StrEnum):
    """What an endpoint may subscribe to: the event types of the same names."""

    guide_completed = "guide_completed"
    guide_dismissed = "guide_dismissed"
    survey_answered = "survey_answered"
    struggle_detected = "struggle_detected"


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"  # gave up after MAX_ATTEMPTS; can be resent


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, sa_type=JSONColumn)
    salt: str = Field(max_length=64)
    fingerprint: str = Field(max_length=16, description="First hex digits of the secret's SHA-256.")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint: the outbox row and the delivery log in one."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True, ondelete="CASCADE")
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    event_id: str = Field(max_length=36)
    event_type: str = Field(max_length=40)
    payload: dict[str, Any] = Field(sa_type=JSONColumn)
    status: str = Field(default=DeliveryStatus.pending, max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status_code: int | None = None
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Endpoints


def signing_secret(server_key: str, endpoint_id: int, salt: str) -> str:
    digest = hmac.new(
        server_key.encode(), f"webhook:{endpoint_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return "whsec_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _check(url: str, events: list[str], allow_private: bool) -> list[str]:
    fields = []
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        fields.append({"field": "url", "message": "an http:// or https:// address"})
    elif not allow_private and (problem := literal_problem(url)):
        fields.append({"field": "url", "message": f"a public address: {problem} ({ALLOW_SETTING})"})
    chosen = [event for event in WebhookEvent if event.value in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        fields.append({"field": "events", "message": "choose one or more events"})
    if fields:
        raise InvalidPayload("the webhook cannot be saved: " + fields[0]["message"], fields=fields)
    return [event.value for event in chosen]


def create_endpoint(
    *,
    session: Session,
    app_id: int,
    url: str,
    events: list[str],
    server_key: str,
    allow_private: bool = False,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, which is returned here and never again.
    `allow_private` lets the URL reach a loopback or private address (analytics/outbound.py)."""
    chosen = _check(url, events, allow_private)
    endpoint = WebhookEndpoint(
        app_id=app_id,
        url=url.strip(),
        events=chosen,
        salt=secrets.token_urlsafe(24),
        fingerprint="",
    )
    session.add(endpoint)
    session.flush()
    assert endpoint.id is not None
    secret = signing_secret(server_key, endpoint.id, endpoint.salt)
    endpoint.fingerprint = hashlib.sha256(secret.encode()).hexdigest()[:12]
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def rotate_endpoint_secret(
    *, session: Session, app_id: int, endpoint_id: int, server_key: str
) -> tuple[WebhookEndpoint, str]:
    endpoint = endpoint_of_app(session, app_id, endpoint_id)
    assert endpoint.id is not None
    endpoint.salt = secrets.token_urlsafe(24)
    secret = signing_secret(server_key, endpoint.id, endpoint.salt)
    endpoint.fingerprint = hashlib.sha256(secret.encode()).hexdigest()[:12]
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def delete_endpoint(*, session: Session, app_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_of_app(session, app_id, endpoint_id)
    # Explicitly, not only by the foreign key: SQLite enforces it only when told to.
    session.execute(delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint_id))
    session.delete(endpoint)
    session.flush()
    return endpoint


def endpoint_of_app(session: Session, app_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.app_id != app_id:
        raise NotFound(f"no webhook with id {endpoint_id}")
    return endpoint


def endpoints_of_app(session: Session, app_id: int) -> Sequence[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(WebhookEndpoint.app_id == app_id)
    return session.exec(query.order_by(col(WebhookEndpoint.id))).all()


# The outbox


def enqueue_deliveries(session: Session, app_id: int, events: list[dict[str, Any]]) -> int:
    """Outbox rows for the newly stored events an endpoint of the app subscribed to, in the
    caller's transaction. `events` are stored event rows plus `user` and `anonymous`."""
    wanted = [e for e in events if e["type"] in WebhookEvent.__members__]
    if not wanted:
        return 0
    endpoints = select_rows(session, _ACTIVE_ENDPOINTS, {"app_id": app_id})
    if not endpoints:
        return 0
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            app_id=app_id,
            event_id=str(event["event_id"]),
            event_type=event["type"],
            payload=payload_of(app_id, event),
        )
        for event in wanted
        for endpoint_id, subscribed in endpoints
        if event["type"] in subscribed
    ]
    session.add_all(rows)
    return len(rows)


_ENDPOINTS = WebhookEndpoint.__table__  # type: ignore[attr-defined]
# Built once: the ingestion path asks it for every group of batches.
_ACTIVE_ENDPOINTS = select_columns(_ENDPOINTS.c.id, _ENDPOINTS.c.events).where(
    _ENDPOINTS.c.app_id == bindparam("app_id"), _ENDPOINTS.c.active.is_(True)
)


def payload_of(app_id: int, event: dict[str, Any]) -> dict[str, Any]:
    occurred: datetime = event["occurred_at"]
    return {
        "id": str(event["event_id"]),
        "type": event["type"],
        "app_id": app_id,
        "occurred_at": occurred.isoformat(),
        "user": {"id": event["user"], "anonymous": event["anonymous"]},
        "guide_id": event["guide_id"],
        "guide_version": event["guide_version"],
        "step_index": event["step_index"],
        "url": event["url"],
        "properties": event["properties"],
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def backoff(attempts: int, base_seconds: float, jitter: float) -> timedelta:
    """Exponential, capped, with jitter in [0.5, 1]: `jitter` is a random number in [0, 1)."""
    seconds = min(base_seconds * 2 ** (attempts - 1), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=seconds * (0.5 + jitter / 2))


def any_due(session: Session, now: datetime) -> bool:
    """Whether a delivery waits to be sent: a cheap read before taking the write lock."""
    found = session.exec(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= now,
        )
        .limit(1)
    ).first()
    return found is not None


def claim_due(session: Session, now: datetime, limit: int = 20) -> list[WebhookDelivery]:
    """Pending deliveries whose time has come, leased to this caller so another process
    does not send them at the same time."""
    due = session.exec(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.pending,
            col(WebhookDelivery.next_attempt_at) <= now,
            or_(
                col(WebhookDelivery.locked_until).is_(None),
                col(WebhookDelivery.locked_until) < now,
            ),
        )
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
    ).all()
    claimed = []
    for delivery in due:
        result = session.execute(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == delivery.id,
                or_(
                    col(WebhookDelivery.locked_until).is_(None),
                    col(WebhookDelivery.locked_until) < now,
                ),
            )
            .values(locked_until=now + LEASE)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery)
    return claimed


def record_attempt(
    session: Session,
    delivery_id: int,
    *,
    ok: bool,
    status_code: int | None,
    error: str,
    now: datetime,
    retry_seconds: float,
    jitter: float,
) -> None:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:500]
    delivery.locked_until = None
    if ok:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.failed
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts, retry_seconds, jitter)
    session.add(delivery)


def resend_delivery(*, session: Session, app_id: int, delivery_id: int) -> WebhookDelivery:
    """Send it again now, whatever happened before (receivers dedupe by `Signpost-Delivery`)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.app_id != app_id:
        raise NotFound(f"no webhook delivery with id {delivery_id}")
    delivery.status = DeliveryStatus.pending
    delivery.next_attempt_at = utcnow()
    delivery.locked_until = None
    session.add(delivery)
    session.flush()
    return delivery


def deliveries_of_endpoint(
    session: Session, endpoint_id: int, limit: int = 100
) -> Sequence[WebhookDelivery]:
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    return session.exec(query.order_by(col(WebhookDelivery.id).desc()).limit(limit)).all()
