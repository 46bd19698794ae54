"""Hostile upstreams on 127.0.0.1: trickling bodies, redirects off the source, flaky robots.txt, credentials."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.http import HttpClient, HttpConfig, _Fetch, _is_private_address, redact


def client(**kw) -> HttpClient:
    base = dict(user_agent="gapwatch-test/1", timeout_s=2, attempts=2, backoff_base_s=0.01, backoff_max_s=0.2,
                host_min_interval_s=0)
    base.update(kw)
    return HttpClient(HttpConfig(**base))


class Trickle:
    """A raw HTTP server that answers headers at once, then one body byte every `every` seconds, forever."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/doc") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536)
            if b"GET /robots.txt" in request:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            with self._lock:
                self.connections += 1
                self.active += 1
                self.most_active = max(self.most_active, self.active)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nContent-Type: text/plain\r\n\r\n")
                while not self._stop.wait(self.every):
                    conn.sendall(b"x")
            except OSError:
                pass
            finally:
                with self._lock:
                    self.active -= 1

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    server = Trickle()
    yield server
    server.close()


def test_a_trickling_server_hits_the_whole_request_deadline(trickle: Trickle) -> None:
    # Each byte arrives well within the 2 s read timeout: only the whole-request deadline can stop it.
    with client(fetch_deadline_s=1.0) as c:
        started = time.monotonic()
        res = c.fetch(trickle.url())
    took = time.monotonic() - started
    assert not res.ok and "deadline" in res.error and "fetch_deadline_s" in res.error
    assert took < 2.0, f"took {took:.2f} s against a 1 s deadline"


def test_cancel_ends_fetches_in_flight_within_moments(trickle: Trickle) -> None:
    c = client(fetch_deadline_s=60)
    results = []
    worker = threading.Thread(target=lambda: results.append(c.fetch(trickle.url())))
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    c.cancel()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - started < 1.5
    assert "cancelled" in results[0].error
    c.close()


def test_one_host_never_gets_more_than_its_share_of_requests(trickle: Trickle) -> None:
    results: list = []
    in_flight, most = [0], [0]
    lock = threading.Lock()
    c = client(fetch_deadline_s=1.0, max_per_host=1)
    inner = c._get_once

    def counted(*args, **kwargs):  # requests on the wire, counted on the client side (the server lags)
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            return inner(*args, **kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    c._get_once = counted  # type: ignore[method-assign]
    with c:
        threads = [threading.Thread(target=lambda i=i: results.append(c.fetch(trickle.url(f"/{i}"))))
                   for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    # One request at a time held the host's only slot, until its deadline.
    assert most[0] == 1 and trickle.connections >= 1
    assert len(results) == 3 and all("deadline" in r.error for r in results)


def second_server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    return server


def test_redirect_to_another_loopback_port_is_refused(origin: HTTPServer) -> None:
    other = second_server()
    try:
        other.expect_request("/robots.txt").respond_with_data("")
        other.expect_request("/evil").respond_with_data("foreign content")
        origin.expect_request("/doc").respond_with_response(
            Response(status=302, headers={"Location": other.url_for("/evil")}))
        with client() as c:
            res = c.fetch(origin.url_for("/doc"))
        assert not res.ok and "not one of the source's hosts" in res.error and res.body == b""
        assert all(req.path != "/evil" for req, _ in other.log)
    finally:
        other.clear()
        other.stop()


def test_redirect_into_a_private_network_is_refused_unless_the_source_lives_there(origin: HTTPServer) -> None:
    origin.expect_request("/doc").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}))
    with client() as c:
        # A public source (private_ok False) declaring the metadata host still may not go there.
        job = _Fetch(time.monotonic() + 5, ("169.254.169.254",), private_ok=False,
                     origin=origin.url_for("/").split("/")[2])
        with pytest.raises(Exception, match="private, loopback or link-local"):
            c._get(origin.url_for("/doc"), {}, 1000, job)
    assert _is_private_address("169.254.169.254") and _is_private_address("127.0.0.2")
    assert _is_private_address("10.1.2.3") and not _is_private_address("1.1.1.1")


def test_redirect_within_declared_hosts_reads_the_final_hosts_robots_and_records_the_final_url(
    origin: HTTPServer,
) -> None:
    other = second_server()
    try:
        # The declared host, as the source would name it (a CDN); same machine, other port, so named by netloc.
        cdn = other.url_for("/").split("/")[2]
        other.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private\n")
        other.expect_request("/file").respond_with_data("cdn body")
        other.expect_request("/private/file").respond_with_data("never read")
        origin.expect_request("/ok").respond_with_response(
            Response(status=302, headers={"Location": other.url_for("/file")}))
        origin.expect_request("/blocked").respond_with_response(
            Response(status=302, headers={"Location": other.url_for("/private/file")}))
        with client() as c:
            # As if `other` were a declared host on its default port (loopback ports cannot be 80).
            c._may_follow = lambda parts, job: True  # type: ignore[method-assign]
            good = c.fetch(origin.url_for("/ok"))
            assert good.ok and good.body == b"cdn body" and good.final_url == other.url_for("/file")
            res = c.fetch(origin.url_for("/blocked"))
        assert not res.ok and f"robots.txt of {cdn} disallows" in res.error
        assert all(req.path != "/private/file" for req, _ in other.log)
    finally:
        other.clear()
        other.stop()


def test_final_url_is_reported(origin: HTTPServer) -> None:
    origin.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": "/new"}))
    origin.expect_request("/new").respond_with_data("moved")
    with client() as c:
        res = c.fetch(origin.url_for("/old"))
    assert res.ok and res.body == b"moved" and res.final_url == origin.url_for("/new")


def test_unreachable_robots_txt_blocks_that_attempt_only(httpserver: HTTPServer) -> None:
    state = {"robots": 503}

    def robots(_request: object) -> Response:
        return Response("User-agent: *\nAllow: /\n", status=state["robots"])

    httpserver.expect_request("/robots.txt").respond_with_handler(robots)
    httpserver.expect_request("/doc").respond_with_data("fine")
    with client() as c:
        first = c.fetch(httpserver.url_for("/doc"))
        assert not first.ok and "unreachable" in first.error
        # Retried with backoff within the attempt.
        assert sum(req.path == "/robots.txt" for req, _ in httpserver.log) == 2
        state["robots"] = 200
        second = c.fetch(httpserver.url_for("/doc"))  # not blocked for a day: asked again
        assert second.ok and second.body == b"fine"


def test_robots_txt_is_cached_by_its_expiry(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n",
                                                               headers={"Cache-Control": "max-age=0"})
    httpserver.expect_request("/doc").respond_with_data("fine")
    with client() as c:
        for _ in range(3):
            assert c.fetch(httpserver.url_for("/doc")).ok
    assert sum(req.path == "/robots.txt" for req, _ in httpserver.log) == 3


def test_credentials_in_the_url_are_sent_but_never_reported(origin: HTTPServer) -> None:
    origin.expect_request("/doc").respond_with_data("private feed")
    url = origin.url_for("/doc").replace("http://", "http://user:s3cr3t-token@")
    with client() as c:
        res = c.fetch(url)
    assert res.ok and "s3cr3t" not in res.url and redact(url) == origin.url_for("/doc")
