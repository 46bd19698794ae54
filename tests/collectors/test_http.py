"""The shared HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.http import HttpClient, HttpConfig


def client(**kw) -> HttpClient:
    base = dict(user_agent="gapwatch-test/1 (+https://example.org/contact)", timeout_s=1, attempts=3,
                backoff_base_s=0.01, backoff_max_s=0.5, host_min_interval_s=0)
    base.update(kw)
    return HttpClient(HttpConfig(**base))


def test_user_agent_and_body(origin: HTTPServer) -> None:
    seen = {}

    def handler(request: Request) -> Response:
        seen["ua"] = request.headers.get("User-Agent")
        return Response(b'{"ok": true}', headers={"ETag": '"v1"'})

    origin.expect_request("/doc").respond_with_handler(handler)
    with client() as c:
        res = c.fetch(origin.url_for("/doc"))
    assert res.ok and res.status == 200 and res.body == b'{"ok": true}'
    assert res.etag == '"v1"' and len(res.sha256) == 64
    assert seen["ua"] == "gapwatch-test/1 (+https://example.org/contact)"


def test_conditional_get_returns_304(origin: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(b"body", headers={"ETag": '"v1"'})

    origin.expect_request("/doc").respond_with_handler(handler)
    with client() as c:
        first = c.fetch(origin.url_for("/doc"))
        second = c.fetch(origin.url_for("/doc"), etag=first.etag)
    assert first.status == 200 and second.not_modified and second.ok and second.body == b""


def test_retries_5xx_then_succeeds(origin: HTTPServer) -> None:
    calls = []

    def handler(request: Request) -> Response:
        calls.append(1)
        return Response(status=503) if len(calls) < 3 else Response(b"finally")

    origin.expect_request("/flaky").respond_with_handler(handler)
    with client() as c:
        res = c.fetch(origin.url_for("/flaky"))
    assert res.ok and res.body == b"finally" and res.attempts == 3 and len(calls) == 3


def test_429_storm_gives_up_with_clear_error_and_honours_retry_after(origin: HTTPServer) -> None:
    calls = []

    def handler(request: Request) -> Response:
        calls.append(time.monotonic())
        return Response(status=429, headers={"Retry-After": "0.3"})

    origin.expect_request("/limited").respond_with_handler(handler)
    with client() as c:
        res = c.fetch(origin.url_for("/limited"))
    assert not res.ok and res.status == 429 and "after 3 attempts" in res.error
    assert len(calls) == 3
    assert calls[1] - calls[0] >= 0.3 and calls[2] - calls[1] >= 0.3  # Retry-After waited, within backoff_max


def test_timeout_is_an_error_not_an_exception(origin: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(b"late")

    origin.expect_request("/slow").respond_with_handler(slow)
    with client(timeout_s=0.2, attempts=2) as c:
        res = c.fetch(origin.url_for("/slow"))
    assert not res.ok and "timed out after 2 attempts" in res.error


def test_oversized_body_is_refused(origin: HTTPServer) -> None:
    origin.expect_request("/huge").respond_with_data(b"x" * 200_000)
    with client(max_body_bytes=100_000) as c:
        res = c.fetch(origin.url_for("/huge"))
    assert not res.ok and "100000-byte cap" in res.error and res.body == b""


def test_oversized_chunked_body_is_refused_while_streaming(origin: HTTPServer) -> None:
    def stream(request: Request) -> Response:
        return Response((b"y" * 10_000 for _ in range(50)), direct_passthrough=True)

    origin.expect_request("/stream").respond_with_handler(stream)
    with client(max_body_bytes=100_000) as c:
        res = c.fetch(origin.url_for("/stream"))
    assert not res.ok and "cap" in res.error


def test_redirects_are_bounded(origin: HTTPServer) -> None:
    origin.expect_request("/loop").respond_with_response(Response(status=302, headers={"Location": "/loop"}))
    with client() as c:
        res = c.fetch(origin.url_for("/loop"))
    assert not res.ok and "redirects" in res.error


def test_robots_disallow_is_respected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private\n")
    httpserver.expect_request("/private/doc").respond_with_data("secret")
    with client() as c:
        res = c.fetch(httpserver.url_for("/private/doc"))
    assert not res.ok and "robots.txt" in res.error
    assert all(req.path != "/private/doc" for req, _ in httpserver.log)


def test_missing_robots_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/doc").respond_with_data("fine")
    with client() as c:
        assert c.fetch(httpserver.url_for("/doc")).body == b"fine"


def test_per_host_spacing(origin: HTTPServer) -> None:
    origin.expect_request("/a").respond_with_data("a")
    with client(host_min_interval_s=0.25) as c:
        start = time.monotonic()
        for _ in range(3):
            assert c.fetch(origin.url_for("/a")).ok
    # robots.txt + 3 fetches = 4 requests, at least 3 gaps of 0.25 s
    assert time.monotonic() - start >= 0.75


@pytest.mark.parametrize("status", [404, 410])
def test_client_errors_are_not_retried(origin: HTTPServer, status: int) -> None:
    origin.expect_request("/gone").respond_with_data("no", status=status)
    with client() as c:
        res = c.fetch(origin.url_for("/gone"))
    assert res.error == f"HTTP {status}" and res.attempts == 1
