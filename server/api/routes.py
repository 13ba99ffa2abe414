"""The route table of `/api/v1`. Every route but the document and its reference page needs
an API token; `server/api/openapi.py` describes each one, and a test checks they agree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api import analytics, privacy, reference, resources, server_side

Endpoint = Callable[[Request], Awaitable[Response]]


def by_method(**endpoints: Endpoint) -> Endpoint:
    """One route per path whatever its methods, so a 405's `Allow` lists them all."""

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method.lower()](request)

    return endpoint


routes = [
    Route("/openapi.json", reference.openapi_json, methods=["GET"], name="openapi"),
    Route("/", reference.reference_page, methods=["GET"], name="reference"),
    Route("/schemas/guide.json", reference.guide_schema_json, methods=["GET"], name="guide_schema"),
    Route("/identify", server_side.identify, methods=["POST"], name="identify"),
    Route("/track", server_side.track, methods=["POST"], name="track"),
    Route("/apps", resources.list_apps, methods=["GET"], name="apps"),
    Route("/apps/{app_id:int}", resources.get_app, methods=["GET"], name="app"),
    Route(
        "/apps/{app_id:int}/guides",
        by_method(get=resources.list_guides, post=resources.create_guide),
        methods=["GET", "POST"],
        name="guides",
    ),
    Route("/apps/{app_id:int}/articles", resources.list_articles, methods=["GET"], name="articles"),
    Route(
        "/apps/{app_id:int}/users/{user}",
        by_method(get=privacy.export_user, delete=privacy.delete_user),
        methods=["GET", "DELETE"],
        name="end_user",
    ),
    Route(
        "/guides/{guide_id:int}",
        by_method(get=resources.get_guide, put=resources.update_guide),
        methods=["GET", "PUT"],
        name="guide",
    ),
    Route("/guides/{guide_id:int}/publish", resources.publish, methods=["POST"], name="publish"),
    Route(
        "/guides/{guide_id:int}/unpublish", resources.unpublish, methods=["POST"], name="unpublish"
    ),
    Route("/guides/{guide_id:int}/archive", resources.archive, methods=["POST"], name="archive"),
    Route("/guides/{guide_id:int}/rollback", resources.rollback, methods=["POST"], name="rollback"),
    Route(
        "/guides/{guide_id:int}/versions",
        resources.list_versions,
        methods=["GET"],
        name="versions",
    ),
    *analytics.routes,
]
