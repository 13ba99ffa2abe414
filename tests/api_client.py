"""Calling `/api/v1` from tests. Every answer is checked against the served OpenAPI
document: its status must be documented for the operation, and its body must match the
schema given for that status. So the document cannot promise what the server does not do."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jsonschema_rs
from starlette.testclient import TestClient

from server.api.openapi import api_document


@cache
def _document() -> dict[str, Any]:
    return api_document()


def _template_of(path: str) -> str:
    for template in _document()["paths"]:
        pattern = "^" + re.sub(r"\{\w+_id\}", r"[0-9]+", template) + "$"
        pattern = re.sub(r"\{\w+\}", r"[^/]+", pattern)
        if re.match(pattern, path):
            return str(template)
    raise AssertionError(f"{path} is not in the OpenAPI document")


def check_against_document(method: str, path: str, status: int, body: Any) -> None:
    operation = _document()["paths"][_template_of(path)].get(method.lower())
    assert operation is not None, f"{method} {path} is not in the OpenAPI document"
    answer = operation["responses"].get(str(status))
    assert answer is not None, f"{method} {path} answered {status}, which is not documented"
    schema = {
        **answer["content"]["application/json"]["schema"],
        "components": _document()["components"],
    }
    errors = [
        error.message for error in jsonschema_rs.Draft202012Validator(schema).iter_errors(body)
    ]
    assert errors == [], f"{method} {path} {status}: {errors}"


def call(
    client: TestClient,
    method: str,
    path: str,
    token: str | None = None,
    json: Any = None,
    **kwargs: Any,
) -> Any:
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = client.request(method, path, json=json, headers=headers, **kwargs)
    assert response.headers["content-type"].startswith("application/json"), response.text
    check_against_document(method, path.split("?")[0], response.status_code, response.json())
    return response
