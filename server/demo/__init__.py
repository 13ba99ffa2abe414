"""A small host app at `/demo` with the Signpost snippet in it, served under a strict,
nonce-only Content-Security-Policy as a customer's page would be."""

from __future__ import annotations

import secrets
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from guides import store as guide_store
from server.demo.seed import DEMO_APP_NAME
from server.state import AppState

HERE = Path(__file__).parent
_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(), auto_reload=False
)

PAGES = {
    "dashboard": "Dashboard",
    "reports": "Reports",
    "settings": "Settings",
}


def _csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'nonce-{nonce}' 'strict-dynamic'",
            f"style-src 'self' 'nonce-{nonce}'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


async def host(request: Request) -> Response:
    state: AppState = request.state.signpost
    page = request.path_params.get("page", "dashboard")
    if page not in PAGES:
        return HTMLResponse("<h1>Not found</h1>", status_code=404)
    with state.db.read() as session:
        # `?key=pk_…` shows another app's guides on the demo page (an app being authored).
        key = request.query_params.get("key", "")
        app = (guide_store.app_by_key(session, key) if key else None) or guide_store.app_by_name(
            session, DEMO_APP_NAME
        )
    nonce = secrets.token_urlsafe(16)
    html = _templates.get_template("host.html").render(
        page=page,
        pages=PAGES,
        app_key=app.public_key if app else "",
        sdk_url=request.url_for("sdk:bundle"),
        demo_root=request.url_for("demo:host"),
        css_url=request.url_for("demo:static", path="demo.css"),
        nonce=nonce,
    )
    return HTMLResponse(
        html, headers={"Content-Security-Policy": _csp(nonce), "Cache-Control": "no-store"}
    )


routes = [
    Route("/", host, name="host"),
    Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    Route("/{page:str}", host, name="page"),
]
