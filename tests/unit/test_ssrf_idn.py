"""The SSRF guard and internationalised host names (and the peer check on every connection).

httpx connects to a host IDNA 2008-encoded (``straße.example`` -> ``xn--strae-oqa.example``);
Python's socket module, handed the Unicode name, encodes it IDNA 2003 (``strasse.example``).
The guard once resolved the second and the connection the first, and the peer-address check
ran only when httpx's connect host equalled the URL's (Unicode) host, so never for an IDN host.
These tests put a fake resolver in front of getaddrinfo (nothing leaves 127.0.0.0/8) and a
local server on loopback behind the hostile spelling: the server must see no request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from newsflow.errors import FeedError
from newsflow.net import guard as netguard
from newsflow.net.deadline import ConnectTracer, Deadline, ForbiddenPeer
from tests.unit.test_fetch import FEED, LocalServer, Reply, make_fetcher

PUBLIC = "93.184.215.14"  # never connected to: the resolver hands it out, the jail refuses it


class FakeDNS:
    """getaddrinfo() as a resolver would answer: a Unicode name is encoded with Python's IDNA 2003
    codec first (what socket.getaddrinfo does with it), then looked up in `answers`.

    An answer is one address, or a list of them given out one per lookup (then the last one
    again): a name that rebinds between the guard's lookup and the connection's. One list given
    to several names is one record: its answers are given out across all of them.
    """

    def __init__(self, answers: dict[str, str | list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []  # every name as it reached the resolver (before any encoding)
        self._served: dict[int, int] = {}
        self._lock = threading.Lock()

    def address_of(self, host: str) -> str:
        with self._lock:
            self.asked.append(host)
            try:
                return str(ipaddress.ip_address(host))
            except ValueError:
                pass
            wire = host.encode("idna").decode("ascii").lower()  # what the real getaddrinfo would send
            answer = self.answers.get(wire)
            if answer is None:
                raise socket.gaierror(socket.EAI_NONAME, f"fake DNS: no such name {wire}")
            if isinstance(answer, str):
                return answer
            index = self._served.get(id(answer), 0)
            self._served[id(answer)] = index + 1
            return answer[min(index, len(answer) - 1)]

    def getaddrinfo(self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> list[Any]:  # noqa: A002
        name = host.decode("ascii") if isinstance(host, bytes) else str(host)
        address = self.address_of(name)
        family_of = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family_of, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDNS]:
    """The fake resolver, and a jail: any connection to a non-loopback address fails the test."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    fake = FakeDNS({})
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)  # the guard's and create_connection's
    original = socket.create_connection

    def jailed(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        # The connection's own lookup (one, as create_connection's would be), then loopback only.
        [(*_, (ip, port))] = fake.getaddrinfo(address[0], address[1])
        assert ipaddress.ip_address(ip).is_loopback, f"the test tried to connect to {ip}"
        return original((ip, port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", jailed)
    yield fake


@pytest.fixture
def loopback() -> Iterator[LocalServer]:
    srv = LocalServer()
    srv.routes["/feed"] = Reply(200, FEED)
    yield srv
    srv.close()


def httpx_host(host: str) -> str | None:
    """The name httpx connects to for `host`, or None when httpx refuses it."""
    try:
        return httpx.URL(f"http://{host}/feed").raw_host.decode("ascii")
    except httpx.InvalidURL:
        return None


def guard_host(host: str) -> str | None:
    try:
        return netguard.ascii_host(host)
    except ValueError:
        return None


# -- one normalisation ---------------------------------------------------------------------------

HOSTS = [
    ("straße.example", "xn--strae-oqa.example"),
    ("STRAßE.Example", "xn--strae-oqa.example"),  # mixed case
    ("straẞe.example", "xn--strae-oqa.example"),  # capital sharp s
    ("straße.example.", "xn--strae-oqa.example."),  # trailing dot
    ("faß.de", "xn--fa-hia.de"),
    ("Bücher.DE", "xn--bcher-kva.de"),
    ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
    ("xn--strae-oqa.example", "xn--strae-oqa.example"),
    ("Feeds.Example.COM.", "feeds.example.com."),
    ("ＥＸＡＭＰＬＥ.com", None),  # fullwidth: not IDNA 2008 (IDNA 2003 would map it to example.com)
    ("ｅｘａｍｐｌｅ。com", None),  # fullwidth, ideographic full stop
]


@pytest.mark.parametrize(("host", "wire"), HOSTS)
def test_the_guard_encodes_a_host_as_httpx_does(host: str, wire: str | None) -> None:
    assert httpx_host(host) == wire
    assert guard_host(host) == wire


@pytest.mark.parametrize(("host", "wire"), [(h, w) for h, w in HOSTS if w is not None])
def test_the_guard_resolves_the_name_httpx_connects_to(host: str, wire: str, dns: FakeDNS) -> None:
    dns.answers[wire] = PUBLIC
    netguard.check_url(f"http://{host}/feed", allow_private=False)
    assert dns.asked == [wire]  # exactly httpx's name, never the Unicode one (IDNA 2003 on the way)


@pytest.mark.parametrize("host", [h for h, w in HOSTS if w is None])
def test_a_host_idna_2008_cannot_encode_is_an_invalid_url(host: str, dns: FakeDNS, loopback: LocalServer) -> None:
    dns.answers["example.com"] = "127.0.0.1"  # where IDNA 2003 would have taken it
    with pytest.raises(FeedError) as caught:
        netguard.check_url(f"http://{host}/feed", allow_private=False)
    assert caught.value.fields["reason"] == "invalid-url"
    with make_fetcher(allow_private_networks=False) as fetcher, pytest.raises(FeedError) as caught:
        fetcher.fetch(f"http://{host}:{loopback.port}/feed")
    assert caught.value.fields["reason"] == "invalid-url"
    assert dns.asked == []
    assert loopback.requests == []


# -- the fetch -----------------------------------------------------------------------------------


def test_an_idn_host_whose_spellings_resolve_apart_is_refused(dns: FakeDNS, loopback: LocalServer) -> None:
    dns.answers.update({"strasse.example": PUBLIC, "xn--strae-oqa.example": "127.0.0.1"})
    with make_fetcher(allow_private_networks=False) as fetcher, pytest.raises(FeedError) as caught:
        fetcher.fetch(f"http://straße.example:{loopback.port}/feed")
    assert caught.value.fields["reason"] == "forbidden-address"
    assert caught.value.fields["address"] == "127.0.0.1"
    assert loopback.requests == []
    assert dns.asked == ["xn--strae-oqa.example"]  # the guard asked httpx's name, and refused before connecting


@pytest.mark.parametrize("host", ["straße.example", "STRAßE.example.", "xn--strae-oqa.example"])
def test_an_idn_host_rebound_to_loopback_is_refused_before_the_request(host: str, dns: FakeDNS, loopback: LocalServer) -> None:
    # One name, whatever the spelling: the guard's lookup gets a public address, the connection's loopback.
    rebinding = [PUBLIC, "127.0.0.1"]
    for name in ("strasse.example", "xn--strae-oqa.example", "strasse.example.", "xn--strae-oqa.example."):
        dns.answers[name] = rebinding
    with make_fetcher(allow_private_networks=False) as fetcher, pytest.raises(FeedError) as caught:
        fetcher.fetch(f"http://{host}:{loopback.port}/feed")
    assert caught.value.fields["reason"] == "forbidden-address"
    assert "127.0.0.1" in str(caught.value)
    assert loopback.requests == []  # connected, refused before a byte of the request was sent


def test_a_redirect_to_an_idn_host_rebound_to_loopback_is_refused(
    dns: FakeDNS, loopback: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 127.0.0.1 plays the public feed host; 127.0.0.2 (loopback, hence refused) the intranet.
    original = netguard.forbidden_reason
    monkeypatch.setattr(netguard, "forbidden_reason", lambda ip: None if str(ip) == "127.0.0.1" else original(ip))
    intranet = LocalServer(host="127.0.0.2")
    intranet.routes["/secret"] = Reply(200, b"the crown jewels")
    dns.answers.update(
        {
            "feeds.example": "127.0.0.1",
            "strasse.example": PUBLIC,
            "xn--strae-oqa.example": [PUBLIC, "127.0.0.2"],  # public to the guard, the intranet to httpx
        }
    )
    loopback.routes["/to-idn"] = Reply(302, b"", {"Location": f"http://straße.example:{intranet.port}/secret"})
    try:
        with make_fetcher(allow_private_networks=False) as fetcher, pytest.raises(FeedError) as caught:
            fetcher.fetch(f"http://feeds.example:{loopback.port}/to-idn")
    finally:
        intranet.close()
    assert caught.value.fields["reason"] == "forbidden-address"
    assert caught.value.fields["address"] == "127.0.0.2"
    assert [seen.path for seen in loopback.requests] == ["/to-idn"]
    assert intranet.requests == []


def test_allow_private_networks_still_reaches_an_idn_host_on_loopback(dns: FakeDNS, loopback: LocalServer) -> None:
    dns.answers["xn--strae-oqa.example"] = "127.0.0.1"
    with make_fetcher(allow_private_networks=True) as fetcher:
        assert fetcher.fetch(f"http://straße.example:{loopback.port}/feed").body == FEED
    assert [seen.headers["host"] for seen in loopback.requests] == [f"xn--strae-oqa.example:{loopback.port}"]


def test_a_broken_a_label_is_a_feed_error_not_a_crash(dns: FakeDNS) -> None:
    for allow in (False, True):
        with make_fetcher(allow_private_networks=allow) as fetcher, pytest.raises(FeedError) as caught:
            fetcher.fetch("http://xn--zz.example/feed")  # httpx.URL.host would raise IDNAError
        assert caught.value.fields["reason"] == "invalid-url"
    with pytest.raises(FeedError) as caught:
        netguard.check_url("http://www.xn--zz.example/feed", allow_private=False)
    assert caught.value.fields["reason"] == "invalid-url"
    assert dns.asked == []


# -- the peer check ------------------------------------------------------------------------------


class FakeStream:
    def __init__(self, peer: tuple[str, int] | None) -> None:
        self.peer = peer
        self.closed = False

    def get_extra_info(self, name: str) -> Any:
        return self.peer if name == "server_addr" else None

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("connect_host", ["straße.example", "xn--strae-oqa.example", "proxy.internal", "127.0.0.1"])
def test_the_peer_is_checked_whatever_name_the_connection_was_opened_to(connect_host: str) -> None:
    deadline = Deadline(10)
    tracer = ConnectTracer(deadline, "straße.example", allow_private=False)
    stream = FakeStream(("127.0.0.1", 80))
    tracer("connection.connect_tcp.started", {"host": connect_host, "port": 80})
    with pytest.raises(ForbiddenPeer) as caught:
        tracer("connection.connect_tcp.complete", {"return_value": stream})
    assert caught.value.address == "127.0.0.1" and caught.value.why == "loopback"
    assert stream.closed
    # allow_private_networks: not checked at all; a public peer passes.
    permissive = ConnectTracer(deadline, "straße.example", allow_private=True)
    permissive("connection.connect_tcp.started", {"host": connect_host, "port": 80})
    permissive("connection.connect_tcp.complete", {"return_value": FakeStream(("127.0.0.1", 80))})
    tracer("connection.connect_tcp.started", {"host": connect_host, "port": 80})
    tracer("connection.connect_tcp.complete", {"return_value": FakeStream((PUBLIC, 80))})
    deadline.finish()
