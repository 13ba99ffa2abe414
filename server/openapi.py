"""The OpenAPI document of `/sdk/v1`, built from the same pydantic models that validate the
requests, so the document cannot drift from what the server accepts. Served at
`/sdk/v1/openapi.json`; schemathesis fuzzes the live server against it (tests/test_fuzz_api.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from analytics.ingest import (
    MAX_STRUGGLE_COUNT,
    STRUGGLE_TEXT_LENGTH,
    EventBatch,
    EventIn,
)
from guides.anticipation import StruggleSignal
from guides.delivery import SessionRequest
from guides.labels import ENGLISH

REF = "#/components/schemas/{model}"


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


ERROR = {
    "type": "object",
    "required": ["error", "code", "status"],
    "properties": {
        "error": {"type": "string", "description": "What is wrong, for people."},
        "code": {"type": "string", "description": "Stable; clients match on it."},
        "status": {"type": "integer"},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

SESSION_ANSWER = {
    "type": "object",
    "required": ["user", "stamp", "theme", "struggle", "labels", "guides", "states"],
    "properties": {
        "user": {
            "type": "object",
            "required": ["id", "anonymous"],
            "properties": {"id": {"type": "string"}, "anonymous": {"type": "boolean"}},
        },
        "stamp": {"type": "string"},
        "theme": {"type": "object"},
        "struggle": {
            "type": "object",
            "description": "Struggle detection in the SDK for this app.",
            "required": ["enabled", "signals", "stall_ms"],
            "properties": {
                "enabled": {"type": "boolean"},
                "signals": {"type": "array", "items": {"enum": [s.value for s in StruggleSignal]}},
                "stall_ms": {"type": "integer", "minimum": 0},
            },
        },
        "labels": {
            "type": "object",
            "description": "The SDK's own words in the session's language (guides/labels.py).",
            "required": list(ENGLISH),
            "additionalProperties": {"type": "string"},
        },
        "chunks": {
            "type": "object",
            "description": "Only for a `build` equal to the server's: the code of the SDK "
            "chunks the guides of this page need, by chunk name (server/sdk_chunks.py).",
            "additionalProperties": {"type": "string"},
        },
        "guides": {"type": "array", "items": {"type": "object"}},
        "states": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["seen", "current_step", "completed", "dismissed"],
                "properties": {
                    "seen": {"type": "boolean"},
                    "current_step": {"type": "integer"},
                    "completed": {"type": "boolean"},
                    "dismissed": {"type": "boolean"},
                },
            },
        },
    },
}

STRUGGLE_PROPERTIES = {
    "type": "object",
    "description": (
        "The `properties` of a `struggle_detected` event: where the user struggled, never"
        " what they typed. No other key is accepted."
    ),
    "required": ["signal"],
    "additionalProperties": False,
    "properties": {
        "signal": {"enum": [s.value for s in StruggleSignal]},
        "count": {"type": "integer", "minimum": 1, "maximum": MAX_STRUGGLE_COUNT},
        "role": {"type": "string"},
        "text": {"type": "string", "maxLength": STRUGGLE_TEXT_LENGTH},
        "selector": {"type": "string", "maxLength": 1000},
    },
}

EVENTS_ANSWER = {
    "type": "object",
    "required": ["accepted", "duplicates", "rejected"],
    "properties": {
        "accepted": {"type": "integer", "minimum": 0},
        "duplicates": {"type": "integer", "minimum": 0},
        "rejected": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "code", "fields"],
                "properties": {
                    "index": {"type": "integer"},
                    "code": {"type": "string"},
                    "fields": ERROR["properties"]["fields"],  # type: ignore[index]
                },
            },
        },
    },
}

ERROR_STATUSES = {
    "400": "The body is not JSON.",
    "401": "No app has this key, or the app verifies identities and `user_token` was refused.",
    "403": "The page's origin is not one of the app's allowed origins.",
    "408": "The body did not arrive in time.",
    "413": "The body is over the size limit.",
    "422": "A field is invalid; `fields` names each.",
    "429": "Too many requests for this app key or client; retry after `Retry-After` seconds.",
    "503": "The database is unavailable; retry after `Retry-After` seconds.",
}


def _operation(summary: str, body: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    json_body = {"schema": body}
    error = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": answer}}}
    }
    responses |= {
        status: {"description": text, "content": error} for status, text in ERROR_STATUSES.items()
    }
    return {
        "summary": summary,
        "requestBody": {
            "required": True,
            # The SDK sends text/plain (no CORS preflight); the body is JSON either way.
            "content": {"application/json": json_body},
        },
        "responses": responses,
    }


def openapi_document() -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR, "StruggleDetectedProperties": STRUGGLE_PROPERTIES}
    session_body = _schema(SessionRequest, components)
    batch_body = _schema(EventBatch, components)
    event = _schema(EventIn, components)
    # Events are validated one by one (a bad one is reported, the rest kept), so the batch
    # model takes any items; the document says what each should be.
    components["EventBatch"]["properties"]["events"]["items"] = event
    # Checked by a model validator, which pydantic cannot put in the schema by itself.
    for name in ("SessionRequest", "EventBatch"):
        components[name]["anyOf"] = [{"required": ["user_id"]}, {"required": ["anonymous_id"]}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Signpost SDK API",
            "version": "1",
            "description": "What the browser SDK calls. Prose: docs/sdk-protocol.md.",
        },
        "paths": {
            "/sdk/v1/session": {
                "post": _operation(
                    "Start a session: every guide that may show to this user, in one answer.",
                    session_body,
                    SESSION_ANSWER,
                )
            },
            "/sdk/v1/events": {
                "post": _operation(
                    "Record a batch of events; each is validated on its own.",
                    batch_body,
                    EVENTS_ANSWER,
                )
            },
        },
        "components": {"schemas": components},
    }
