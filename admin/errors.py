"""Errors under /admin render as a page (error.html) instead of JSON, with no stack trace."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import load_admin
from admin.headers import ADMIN_CSP
from admin.templating import render
from guides.errors import SignpostError

TITLES = {
    403: "Your role does not allow this",
    404: "Not found",
    405: "Not allowed",
    409: "That conflicts with something",
    413: "Too large",
    422: "Something is not right",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Signpost is unavailable",
}


def render_admin_error(request: Request, error: SignpostError) -> Response:
    admin = getattr(request.state, "admin", None)
    if admin is None and error.status < 500:
        try:
            admin = load_admin(request)
        except Exception:
            admin = None
    request.state.admin = admin
    response = render(
        request,
        "error.html",
        {
            "status": error.status,
            "code": error.code,
            "title": TITLES.get(error.status, "Something is not right"),
            "message": error.message,
        },
        status_code=error.status,
    )
    response.headers["Content-Security-Policy"] = ADMIN_CSP
    response.headers["Cache-Control"] = "no-store"
    return response
