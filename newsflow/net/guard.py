"""The SSRF guard: a feed URL may only make the producer connect to a public address.

A feed registry is input the producer trusts only so far: a URL (or a redirect a feed server
answers with) pointing at ``http://169.254.169.254/latest/meta-data/``, ``http://localhost:9200``
or an intranet host would otherwise make the producer read a cloud's credentials or a private
service, and publish the answer as "articles". So before every connection (the first request
and each redirect hop) the host is resolved and every address it resolves to must be public.

The fetcher also checks the address it actually connected to (`forbidden_reason` on the peer
address, before any request byte is sent), which closes the DNS-rebinding gap between this
check's resolution and the connection's own one. Code that uses `check_url` alone keeps that
gap: a name may resolve to a public address here and to a private one a moment later.

``allow_private=True`` turns the guard off (tests against local servers, intranet feeds).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from newsflow.errors import FeedError
from newsflow.redaction import redact_url

__all__ = ["METADATA_ADDRESSES", "check_url", "forbidden_reason", "resolve"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints. Most are link-local or private anyway; listed so the reason
# says what they are, and so they stay refused should a future `ipaddress` classify them otherwise.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)

# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64 well-known prefixes).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def forbidden_reason(address: IPAddress | str) -> str | None:
    """Why a connection to `address` is refused ("loopback", "private"...), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason:
                return f"{reason} (embedded in {ip})"
    for flag, name in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, flag):
            return name
    if not ip.is_global:  # 100.64.0.0/10 (carrier-grade NAT) and other special-purpose ranges
        return "not globally routable"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself, without DNS).

    Raises `OSError` (socket.gaierror) when the name does not resolve.
    """
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return [ipaddress.ip_address(literal.split("%", 1)[0])]
    except ValueError:
        pass
    infos = socket.getaddrinfo(literal, port or 0, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise `FeedError(reason="forbidden-address")` unless every address of the URL's host is public.

    A host that does not resolve raises `FeedError(reason="unreachable")`. With `allow_private`
    nothing is checked (and nothing resolved).
    """
    if allow_private:
        return
    shown = redact_url(url)
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise FeedError(f"feed {shown} is not a valid URL: {exc}", feed=shown, reason="invalid-url") from None
    if not host:
        raise FeedError(f"feed {shown} has no host", feed=shown, reason="invalid-url")
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise FeedError(
            f"feed {shown} is unreachable: cannot resolve {host}: {detail}", feed=shown, reason="unreachable"
        ) from None
    if not addresses:
        raise FeedError(f"feed {shown} is unreachable: {host} resolves to no address", feed=shown, reason="unreachable")
    for ip in addresses:
        why = forbidden_reason(ip)
        if why:
            shown_host = host if host == str(ip) else f"{host} ({ip})"
            raise FeedError(
                f"feed {shown} refused: {shown_host} is a {why} address (SSRF guard; allow_private_networks turns it off)",
                feed=shown,
                reason="forbidden-address",
                address=str(ip),
            )
