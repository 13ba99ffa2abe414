"""Client IP addresses are never stored whole: an IPv4 address keeps its first three bytes
(`203.0.113.0`), an IPv6 address its first 48 bits (`2001:db8:1::`), as analytics tools that
anonymize addresses do. Enough to throttle a network's login attempts and to read the audit
log; not enough to single out a person."""

from __future__ import annotations

import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 48


def anonymize_ip(address: str) -> str:
    """The network part of `address`. A value that is not an IP address (a test client's
    name, a Unix socket) is kept as it is, at most 64 characters."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
