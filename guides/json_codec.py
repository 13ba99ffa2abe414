"""JSON for the hot paths: orjson (several times faster than the standard library here, and
JSON was about a sixth of a guide delivery's time, bench/delivery.py), with the standard
library's behaviour kept wherever orjson would differ.

- Reading: orjson refuses integers beyond 64 bits, lone surrogates and NaN, which the
  standard library reads; those inputs go to the standard library, so nothing is newly
  refused and no error message changes.
- Writing: integers beyond 64 bits and keys that are not strings go to the standard library.
  NaN and infinities become null (the standard library wrote `NaN`, which is not JSON and
  which PostgreSQL refuses). Output is compact, as Starlette's `JSONResponse` writes it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_FALLBACK = (TypeError, ValueError, orjson.JSONEncodeError)
# orjson reads an integer too long for 64 bits as a float, losing digits: such text (or a
# long digit run inside a string, which costs only the slower reader) goes to the standard
# library.
_LONG_NUMBER = re.compile(r"\d{19}")
_LONG_NUMBER_BYTES = re.compile(rb"\d{19}")


def loads(text: str | bytes) -> Any:
    long_number = _LONG_NUMBER_BYTES if isinstance(text, bytes) else _LONG_NUMBER
    if long_number.search(text):  # type: ignore[arg-type]
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def loads_strict(data: bytes) -> Any | None:
    """The value of `data` if orjson reads it as the standard library would; None for
    anything else (invalid JSON, NaN, infinite or long numbers, lone surrogates, deep
    nesting, and a body whose value is JSON null), for the caller's own careful reader, which
    names the error."""
    if _LONG_NUMBER_BYTES.search(data):
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def dumps(value: Any) -> str:
    """Text for a JSON database column."""
    try:
        return orjson.dumps(value).decode()
    except _FALLBACK:
        return json.dumps(value)


def dumps_bytes(value: Any) -> bytes:
    """UTF-8 bytes for an HTTP answer."""
    try:
        return orjson.dumps(value)
    except _FALLBACK:
        return json.dumps(
            value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
        ).encode("utf-8")
