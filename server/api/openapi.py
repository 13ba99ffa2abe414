"""The OpenAPI 3.1 document of `/api/v1`, built from the pydantic models that validate the
requests and make the answers (`server/api/schemas.py`, `guides/documents.py`), so it
cannot drift from what the server does. tests/test_api_openapi.py checks real answers
against it; schemathesis fuzzes the live server with it (e2e/test_api_fuzz.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from guides.documents import GuideDocument
from server.api import privacy, schemas
from server.openapi import ERROR

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer: type[BaseModel]
    body: type[BaseModel] | None = None
    write: bool = False
    created: bool = False
    errors: tuple[str, ...] = field(default=())
    description: str = ""
    query: tuple[str, ...] = ()
    auth: str = "token"  # or "server_key": the app's secret server key


GUIDE_ERRORS = ("404",)
BODY_ERRORS = ("400", "413", "422")


def server_operations() -> list[Operation]:
    from server.api.server_side import IdentifyAnswer, IdentifyBody, TrackAnswer, TrackBody

    return [
        Operation(
            "post",
            "/identify",
            "From your back end: create the user or merge traits into theirs.",
            IdentifyAnswer,
            body=IdentifyBody,
            errors=BODY_ERRORS,
            auth="server_key",
            description="Authenticated with the app's secret server key, not an API token.",
        ),
        Operation(
            "post",
            "/track",
            "From your back end: record events of a user (stored once per `event_id`).",
            TrackAnswer,
            body=TrackBody,
            errors=BODY_ERRORS,
            auth="server_key",
            description="Each event is validated on its own; invalid ones are listed in "
            "`rejected` with their index. They reach analytics and webhooks like the SDK's.",
        ),
    ]


OPERATIONS = [
    Operation("get", "/apps", "The apps this token reaches.", schemas.AppList),
    Operation("get", "/apps/{app_id}", "One app.", schemas.AppOut, errors=("404",)),
    Operation(
        "get", "/apps/{app_id}/guides", "Every guide of an app.", schemas.GuideList, errors=("404",)
    ),
    Operation(
        "post",
        "/apps/{app_id}/guides",
        "Create a guide from a guide document.",
        schemas.GuideOut,
        body=GuideDocument,
        write=True,
        created=True,
        errors=("404", "409", *BODY_ERRORS),
        description="Saved as a draft; with `status: published` it is published at once.",
    ),
    Operation(
        "get",
        "/apps/{app_id}/articles",
        "The help articles of an app's resource centers.",
        schemas.ArticleList,
        errors=("404",),
    ),
    Operation(
        "get",
        "/apps/{app_id}/users/{user}",
        "Everything stored about one end user (a privacy access request).",
        privacy.UserExport,
        errors=("404",),
        description="`user` is the app's own id of the user, or `anon:` and the SDK's "
        "anonymous id for a visitor never identified.",
    ),
    Operation(
        "delete",
        "/apps/{app_id}/users/{user}",
        "Delete one end user and every row about them; analytics are corrected.",
        privacy.UserDeleted,
        write=True,
        errors=("404",),
        description="`user` as for GET. Their events leave the analytics counts as if they "
        "had never been sent; the deletion is in the audit log.",
    ),
    Operation(
        "get", "/guides/{guide_id}", "One guide with its draft.", schemas.GuideOut, errors=("404",)
    ),
    Operation(
        "put",
        "/guides/{guide_id}",
        "Replace a guide's draft.",
        schemas.GuideOut,
        body=GuideDocument,
        write=True,
        errors=("404", *BODY_ERRORS),
        description="The slug cannot change. `status`, when given, is brought about "
        "(`published` publishes the new draft); when left out, what is live stays live.",
    ),
    Operation(
        "post",
        "/guides/{guide_id}/publish",
        "Publish the draft as a new version (an unchanged draft re-uses the latest).",
        schemas.GuideOut,
        write=True,
        errors=("404",),
    ),
    Operation(
        "post",
        "/guides/{guide_id}/unpublish",
        "Take the guide offline; its versions stay.",
        schemas.GuideOut,
        write=True,
        errors=("404",),
    ),
    Operation(
        "post",
        "/guides/{guide_id}/archive",
        "Archive the guide: it leaves delivery everywhere.",
        schemas.GuideOut,
        write=True,
        errors=("404",),
    ),
    Operation(
        "post",
        "/guides/{guide_id}/rollback",
        "Make an earlier version live again, unchanged.",
        schemas.GuideOut,
        body=schemas.RollbackBody,
        write=True,
        errors=("404", *BODY_ERRORS),
    ),
    Operation(
        "get",
        "/guides/{guide_id}/versions",
        "Every published version of a guide, newest first.",
        schemas.VersionList,
        errors=("404",),
    ),
]

ERROR_TEXT = {
    "400": "The body is not JSON.",
    "401": "No token, or not a live API token or server key (a public SDK key is refused).",
    "403": "The token is read-only and this is a write.",
    "404": "Nothing with this id among the token's apps.",
    "409": "A guide with this slug already exists in the app.",
    "413": "The body is over the size limit.",
    "422": "A field is invalid; `fields` names each.",
    "503": "The database is unavailable; retry after `Retry-After` seconds.",
}

PARAMETERS = {
    "app_id": "The app's id (GET /apps lists them).",
    "guide_id": "The guide's id (GET /apps/{app_id}/guides lists them).",
    "user": "The app's own id of the user, or the SDK's anonymous id of a visitor.",
}
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "app_id": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    "guide_id": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    "user": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^/]+$"},
}


def analytics_operations() -> list[Operation]:
    from analytics.tables import TABLES
    from server.api.analytics import TableAnswer, allowed_params, table_path

    return [
        Operation(
            "get",
            table_path(spec).replace(":int", "").replace(":str", ""),
            f"Analytics, {spec.name}: {spec.summary}",
            TableAnswer,
            errors=("404", "422"),
            query=tuple(allowed_params(spec)),
            description=f"The rows of the `{spec.name}` CSV export as JSON records.",
        )
        for spec in TABLES.values()
    ]


def _ref(model: type[BaseModel], components: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    ok = "201" if op.created else "200"
    responses: dict[str, Any] = {
        ok: {
            "description": "Created" if op.created else "OK",
            "content": {
                "application/json": {"schema": _ref(op.answer, components, "serialization")}
            },
        }
    }
    statuses = ["401", *(["403"] if op.write else []), *op.errors, "503"]
    scopes = ["write" if op.write else "read"] if op.auth == "token" else []
    for status in sorted(set(statuses)):
        responses[status] = {"description": ERROR_TEXT[status], "content": error}
    operation: dict[str, Any] = {
        "operationId": f"{op.method}{op.path.replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": op.summary,
        "security": [{op.auth: scopes}],
        "responses": responses,
    }
    if op.description:
        operation["description"] = op.description
    names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
    if names:
        operation["parameters"] = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": PARAMETERS[name],
                "schema": PATH_SCHEMAS[name],
            }
            for name in names
        ]
    if op.query:
        operation.setdefault("parameters", []).extend(_query_parameters(op))
    if op.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body, components, "validation")}},
        }
    return operation


def _query_parameters(op: Operation) -> list[dict[str, Any]]:
    from server.api.analytics import TableParams

    schema = TableParams.model_json_schema()["properties"]
    out = []
    for name in op.query:
        param = dict(schema[name])
        description = param.pop("description", "")
        param.pop("title", None)
        param.pop("default", None)
        if "anyOf" in param:  # `X | None`: the parameter is simply left out
            param = next(option for option in param["anyOf"] if option.get("type") != "null")
        out.append(
            {
                "name": name,
                "in": "query",
                "required": name == "trait",
                "description": description,
                "schema": param,
            }
        )
    return out


def api_document(operations: list[Operation] | None = None) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR}
    paths: dict[str, Any] = {}
    for op in operations or [*OPERATIONS, *analytics_operations(), *server_operations()]:
        paths.setdefault(f"/api/v1{op.path}", {})[op.method] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Signpost REST API",
            "version": "1",
            "description": "Apps, guides as code, articles and analytics for scripts and CI. "
            "Authenticate with an API token made in the admin (API tokens): "
            "`Authorization: Bearer spt_…`. Prose and examples: docs/api.md.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`spt_…`), scoped read or write.",
                },
                "server_key": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An app's secret server key (`sk_srv_…`), for its back end.",
                },
            },
        },
    }
