"""The visual element picker and the draft preview, without a browser extension.

The admin makes a short-lived signed token and opens the customer's page with it in the URL
fragment (never sent to any server by the browser). The SDK sees it, loads its authoring
module, and sends the element the author clicked back with the token; the admin's editor
polls for it. The same token lets the SDK fetch the unpublished draft to preview it on the
page, for the author alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Field as Column
from sqlmodel import Session, SQLModel

from guides.columns import JSONColumn, UTCDateTime, utcnow
from guides.errors import Forbidden, InvalidPayload, NotFound

PICK_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
TOKEN_MAX_LENGTH = 1000


class ElementPick(SQLModel, table=True):
    """One "Pick element" click in the admin, and the element the author then picked."""

    __tablename__ = "element_pick"

    id: str = Column(primary_key=True, max_length=64)
    guide_id: int = Column(foreign_key="guide.id", index=True, ondelete="CASCADE")
    step_index: int
    user_id: int | None = Column(default=None, foreign_key="admin_user.id", ondelete="SET NULL")
    target: dict[str, Any] | None = Column(default=None, sa_type=JSONColumn)
    created_at: datetime = Column(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Column(sa_type=UTCDateTime)
    picked_at: datetime | None = Column(default=None, sa_type=UTCDateTime)


class PickedTarget(BaseModel):
    """What the SDK reports about the clicked element; `selector` is what a step's target
    uses, the rest describes the element to the author (and helps find it again)."""

    model_config = ConfigDict(extra="forbid")

    selector: str = Field(min_length=1, max_length=1000)
    test_id: str | None = Field(None, max_length=200)
    id: str | None = Field(None, max_length=200)
    name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=40)
    label: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=200)
    path: str | None = Field(None, max_length=1000)


@dataclass(frozen=True)
class AuthoringGrant:
    pick_id: str
    guide_id: int
    app_id: int
    step_index: int
    expires_at: int


def sign_token(secret: str, grant: AuthoringGrant) -> str:
    payload = json.dumps(
        {
            "p": grant.pick_id,
            "g": grant.guide_id,
            "a": grant.app_id,
            "s": grant.step_index,
            "e": grant.expires_at,
        },
        separators=(",", ":"),
    ).encode()
    body = _b64(payload)
    return body + "." + _b64(_mac(secret, body))


def read_token(secret: str, token: str, *, now: datetime | None = None) -> AuthoringGrant:
    """The grant in a token signed by this server and not expired; Forbidden otherwise."""
    if not token or len(token) > TOKEN_MAX_LENGTH or token.count(".") != 1:
        raise Forbidden("this authoring link is not valid; open it again from the admin")
    body, signature = token.split(".")
    if not hmac.compare_digest(_b64(_mac(secret, body)), signature):
        raise Forbidden("this authoring link is not valid; open it again from the admin")
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        grant = AuthoringGrant(
            pick_id=str(data["p"]),
            guide_id=int(data["g"]),
            app_id=int(data["a"]),
            step_index=int(data["s"]),
            expires_at=int(data["e"]),
        )
    except (ValueError, KeyError, TypeError):
        raise Forbidden("this authoring link is not valid; open it again from the admin") from None
    if grant.expires_at < int((now or utcnow()).timestamp()):
        raise Forbidden("this authoring link has expired; open it again from the admin")
    return grant


def _mac(secret: str, body: str) -> bytes:
    return hmac.new(
        secret.encode(), b"signpost-authoring:" + body.encode(), hashlib.sha256
    ).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def start_pick(
    *,
    session: Session,
    pick_id: str,
    guide_id: int,
    step_index: int,
    user_id: int,
    lifetime: timedelta,
) -> ElementPick:
    if not PICK_ID.fullmatch(pick_id) or session.get(ElementPick, pick_id) is not None:
        raise InvalidPayload(
            "not a fresh pick id", fields=[{"field": "pick_id", "message": "invalid"}]
        )
    pick = ElementPick(
        id=pick_id,
        guide_id=guide_id,
        step_index=step_index,
        user_id=user_id,
        expires_at=utcnow() + lifetime,
    )
    session.add(pick)
    session.flush()
    return pick


def record_pick(*, session: Session, grant: AuthoringGrant, target: PickedTarget) -> ElementPick:
    pick = session.get(ElementPick, grant.pick_id)
    if pick is None or pick.guide_id != grant.guide_id:
        raise NotFound("this pick was not started in the admin")
    pick.target = target.model_dump(mode="json")
    pick.picked_at = utcnow()
    session.add(pick)
    session.flush()
    return pick


def pick_of_guide(session: Session, guide_id: int, pick_id: str) -> ElementPick | None:
    pick = session.get(ElementPick, pick_id) if PICK_ID.fullmatch(pick_id) else None
    return pick if pick is not None and pick.guide_id == guide_id else None
