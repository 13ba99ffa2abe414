"""HTTP Strict Transport Security on every response served over HTTPS (behind a proxy,
uvicorn's `--proxy-headers` makes the scheme the client's): browsers then refuse plain HTTP
to this host for a year, so no one on the network can strip TLS from the admin's session
cookie or the SDK's requests. Over plain HTTP the header means nothing and is not sent."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No includeSubDomains: other hosts of the customer's domain are not ours to decide for.
HSTS = "max-age=31536000"


class StrictTransportSecurity:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_hsts)
