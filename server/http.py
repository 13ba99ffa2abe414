"""Reading request bodies safely: size limit before parsing, JSON errors as domain errors."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from guides import json_codec
from guides.errors import (
    InvalidPayload,
    MalformedJson,
    PayloadTooLarge,
    RequestTimeout,
    fields_from_pydantic,
)

Model = TypeVar("Model", bound=BaseModel)


async def read_body(request: Request, limit: int, timeout: float | None = None) -> bytes:
    """The body, refusing one over `limit` bytes before reading it all (413), or one that
    takes longer than `timeout` seconds to arrive (408: a slow client holds nothing)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0

    async def receive_all() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"the body is over the limit of {limit} bytes")
            chunks.append(chunk)

    try:
        # asyncio.timeout, not wait_for: no task per request (bench/delivery.py).
        async with asyncio.timeout(timeout):
            await receive_all()
    except TimeoutError:
        raise RequestTimeout(
            f"the body did not arrive within {timeout:g} seconds; send it at once"
        ) from None
    return b"".join(chunks)


async def read_json(request: Request, limit: int, timeout: float | None = None) -> Any:
    body = await read_body(request, limit, timeout)
    fast = json_codec.loads_strict(body)  # NaN, Infinity and overflowing numbers: None
    if fast is not None:
        return fast
    try:
        return json.loads(body, parse_constant=_not_json, parse_float=_finite_float)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJson(f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise MalformedJson("the body is nested too deeply") from None


def _not_json(name: str) -> float:
    # Python's json accepts NaN and Infinity; JSON (and PostgreSQL's jsonb) does not.
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def parse(model: type[Model], payload: Any, *, strict: bool = False) -> Model:
    """Validate a decoded payload, naming every wrong field (422). `strict` takes JSON's
    types as they are: `false` is not the number 0, `"5"` is not 5."""
    if not isinstance(payload, dict):
        raise InvalidPayload(
            "the body must be a JSON object",
            fields=[{"field": "(body)", "message": "not an object"}],
        )
    try:
        if strict:
            return model.model_validate_json(json.dumps(payload), strict=True)
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = fields_from_pydantic(exc.errors())
        names = ", ".join(sorted({f["field"] for f in fields}))
        raise InvalidPayload(f"invalid fields: {names}", fields=fields) from None


class FastJSONResponse(JSONResponse):
    """`JSONResponse` encoded by orjson (guides/json_codec.py): the SDK's answers, where
    encoding was a sixth of a session's time (bench/delivery.py)."""

    def render(self, content: Any) -> bytes:
        return json_codec.dumps_bytes(content)
