"""Schemathesis hooks for e2e/test_api_fuzz.py: most generated bodies get the demo app's real
key, so the fuzzing reaches validation of every field, storage and delivery, not only the
401 for an unknown key. A key that already breaks the schema is left broken, so requests
meant to be invalid stay invalid."""

import os

import schemathesis

KEY = os.environ["SIGNPOST_FUZZ_APP_KEY"]


@schemathesis.hook
def map_body(context, body):  # type: ignore[no-untyped-def]
    key = body.get("app_key") if isinstance(body, dict) else None
    if isinstance(key, str) and 1 <= len(key) <= 100 and len(key) % 4:
        body["app_key"] = KEY
    return body
