"""Anticipation settings of an app: whether the SDK detects struggle, which signals, and how
long a guide step may stay open before the user counts as stalled on it. Stored in
`App.struggle` ({} means the defaults: every signal on) and delivered in the session answer."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session

from guides import json_codec
from guides.errors import AppNotFound, InvalidPayload, fields_from_pydantic
from guides.models import App


class StruggleSignal(StrEnum):
    """What a `struggle_detected` event's `properties.signal` says the user went through."""

    rage_click = "rage_click"
    dead_click = "dead_click"
    error_click = "error_click"
    form_abandoned = "form_abandoned"
    u_turn = "u_turn"
    step_stall = "step_stall"
    guide_restart = "guide_restart"


DEFAULT_STALL_SECONDS = 60


class StruggleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    signals: list[StruggleSignal] = Field(default_factory=lambda: list(StruggleSignal))
    # A step open this long counts as a stall.
    stall_seconds: int = Field(DEFAULT_STALL_SECONDS, ge=2, le=3600)

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> StruggleSettings:
        """The settings stored on an app; defaults for anything missing or no longer valid."""
        try:
            return cls.model_validate(stored or {})
        except ValidationError:
            return cls()

    def for_sdk(self) -> dict[str, Any]:
        """The `struggle` part of the session answer (docs/sdk-protocol.md)."""
        return {
            "enabled": self.enabled and bool(self.signals),
            "signals": [signal.value for signal in StruggleSignal if signal in self.signals],
            "stall_ms": self.stall_seconds * 1000,
        }


def struggle_for_sdk(stored: dict[str, Any] | None) -> dict[str, Any]:
    """`StruggleSettings.of(stored).for_sdk()`, remembered by the stored settings' JSON: it
    is in every session answer, and validating it there was a tenth of the answer's time
    (bench/delivery.py). The dict returned is shared: read it, never change it."""
    return _struggle_for_sdk(json_codec.dumps_bytes(stored or {}))


@lru_cache(maxsize=1024)
def _struggle_for_sdk(stored: bytes) -> dict[str, Any]:
    return StruggleSettings.of(json_codec.loads(stored)).for_sdk()


def update_struggle(*, session: Session, app_id: int, settings: dict[str, Any]) -> App:
    """Set an app's struggle detection; `InvalidPayload` names each wrong field."""
    app = session.get(App, app_id)
    if app is None:
        raise AppNotFound(f"no app with id {app_id}")
    try:
        checked = StruggleSettings.model_validate(settings)
    except ValidationError as exc:
        raise InvalidPayload(
            "invalid struggle settings",
            fields=fields_from_pydantic(exc.errors(), prefix="struggle"),
        ) from None
    app.struggle = checked.model_dump(mode="json")
    session.add(app)
    session.flush()
    return app


__all__ = ["DEFAULT_STALL_SECONDS", "StruggleSettings", "StruggleSignal", "update_struggle"]
