"""Where webhooks may be sent: public addresses only, unless the operator allows private ones.

Without this, anyone allowed to add a webhook could make the server call into its own
network (cloud metadata at 169.254.169.254, an admin port on localhost, a database on
10.x) and read the answer's status in the delivery log: server-side request forgery.
A URL is checked when saved (a literal address or `localhost`) and again before each
delivery, after resolving its host, so a name that later points inside is refused too."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOW_SETTING = "SIGNPOST_WEBHOOK_PRIVATE_ADDRESSES"


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def literal_problem(url: str) -> str | None:
    """Why a URL's host, as written, is not a public address (None when it may be)."""
    host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked when resolved, before each delivery
    return f"{host} is a private address" if _private(address) else None


def resolved_problem(url: str) -> str | None:
    """Why a URL's host resolves to a non-public address (None when every address is public)."""
    problem = literal_problem(url)
    if problem:
        return problem
    parts = urlsplit(url.strip())
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        return f"{parts.hostname} cannot be resolved: {exc}"
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        if _private(address):
            return f"{parts.hostname} resolves to the private address {address}"
    return None
