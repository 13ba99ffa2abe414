"""The two requests every page load of every customer's app makes, `POST /sdk/v1/session` and
`POST /sdk/v1/events`, served straight to their endpoints: the application's stack (two error
middlewares, compression, admin headers, HSTS, a route table with mounts) cost two fifths of a
session answer's time in the server (bench/delivery.py). What that stack does for these
requests is done here: errors become the same answers through the same handlers, GZip when
the client accepts it, HSTS over HTTPS. Every other request takes the full stack."""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from server.transport_security import HSTS

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Exception], Awaitable[Response]]

# zlib's default: the size of level 9 on these answers, in less time on the larger ones.
GZIP_LEVEL = 6


class HotEndpoint:
    """One endpoint as an ASGI app, with what the full stack would add to its answers."""

    def __init__(
        self, endpoint: Endpoint, handlers: Mapping[type[Exception], Handler], gzip_minimum: int
    ) -> None:
        self.endpoint = endpoint
        self.handlers = handlers
        self.gzip_minimum = gzip_minimum

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.endpoint(request)
        except Exception as exc:
            response = await self._handler_for(exc)(request, exc)
        if len(response.body) >= self.gzip_minimum and "gzip" in Headers(scope=scope).get(
            "accept-encoding", ""
        ):
            response.body = zlib.compress(response.body, GZIP_LEVEL, wbits=31)  # gzip framing
            response.headers["Content-Encoding"] = "gzip"
            response.headers["Content-Length"] = str(len(response.body))
            response.headers.add_vary_header("Accept-Encoding")
        if scope["scheme"] == "https":
            response.headers["Strict-Transport-Security"] = HSTS
        await response(scope, receive, send)

    def _handler_for(self, exc: Exception) -> Handler:
        for kind in type(exc).__mro__:
            handler = self.handlers.get(kind)
            if handler is not None:
                return handler
        raise exc  # no handler, not even for Exception: as the full stack would


class HotPathApp(Starlette):
    """A Starlette application whose hot paths skip its middleware stack and route table."""

    hot_paths: Mapping[str, HotEndpoint] = MappingProxyType({})

    def serve_hot(
        self,
        endpoints: Mapping[str, Endpoint],
        handlers: Mapping[type[Exception], Handler],
        gzip_minimum: int,
    ) -> None:
        """Serve POST to each path of `endpoints` by its endpoint alone (paths in full)."""
        self.hot_paths = {
            path: HotEndpoint(endpoint, handlers, gzip_minimum)
            for path, endpoint in endpoints.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            hot = self.hot_paths.get(scope["path"])
            if hot is not None:
                scope["app"] = self
                await hot(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
