"""The one HTTP client every collector uses.

Polite (named User-Agent, robots.txt, per-host spacing), patient (retries with exponential backoff and
jitter on timeouts, 429 and 5xx, honouring Retry-After), careful (bounded redirects, size cap, conditional
GET). `fetch` never raises: every failure comes back as a `FetchResult` with `error` set.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class HttpConfig:
    user_agent: str
    timeout_s: float = 30.0
    max_body_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5
    attempts: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    host_min_interval_s: float = 1.0
    respect_robots: bool = True


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    fetched_at: datetime
    status: int | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    duration_ms: int = 0
    attempts: int = 1
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Retryable(Exception):
    """A response worth another try (429/5xx); carries how long the server asked us to wait."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class BodyTooLarge(Exception):
    pass


class RobotsDisallowed(Exception):
    pass


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HostThrottle:
    """Spaces requests to one host at least `interval` seconds apart, across threads."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class HttpClient:
    def __init__(self, config: HttpConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.Client(
            headers={"User-Agent": config.user_agent},
            timeout=config.timeout_s,
            follow_redirects=True,
            max_redirects=config.max_redirects,
            transport=transport,
        )
        self._throttle = HostThrottle(config.host_min_interval_s)
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._robots_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt (RFC 9309) -------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            cached = self._robots.get(origin)
            if cached is None or time.monotonic() - cached[0] > 24 * 3600:
                cached = (time.monotonic(), self._load_robots(origin))
                self._robots[origin] = cached
        parser = cached[1]
        if parser is None:  # unreachable robots.txt: RFC 9309 says assume complete disallow
            return False
        return parser.can_fetch(self.config.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            self._throttle.wait(urlsplit(origin).netloc)
            resp = self._client.get(origin + "/robots.txt")
        except httpx.HTTPError:
            return None
        if resp.status_code >= 500:
            return None
        if resp.status_code >= 400:  # 4xx: no robots.txt, everything allowed
            parser.parse([])
            return parser
        parser.parse(resp.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
        return parser

    # -- fetch -----------------------------------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** (state.attempt_number - 1))
        backoff += random.uniform(0, self.config.backoff_base_s)
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(self.config.backoff_max_s, max(backoff, exc.retry_after))
        return backoff

    def _get_once(self, url: str, headers: dict[str, str], max_bytes: int) -> tuple[httpx.Response, bytes]:
        self._throttle.wait(urlsplit(url).netloc)
        with self._client.stream("GET", url, headers=headers) as resp:
            if resp.status_code in RETRY_STATUSES:
                raise _Retryable(resp.status_code, _retry_after_seconds(resp.headers.get("Retry-After")))
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise BodyTooLarge(f"Content-Length {declared} bytes exceeds the {max_bytes}-byte cap")
            chunks, total = [], 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise BodyTooLarge(f"body exceeds the {max_bytes}-byte cap")
                chunks.append(chunk)
            return resp, b"".join(chunks)

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        started = time.monotonic()
        fetched_at = datetime.now(UTC).replace(tzinfo=None)
        cap = max_bytes or self.config.max_body_bytes
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def result(**kw: object) -> FetchResult:
            return FetchResult(
                url=url, fetched_at=fetched_at, duration_ms=int((time.monotonic() - started) * 1000), **kw
            )

        if not self.allowed(url):
            return result(error=f"robots.txt of {urlsplit(url).netloc} disallows {url} (or is unreachable)")
        retrying = Retrying(
            stop=stop_after_attempt(self.config.attempts),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TimeoutException, httpx.TransportError)),
            reraise=True,
        )
        try:
            resp, body = retrying(self._get_once, url, headers, cap)
        except _Retryable as exc:
            return result(status=exc.status, attempts=self.config.attempts,
                          error=f"HTTP {exc.status} after {self.config.attempts} attempts")
        except BodyTooLarge as exc:
            return result(error=f"{exc}; raise max_body_bytes if this source really grew")
        except httpx.TooManyRedirects:
            return result(error=f"more than {self.config.max_redirects} redirects")
        except httpx.TimeoutException as exc:
            return result(attempts=self.config.attempts,
                          error=f"timed out after {self.config.attempts} attempts ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return result(attempts=self.config.attempts, error=f"{type(exc).__name__}: {exc}")
        attempts = retrying.statistics.get("attempt_number", 1)
        meta = dict(
            status=resp.status_code,
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
            content_type=resp.headers.get("Content-Type"),
            attempts=attempts,
        )
        if resp.status_code == 304:
            return result(**meta)
        if resp.status_code >= 400:
            return result(**meta, error=f"HTTP {resp.status_code}")
        return result(**meta, body=body, sha256=hashlib.sha256(body).hexdigest())
