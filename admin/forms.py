"""Reading admin forms: URL-encoded bodies only, size-limited, parsed without extra packages."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import FormData
from starlette.requests import Request

from server.http import read_body

MAX_FORM_BYTES = 2 * 1024 * 1024
MAX_FIELDS = 5000


async def read_form(request: Request) -> FormData:
    """The posted fields; anything that is not a URL-encoded form reads as empty."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, MAX_FORM_BYTES)
    if content_type != "application/x-www-form-urlencoded":
        return FormData([])
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        return FormData([])
    return FormData([(key, value.replace("\x00", "")) for key, value in pairs])


def errors_by_field(fields: list[dict[str, str]]) -> dict[str, str]:
    """A domain error's field list as {field: message}, first message per field."""
    out: dict[str, str] = {}
    for item in fields:
        out.setdefault(item["field"], item["message"])
    return out
