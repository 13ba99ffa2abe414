"""Domain errors. Each carries the HTTP status and the stable `code` clients match on.

SignpostError                 400 bad_request
├── MalformedJson             400 malformed_json
├── CheckUnavailable          400 check_unavailable    (`guides check` cannot run: no browser)
├── InvalidPayload            422 invalid_payload      (carries `fields`)
├── UnknownAppKey             401 unknown_app_key
├── IdentityRejected          401 identity_rejected    (the reason in `fields`)
├── Unauthorized              401 unauthorized         (no live API token)
├── OriginNotAllowed          403 origin_not_allowed
├── Forbidden                 403 forbidden            (an admin's role does not allow it)
│   └── InsufficientScope     403 insufficient_scope   (a read API token asked to write)
├── NotFound                  404 not_found
│   ├── AppNotFound           404 app_not_found
│   ├── GuideNotFound         404 guide_not_found
│   └── EndUserNotFound       404 end_user_not_found
├── Conflict                  409 conflict
├── RequestTimeout            408 request_timeout      (a body too slow to arrive)
├── PayloadTooLarge           413 payload_too_large
├── RateLimited               429 rate_limited         (carries `retry_after` seconds)
└── StorageUnavailable        503 storage_unavailable
"""

from __future__ import annotations

from typing import Any


class SignpostError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.message, "code": self.code, "status": self.status}
        if self.fields:
            body["fields"] = self.fields
        return body


class MalformedJson(SignpostError):
    code = "malformed_json"


class CheckUnavailable(SignpostError):
    code = "check_unavailable"


class InvalidPayload(SignpostError):
    status = 422
    code = "invalid_payload"


class UnknownAppKey(SignpostError):
    status = 401
    code = "unknown_app_key"


class IdentityRejected(SignpostError):
    """The app enforces identity verification and the user's token is missing or invalid."""

    status = 401
    code = "identity_rejected"


class Unauthorized(SignpostError):
    status = 401
    code = "unauthorized"


class OriginNotAllowed(SignpostError):
    status = 403
    code = "origin_not_allowed"


class Forbidden(SignpostError):
    status = 403
    code = "forbidden"


class InsufficientScope(Forbidden):
    code = "insufficient_scope"


class NotFound(SignpostError):
    status = 404
    code = "not_found"


class AppNotFound(NotFound):
    code = "app_not_found"


class GuideNotFound(NotFound):
    code = "guide_not_found"


class EndUserNotFound(NotFound):
    code = "end_user_not_found"


class Conflict(SignpostError):
    status = 409
    code = "conflict"


class RequestTimeout(SignpostError):
    status = 408
    code = "request_timeout"


class PayloadTooLarge(SignpostError):
    status = 413
    code = "payload_too_large"


class RateLimited(SignpostError):
    """Too many requests for one app key: retry after `retry_after` seconds."""

    status = 429
    code = "rate_limited"
    retry_after = 1


class StorageUnavailable(SignpostError):
    status = 503
    code = "storage_unavailable"


def fields_from_pydantic(errors: list[Any], prefix: str = "") -> list[dict[str, str]]:
    """Pydantic's error list as `[{"field": "events[2].type", "message": ...}]`."""
    out = []
    for error in errors:
        path = prefix
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += f".{part}" if path else str(part)
        out.append({"field": path or "(body)", "message": error["msg"]})
    return out
