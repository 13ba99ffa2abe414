"""The document at `/api/v1/openapi.json`, and a readable reference page at `/api/v1/`
rendered on the server from the same document (no script, no CDN)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from guides.files import guide_schema
from server.api.openapi import api_document

DOCUMENT = api_document()
_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_CODE = re.compile(r"`([^`]+)`")


def _inline_code(text: str) -> Markup:
    """`code` spans of the document's prose as <code>; everything else escaped."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))  # noqa: S704


_env.filters["prose"] = _inline_code


async def openapi_json(request: Request) -> Response:
    return JSONResponse(DOCUMENT, headers={"Cache-Control": "public, max-age=300"})


GUIDE_SCHEMA = guide_schema()


async def guide_schema_json(request: Request) -> Response:
    """The JSON Schema of guide files and of the guide bodies of this API."""
    return JSONResponse(
        GUIDE_SCHEMA,
        media_type="application/schema+json",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


def _type_of(schema: dict[str, Any] | bool) -> str:
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(repr(value) for value in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {_type_of(schema['additionalProperties'])}"
    return str(schema.get("type", "any"))


def _schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, schema in sorted(document["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        fields = [
            {
                "name": key,
                "type": _type_of(value),
                "required": key in required,
                "description": value.get("description", ""),
            }
            for key, value in schema.get("properties", {}).items()
        ]
        out.append(
            {
                "name": name,
                "description": schema.get("description", ""),
                "fields": fields,
                "kind": _type_of(schema) if not fields else "object",
            }
        )
    return out


def _scope_of(security: dict[str, list[str]]) -> str:
    scheme, scopes = next(iter(security.items()))
    return f"{scopes[0]} token" if scheme == "token" else "server key"


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            ok = next(status for status in op["responses"] if status.startswith("2"))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            out.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "description": op.get("description", ""),
                    "scope": _scope_of(op["security"][0]),
                    "parameters": op.get("parameters", []),
                    "body": _type_of(body["schema"]) if body else None,
                    "answer": _type_of(
                        op["responses"][ok]["content"]["application/json"]["schema"]
                    ),
                    "ok": ok,
                    "errors": [
                        (status, answer["description"])
                        for status, answer in op["responses"].items()
                        if status != ok
                    ],
                }
            )
    return out


PAGE = _env.get_template("reference.html").render(
    info=DOCUMENT["info"], operations=_operations(DOCUMENT), schemas=_schemas(DOCUMENT)
)


async def reference_page(request: Request) -> Response:
    return HTMLResponse(
        PAGE,
        headers={
            "Cache-Control": "public, max-age=300",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )
