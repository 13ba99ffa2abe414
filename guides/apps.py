"""Apps: creating them, finding them by public key, and checking the browser's origin."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from guides import store
from guides.columns import utcnow
from guides.errors import AppNotFound, InvalidPayload, OriginNotAllowed, UnknownAppKey
from guides.models import App, AppSecret, new_public_key
from guides.sanitize import clean_text
from guides.themes import validate_theme

MAX_ORIGINS = 50


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
    name = _clean_name(name)
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


def app_row_for_events(rows: store.Rows, public_key: str, origin: str | None) -> Any:
    """`app_for_key` and `check_origin` as one plain row (id, allowed_origins,
    identity_mode): what ingestion needs, cheap enough to read on the event loop."""
    app = store.app_for_events(rows, public_key) if public_key else None
    if app is None:
        raise UnknownAppKey(UNKNOWN_KEY_MESSAGE)
    check_allowed(app.allowed_origins, origin)
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


def _clean_name(name: str) -> str:
    name = clean_text(name)
    if not name:
        raise InvalidPayload("an app needs a name", fields=[{"field": "name", "message": "empty"}])
    if len(name) > 200:
        raise InvalidPayload(
            "an app's name has at most 200 characters",
            fields=[{"field": "name", "message": "too long"}],
        )
    return name


def parse_origins(text: str) -> list[str]:
    """Origins typed one per line (or separated by spaces or commas), normalized."""
    origins = [part for part in text.replace(",", " ").split() if part]
    if len(origins) > MAX_ORIGINS:
        raise InvalidPayload(
            f"at most {MAX_ORIGINS} origins",
            fields=[{"field": "allowed_origins", "message": "too many"}],
        )
    return sorted({normalize_origin(origin) for origin in origins})


def update_app(*, session: Session, app_id: int, name: str, allowed_origins: list[str]) -> App:
    app = get_app(session, app_id)
    app.name = _clean_name(name)
    app.allowed_origins = sorted({normalize_origin(origin) for origin in allowed_origins})
    session.add(app)
    session.flush()
    return app


def rotate_public_key(*, session: Session, app_id: int) -> App:
    """A new public key; pages still carrying the old one stop receiving guides at once."""
    app = get_app(session, app_id)
    app.public_key = new_public_key()
    session.add(app)
    session.flush()
    return app


def identity_secret(server_key: str, app_id: int, salt: str) -> str:
    """The HS256 secret of an app's identity tokens, derived, never stored."""
    digest = hmac.new(
        server_key.encode(), f"identity:{app_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return "sk_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_identity_secret(*, session: Session, app_id: int, server_key: str) -> tuple[AppSecret, str]:
    """A new identity-verification secret, shown once. The previous one stays valid so
    servers can switch over; older ones are revoked (at most two are active)."""
    get_app(session, app_id)
    salt = secrets.token_urlsafe(24)
    secret = identity_secret(server_key, app_id, salt)
    row = AppSecret(
        app_id=app_id, salt=salt, fingerprint=hashlib.sha256(secret.encode()).hexdigest()[:12]
    )
    for older in store.active_app_secrets(session, app_id)[1:]:
        older.revoked_at = utcnow()
        session.add(older)
    session.add(row)
    session.flush()
    return row, secret


def identity_secrets(*, session: Session, app_id: int, server_key: str) -> list[str]:
    """Every active identity secret of an app, newest first, for verifying user tokens."""
    return [
        identity_secret(server_key, app_id, row.salt)
        for row in store.active_app_secrets(session, app_id)
    ]


def get_app(session: Session, app_id: int) -> App:
    app = session.get(App, app_id)
    if app is None:
        raise AppNotFound(f"no app with id {app_id}")
    return app


def update_theme(*, session: Session, app_id: int, values: dict[str, str]) -> App:
    """Set the app's theme (what every guide of the app looks like); see `validate_theme`."""
    app = get_app(session, app_id)
    app.theme = validate_theme(values)
    session.add(app)
    session.flush()
    return app
