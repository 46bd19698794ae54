"""Upstream text a URL parser chokes on, and DNS that changes its answer: `fetch` records a failure, never raises.

A raw loopback server answers every request with a redirect whose `Location` is sent byte for byte as given
(a framework would refuse or re-encode some of these), so each form reaches the client as a hostile server
would send it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from collectors.http import HttpClient, HttpConfig

# Every exception family a Location can raise in urllib, httpx or idna, with what the failure must say. The
# first ten escaped `fetch` before (httpx.InvalidURL, ValueError "Port out of range", idna.IDNAError,
# idna.InvalidCodepoint).
MALFORMED = [
    ("mailto:ops@example.com", "will not follow a redirect to a 'mailto' URL"),
    ("javascript:alert(1)", "will not follow a redirect to a 'javascript' URL"),
    ("data:text/plain,hi", "will not follow a redirect to a 'data' URL"),
    ("http://127.0.0.1:99999/x", "Port out of range"),
    ("http://127.0.0.1:-1/", "Port could not be cast"),
    ("http://xn--/x", "IDNAError"),
    ("http://xn--zz/", "IDNAError"),
    ("http://xn--ls8h/", "InvalidCodepoint"),
    ("http://xn--a.com/", "InvalidCodepoint"),
    ("http:x", "redirects"),  # urllib reads it as a relative path: a loop, bounded
    ("http://127.0.0.1:abc/", "Port could not be cast"),
    ("http://[::1/x", "Invalid IPv6 URL"),
    ("http://[zz]/x", "does not appear to be an IPv4 or IPv6 address"),
    ("https://", "names no host"),
    ("http://\u2100/", "NFKC"),
    ("http://ex\u00adample/", "Invalid IDNA hostname"),
    ("http://\x00/", "illegal header line"),
    ("ftp://example.com/", "will not follow a redirect to a 'ftp' URL"),
    ("file:///etc/passwd", "will not follow a redirect to a 'file' URL"),
    ("http://" + "a" * 64 + ".com/", "not one of the source's hosts"),
    ("http://a@b@c/", "not one of the source's hosts"),
    ("//", "redirects"),
]


class Redirector:
    """Answers robots.txt with 404 and anything else with `302 Location: <location>`, raw bytes."""

    def __init__(self, location: str) -> None:
        self.location = location.encode("utf-8")
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            with conn:
                request = conn.recv(65536)
                if b"GET /robots.txt" in request:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                else:
                    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + self.location
                                 + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


def client(**kw: object) -> HttpClient:
    base = dict(user_agent="gapwatch-test/1", timeout_s=2, attempts=1, host_min_interval_s=0, fetch_deadline_s=10)
    return HttpClient(HttpConfig(**(base | kw)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("location", "reason"), MALFORMED, ids=[repr(loc)[:40] for loc, _ in MALFORMED])
def test_a_malformed_location_is_a_recorded_failure_with_its_reason(location: str, reason: str) -> None:
    server = Redirector(location)
    try:
        with client() as http:
            result = http.fetch(f"http://127.0.0.1:{server.port}/doc")
    finally:
        server.close()
    assert result.error is not None and reason in result.error, result.error
    assert result.body == b"" and result.sha256 is None


def test_a_malformed_base_url_is_a_recorded_failure() -> None:
    with client() as http:
        result = http.fetch("http://user:tok3n@[::1/models")
    assert result.error is not None and "malformed URL" in result.error
    assert "tok3n" not in result.url + result.error


class Serving:
    """A loopback server answering every GET with a small body: what rebinding would reach."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                if not conn.recv(65536):
                    continue  # connected, then closed without a request (a refused peer)
                self.requests += 1
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret")


@pytest.fixture
def internal() -> Iterator[Serving]:
    server = Serving()
    yield server
    server.sock.close()


def rebinding(monkeypatch: pytest.MonkeyPatch, name: str, port: int) -> list[str]:
    """DNS for `name` that answers a public address to a lookup without a port (an address check) and loopback
    to the lookup a connection makes: a TTL-0 rebinding attack between a check and its connect."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, service, *args, **kw):  # noqa: ANN001, ANN202 - socket.getaddrinfo's own signature
        if host != name:
            return real(host, service, *args, **kw)
        address = "93.184.215.14" if service is None else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_dns_rebinding_to_loopback_is_refused_at_connect(monkeypatch: pytest.MonkeyPatch, internal: Serving) -> None:
    answers = rebinding(monkeypatch, "models.rebind.example", internal.port)
    with client() as http:
        # A public answer first (the old check resolved here), loopback when the connection is made.
        result = http.fetch(f"http://models.rebind.example:{internal.port}/api")
    assert "127.0.0.1" in answers
    assert result.error is not None and "private, loopback or link-local" in result.error, result.error
    assert result.body == b"" and internal.requests == 0  # refused before a byte of the request was sent


def test_a_loopback_url_by_address_still_reaches_loopback(internal: Serving) -> None:
    """Tests and the demo name their loopback upstream by address: that explicit choice keeps working."""
    with client(respect_robots=False) as http:
        result = http.fetch(f"http://127.0.0.1:{internal.port}/api")
    assert result.error is None and result.body == b"secret"
