"""One place turns every failure into a response: JSON `{"error", "code", "status"}` for API
clients, the error page under `/admin`, never a stack trace, and 503 with Retry-After when
the database is unreachable."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from guides.errors import SignpostError, StorageUnavailable

logger = logging.getLogger("signpost.errors")

RETRY_AFTER_SECONDS = 5


def respond(request: Request, error: SignpostError) -> Response:
    if request.url.path == "/admin" or request.url.path.startswith("/admin/"):
        from admin.errors import render_admin_error

        response = render_admin_error(request, error)
        if error.status in (429, 503):
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return with_sdk_cors(request, error_response(error))


def error_response(error: SignpostError) -> Response:
    headers = {"Cache-Control": "no-store"}
    if error.status in (429, 503):
        headers["Retry-After"] = str(getattr(error, "retry_after", RETRY_AFTER_SECONDS))
    return JSONResponse(error.to_json(), status_code=error.status, headers=headers)


async def signpost_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignpostError)
    return respond(request, exc)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error = SignpostError(exc.detail if isinstance(exc.detail, str) else "error")
    error.status = exc.status_code
    error.code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    response = respond(request, error)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def storage_error(request: Request, exc: Exception) -> Response:
    logger.warning("database unavailable: %s", exc)
    error = StorageUnavailable("the database is unavailable; retry shortly")
    return respond(request, error)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    error = SignpostError("something went wrong on our side; it has been logged")
    error.status, error.code = 500, "internal_error"
    return respond(request, error)


def with_sdk_cors(request: Request, response: Response) -> Response:
    """SDK errors are readable from any origin, so the SDK can tell a 401 from a network
    failure and stop retrying. They carry no data, and no credentials are allowed."""
    if (
        request.url.path.startswith("/sdk/")
        and "access-control-allow-origin" not in response.headers
    ):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


EXCEPTION_HANDLERS = {
    SignpostError: signpost_error,
    HTTPException: http_error,
    OperationalError: storage_error,
    DisconnectionError: storage_error,
    PoolTimeout: storage_error,
    Exception: unexpected_error,
}
