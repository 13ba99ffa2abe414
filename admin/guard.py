"""Every admin route goes through one of these wrappers, so none can forget a check:

- `page(handler, role)`: a GET. Anonymous visitors are sent to the login page; a member
  whose role is below `role` gets the 403 page.
- `action(handler, role)`: a state-changing POST. As `page`, plus a CSRF check: the form's
  `csrf_token` (or the `X-CSRF-Token` header) must equal the session's, and a request another
  site started (by `Origin` or `Sec-Fetch-Site`) is refused.
- `public(handler)`: login and invitation pages, reachable signed out.

Handlers are plain functions run in a worker thread; they read `request.state.admin` (a
`SignedIn`) and, for actions, `request.state.form`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.forms import read_form
from guides.errors import Forbidden
from server.accounts import Role
from server.sessions import SignedIn, signed_in
from server.settings import Settings
from server.state import AppState

Handler = Callable[[Request], Response]

CSRF_REFUSED = (
    "This form did not come from a Signpost page you have open, or it has expired. "
    "Reload the page and try again."
)


def session_cookie_name(settings: Settings) -> str:
    # `__Host-` needs Secure, and browsers drop Secure cookies on plain http.
    return "__Host-signpost_admin" if secure_cookies(settings) else "signpost_admin"


def login_cookie_name(settings: Settings) -> str:
    return "__Host-signpost_login" if secure_cookies(settings) else "signpost_login"


def secure_cookies(settings: Settings) -> bool:
    return settings.public_url.startswith("https://")


def current_admin(request: Request) -> SignedIn:
    admin = request.state.admin
    assert isinstance(admin, SignedIn)
    return admin


def load_admin(request: Request) -> SignedIn | None:
    state: AppState = request.state.signpost
    token = request.cookies.get(session_cookie_name(state.settings))
    with state.db.read() as session:
        return signed_in(session, token)


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = str(request.url_for("admin:login"))
    if request.method == "GET" and target != "/admin/":
        url += "?next=" + quote(target, safe="/")
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str | None:
    """A local admin path to go back to after login, never another site."""
    if not value or not value.startswith("/admin/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 32 for ch in value):
        return None
    return value


def check_same_site(request: Request) -> None:
    """Refuse a request another site's page started."""
    state: AppState = request.state.signpost
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden(CSRF_REFUSED)
    origin = request.headers.get("origin")
    if origin is None:
        return
    allowed = {_origin_of(str(request.base_url)), _origin_of(state.settings.public_url)}
    if origin not in allowed:
        raise Forbidden(CSRF_REFUSED)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_csrf(request: Request, admin: SignedIn, sent: str) -> None:
    check_same_site(request)
    if not sent or not hmac.compare_digest(sent.encode(), admin.csrf_token.encode()):
        raise Forbidden(CSRF_REFUSED)


def _needs(admin: SignedIn, role: Role) -> None:
    if not admin.can(role):
        raise Forbidden(
            f"You are a {admin.role.value} in {admin.workspace_name}; "
            f"this needs the {role.value} role. Ask an owner of the workspace."
        )


def page(handler: Handler, role: Role = Role.viewer) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        admin = await run_in_threadpool(load_admin, request)
        if admin is None:
            return login_redirect(request)
        request.state.admin = admin
        _needs(admin, role)
        return await run_in_threadpool(handler, request)

    endpoint.__name__ = handler.__name__
    endpoint.required_role = role  # type: ignore[attr-defined]
    return endpoint


def action(handler: Handler, role: Role = Role.editor) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        admin = await run_in_threadpool(load_admin, request)
        if admin is None:
            return login_redirect(request)
        request.state.admin = admin
        check_csrf(
            request, admin, str(form.get("csrf_token") or request.headers.get("x-csrf-token") or "")
        )
        _needs(admin, role)
        request.state.form = form
        return await run_in_threadpool(handler, request)

    endpoint.__name__ = handler.__name__
    endpoint.required_role = role  # type: ignore[attr-defined]
    return endpoint


def public(handler: Handler, *, writes: bool = False) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        if writes:
            request.state.form = await read_form(request)
            check_same_site(request)
        request.state.admin = None
        return await run_in_threadpool(handler, request)

    endpoint.__name__ = handler.__name__
    return endpoint
