"""Apps: creating them, finding them by public key, and checking the browser's origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import Session

from guides import store
from guides.errors import InvalidPayload, OriginNotAllowed, UnknownAppKey
from guides.models import App
from guides.sanitize import clean_text


def normalize_origin(origin: str) -> str:
    """`https://App.example.com:443/path` → `https://app.example.com`; refuses what is not one."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidPayload(
            f"{origin!r} is not an origin like https://app.example.com",
            fields=[{"field": "allowed_origins", "message": "not an http(s) origin"}],
        )
    default_port = 443 if parts.scheme == "https" else 80
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def create_app(*, session: Session, name: str, allowed_origins: list[str]) -> App:
    name = clean_text(name)
    if not name:
        raise InvalidPayload("an app needs a name", fields=[{"field": "name", "message": "empty"}])
    origins = sorted({normalize_origin(origin) for origin in allowed_origins})
    app = App(name=name, allowed_origins=origins)
    session.add(app)
    session.flush()
    return app


UNKNOWN_KEY_MESSAGE = "no app has this key; copy the snippet again from the install page"


def app_for_key(session: Session, public_key: str) -> App:
    app = store.app_by_key(session, public_key) if public_key else None
    if app is None:
        raise UnknownAppKey(UNKNOWN_KEY_MESSAGE)
    return app


def check_origin(app: App, origin: str | None) -> None:
    """Browsers name the page's origin; only the app's own may call the SDK endpoints."""
    check_allowed(app.allowed_origins, origin)


def check_allowed(allowed_origins: list[str], origin: str | None) -> None:
    if origin is None:
        return
    if origin not in allowed_origins:
        raise OriginNotAllowed(
            f"the origin {origin} is not allowed for this app; add it to the app's allowed origins"
        )
