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

Both checks must be about the name the connection uses. httpx puts a host on the wire (and
hands it to getaddrinfo) IDNA 2008-encoded (``straße.example`` is ``xn--strae-oqa.example``),
while getaddrinfo() given the Unicode name encodes it with Python's IDNA 2003 codec
(``strasse.example``): another name, which DNS may answer differently. So the guard resolves
only `ascii_host`, the host encoded as httpx encodes it, and refuses a host it cannot encode.

``allow_private=True`` turns the guard off (tests against local servers, intranet feeds).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import idna

from newsflow.errors import FeedError
from newsflow.redaction import redact_url

__all__ = ["METADATA_ADDRESSES", "ascii_host", "check_host", "check_url", "forbidden_reason", "resolve"]

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


def ascii_host(host: str) -> str:
    """`host` as httpx sends and resolves it: lowercase, IDNA 2008 (UTS 46 mapping off), no brackets.

    The same encoding as httpx's (``httpx._urlparse.encode_host``), so the name this guard resolves
    is the name the connection resolves. Raises `ValueError` for a host IDNA 2008 cannot encode
    (httpx refuses it too): ``ＥＸＡＭＰＬＥ.com`` (fullwidth), ``☃.example``..., and for an ASCII
    name with a broken A-label (``xn--zz.example``), which httpx cannot send a request to.
    """
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    lowered = host.lower()
    try:
        if not lowered.isascii():
            return idna.encode(lowered).decode("ascii")
        if any(label.startswith("xn--") for label in lowered.split(".")):
            idna.decode(lowered)  # an internationalised name must be valid IDNA 2008 as a whole
    except idna.IDNAError as exc:
        raise ValueError(f"{host!r} is not a valid IDNA 2008 host name ({exc})") from None
    return lowered


def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself, without DNS).

    `host` is resolved in its `ascii_host` form, never handed to getaddrinfo() as Unicode.
    Raises `OSError` (socket.gaierror) when the name does not resolve, `ValueError` when it
    cannot be encoded.
    """
    literal = ascii_host(host)
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

    A host that does not resolve raises `FeedError(reason="unreachable")`, one that cannot be
    encoded (`ascii_host`) `FeedError(reason="invalid-url")`. With `allow_private` nothing is
    checked (and nothing resolved).
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
    check_host(host, port, allow_private=allow_private, feed=shown)


def check_host(host: str, port: int | None, *, allow_private: bool, feed: str) -> None:
    """`check_url` for a host already parsed out of the URL `feed` (redacted: errors name it).

    The fetcher passes the host exactly as httpx connects to it (``httpx.URL.raw_host``).
    """
    if allow_private:
        return
    try:
        name = ascii_host(host)
    except ValueError as exc:
        raise FeedError(f"feed {feed} is not a valid URL: {exc}", feed=feed, reason="invalid-url") from None
    try:
        addresses = resolve(name, port)
    except (OSError, UnicodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise FeedError(f"feed {feed} is unreachable: cannot resolve {name}: {detail}", feed=feed, reason="unreachable") from None
    if not addresses:
        raise FeedError(f"feed {feed} is unreachable: {name} resolves to no address", feed=feed, reason="unreachable")
    for ip in addresses:
        why = forbidden_reason(ip)
        if why:
            shown_host = name if name == str(ip) else f"{name} ({ip})"
            raise FeedError(
                f"feed {feed} refused: {shown_host} is a {why} address (SSRF guard; allow_private_networks turns it off)",
                feed=feed,
                reason="forbidden-address",
                address=str(ip),
            )
