"""Schemathesis hooks for e2e/test_api_fuzz.py: most generated bodies get the demo app's real
key, so the fuzzing reaches validation of every field, storage and delivery, not only the
401 for an unknown key. A key that already breaks the schema is left broken, so requests
meant to be invalid stay invalid."""

import os

import schemathesis

KEY = os.environ["SIGNPOST_FUZZ_APP_KEY"]
# `/api/v1`: the app and guide the token reaches, so most requests get past the 404.
APP_ID = int(os.environ.get("SIGNPOST_FUZZ_APP_ID", "0"))
GUIDE_ID = int(os.environ.get("SIGNPOST_FUZZ_GUIDE_ID", "0"))


@schemathesis.hook
def map_body(context, body):  # type: ignore[no-untyped-def]
    key = body.get("app_key") if isinstance(body, dict) else None
    if isinstance(key, str) and 1 <= len(key) <= 100 and len(key) % 4:
        body["app_key"] = KEY
    return body


@schemathesis.hook
def map_path_parameters(context, path):  # type: ignore[no-untyped-def]
    """Most ids become the token's real app and guide; a few stay random (404 expected)."""
    if not isinstance(path, dict):
        return path
    for name, real in (("app_id", APP_ID), ("guide_id", GUIDE_ID)):
        value = path.get(name)
        if real and isinstance(value, int) and value % 5:
            path[name] = real
    return path
