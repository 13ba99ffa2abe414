"""GZip for every response, letting Starlette's `http.response.debug` message through (GZip
drops it), so tests can assert which template a page rendered and with what context."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Compression:
    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def inner(scope: Scope, receive: Receive, compressed_send: Send) -> None:
            async def route(message: Message) -> None:
                if message["type"] == "http.response.debug":
                    await send(message)
                else:
                    await compressed_send(message)

            await self.app(scope, receive, route)

        await GZipMiddleware(inner, minimum_size=self.minimum_size)(scope, receive, send)
