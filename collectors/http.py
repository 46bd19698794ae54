"""The one HTTP client every collector uses.

Polite (named User-Agent, robots.txt of every host a request reaches, per-host spacing and a per-host limit on
concurrent requests), patient (retries with exponential backoff and jitter on timeouts, 429 and 5xx, honouring
Retry-After), careful (redirects only to the source's declared hosts and never into private networks, size cap,
conditional GET, a whole-request deadline on top of per-read timeouts, cancellable at shutdown).
`fetch` never raises: every failure comes back as a `FetchResult` with `error` set.

Why sockets are tracked: a server trickling one byte per read interval never trips a read timeout, and a read
blocked in `recv` does not notice a flag. Every connection is opened fresh by the fetching thread (no keep-alive)
through a backend that records its socket, so the deadline timer and `cancel()` can shut the socket down and the
blocked read returns at once.

Longer than ~350 lines because it is one client: the throttle, the socket tracking, robots.txt and the retry loop
share its state and are tested through `fetch`.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import math
import random
import re
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpcore
import httpx

log = logging.getLogger("gapwatch.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024
# The longest wait a server's Retry-After may impose on a source; past a day it is a broken or hostile header.
RETRY_AFTER_MAX_S = 24 * 3600.0
ROBOTS_MAX_AGE_S = 24 * 3600  # RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours
LOCATION = "gapwatch.location"  # where `_hold_location` keeps a redirect's Location, out of httpx's reach


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
    fetch_deadline_s: float = 120.0
    max_per_host: int = 2


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
    final_url: str | None = None  # where the body came from after redirects (None: the URL itself)
    retry_after_s: float | None = None  # the server asked not to be called again before this many seconds

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


class Refused(Exception):
    """A request this client will not make (redirect off the declared hosts, into a private network, ...)."""


class PrivatePeer(Refused):
    """The connection reached a private, loopback or link-local address that this fetch may not reach."""


class Stopped(Exception):
    """The fetch's deadline passed or the client was cancelled: no further attempt."""


def _retry_after_seconds(value: str | None) -> float | None:
    """The wait a Retry-After header asks for (RFC 9110: delay-seconds or an HTTP-date), clamped to
    [0, RETRY_AFTER_MAX_S]; None when absent or unreadable. The server controls this number: `inf`, `1e308` or a
    date in the year 5000 must not stop a source for good (nor overflow the schedule's arithmetic)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(RETRY_AFTER_MAX_S, max(0.0, seconds))


def redact(url: str) -> str:
    """`url` without user:password (a token in a base URL must never be stored, logged or published)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _hide(text: str, parts: SplitResult) -> str:
    """`text` without the URL's password, should an exception quote the URL."""
    return text.replace(parts.password, "***") if parts.password else text


def _is_private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever the IPv6 tables say
    return not address.is_global


def _is_private_address(host: str) -> bool:
    """Whether `host` is (or resolves to) a loopback, private, link-local or otherwise non-public address.

    An early, readable refusal only: DNS may answer differently when the connection is made (rebinding), so
    the address a connection actually reached is checked again (`_TrackingBackend.connect_tcp`)."""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except (OSError, UnicodeError):  # UnicodeError: a label the IDNA codec refuses (empty, over 63 chars)
            return False  # unresolvable: the request itself will fail with a clear error
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    return any(_is_private(a) for a in addresses)


def private_by_address(host: str) -> bool:
    """Whether a URL naming `host` asks for a private server by address: a literal loopback, private or
    link-local IP, or `localhost`. Only such a URL (a test server, the demo, an operator's explicit base URL)
    may reach private addresses; a host *name* never earns that by what DNS answers, which an attacker
    controlling that DNS could choose."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return _is_private(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return False


def redirect_target(url: str, location: str) -> str:
    """Where a redirect from `url` with this `Location` goes, or `Refused` saying what is wrong with it.

    `Location` is upstream text: a bad port (`:99999`), an invalid IDNA label (`xn--`), a scheme without `//`
    (`mailto:`, `http:x`), a broken IPv6 literal... Each URL parser raises its own exception for these
    (ValueError, UnicodeError and idna's errors, httpx.InvalidURL), so the target is checked here, once,
    before httpx or urllib parse it further, and every such form becomes this fetch's recorded failure."""
    shown = repr(location if len(location) <= 120 else location[:120] + "…")
    try:
        target = urljoin(url, location)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"will not follow a redirect to a {parts.scheme!r} URL (Location {shown})")
        if not parts.hostname:
            raise Refused(f"malformed redirect: Location {shown} names no host")
        _ = parts.port  # a port out of 0-65535 or not a number raises ValueError here
        _ = httpx.URL(target).host  # IDNA labels (`xn--` decoded here), IPv6 literals, characters
    except (ValueError, TypeError, httpx.InvalidURL) as exc:  # UnicodeError and idna.IDNAError are ValueErrors
        raise Refused(f"malformed redirect: Location {shown} ({type(exc).__name__}: {exc})") from None
    return target


def _hold_location(response: httpx.Response) -> None:
    """httpx builds the next request of every redirect even when it will not follow it, and then raises whatever
    its URL parsers raise on a malformed Location (InvalidURL, idna's errors, ValueError). This response hook
    takes the Location away from httpx; `_get` follows it through `redirect_target`, which names the fault."""
    if response.has_redirect_location:
        response.extensions = {**response.extensions, LOCATION: response.headers["Location"]}
        del response.headers["Location"]


def host_allowed(host: str, declared: Iterable[str]) -> bool:
    """`host` is one of `declared` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in declared))


class HostThrottle:
    """Spaces requests to one host at least `interval` seconds apart, across threads."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, stop: threading.Event | None = None) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self.interval
        if slot > now:
            (stop or threading.Event()).wait(slot - now)


class _Sockets:
    """The sockets each thread opened during its current fetch, so a timer or `cancel()` can shut them down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_thread: dict[int, set[socket.socket]] = {}

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._by_thread.setdefault(threading.get_ident(), set()).add(sock)

    def release(self, thread: int) -> None:
        with self._lock:
            self._by_thread.pop(thread, None)

    def shutdown(self, thread: int | None = None) -> None:
        with self._lock:
            groups = list(self._by_thread.values()) if thread is None else [self._by_thread.get(thread, set())]
        for group in groups:
            for sock in list(group):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a read blocked in recv, unlike close()


class _TrackingBackend(httpcore.NetworkBackend):
    """Records each socket (see the module doc) and refuses a connection whose peer is a private address
    when the fetching thread's fetch may not reach one: DNS answered at connect time, whatever it said before."""

    def __init__(self, inner: httpcore.NetworkBackend, sockets: _Sockets, policy: threading.local) -> None:
        self._inner = inner
        self._sockets = sockets
        self._policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                         socket_options=socket_options)
        sock = stream.get_extra_info("socket")
        self._sockets.add(sock)
        if not getattr(self._policy, "private_ok", False):
            self._check_peer(stream, sock, host)
        return stream

    @staticmethod
    def _check_peer(stream: httpcore.NetworkStream, sock: socket.socket | None, host: str) -> None:
        try:
            peer = ipaddress.ip_address(sock.getpeername()[0].split("%")[0]) if sock is not None else None
        except (OSError, ValueError):
            peer = None
        if peer is None or _is_private(peer):
            stream.close()
            raise PrivatePeer(f"{host} connected to {peer or 'an address that cannot be checked'}, a private, "
                              "loopback or link-local address (DNS rebinding?); only a URL naming such an address "
                              "itself may reach one")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@dataclass
class _Fetch:
    """One call of `fetch`: its deadline, and which hosts it may reach."""

    deadline: float
    hosts: tuple[str, ...]
    private_ok: bool
    origin: str = ""  # host:port of the URL asked for
    final_url: str = ""
    attempts: int = 0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


class HttpClient:
    def __init__(self, config: HttpConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._sockets = _Sockets()
        self._policy = threading.local()  # `private_ok` of the fetch this thread is making
        if transport is None:
            # No keep-alive: every connection belongs to the fetch (thread) that opened it, see the module doc.
            transport = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
            pool = transport._pool
            pool._network_backend = _TrackingBackend(pool._network_backend, self._sockets, self._policy)
        self._client = httpx.Client(
            headers={"User-Agent": config.user_agent}, timeout=config.timeout_s, follow_redirects=False,
            transport=transport, event_hooks={"response": [_hold_location]},
        )
        self._throttle = HostThrottle(config.host_min_interval_s)
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._stop = threading.Event()

    def close(self) -> None:
        self.cancel()
        self._client.close()

    def cancel(self) -> None:
        """Stop every fetch in flight within moments (shutdown): their results say so."""
        self._stop.set()
        self._sockets.shutdown()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- per-host limits -------------------------------------------------------------------------
    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._locks_lock:
            return self._slots.setdefault(host, threading.BoundedSemaphore(max(1, self.config.max_per_host)))

    def _acquire(self, host: str, job: _Fetch) -> threading.BoundedSemaphore:
        """A slot of `host`: one slow host holds at most `max_per_host` of the workers' requests."""
        slot = self._slot(host)
        while not slot.acquire(timeout=0.1):
            self._check(job)
        return slot

    def _check(self, job: _Fetch) -> None:
        if self._stop.is_set():
            raise Stopped("cancelled: the service is shutting down")
        if job.remaining() <= 0:
            raise Stopped(f"gave up after the {self.config.fetch_deadline_s:g}-second whole-request deadline "
                          "(fetch_deadline_s): the server is too slow or trickling")

    # -- robots.txt (RFC 9309) -------------------------------------------------------------------
    def allowed(self, url: str, job: _Fetch | None = None) -> bool:
        """Whether robots.txt of `url`'s host lets us fetch it. Raises `RobotsDisallowed` when robots.txt is
        unreachable (that attempt only: it is asked again next time, nothing unreachable is cached)."""
        if not self.config.respect_robots:
            return True
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]  # robots.txt is public: asked for without credentials
        origin = f"{parts.scheme}://{netloc}"
        job = job or _Fetch(time.monotonic() + self.config.fetch_deadline_s, (), private_ok=True, origin=netloc)
        with self._locks_lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one load per origin at a time; other hosts are not held up by a slow one
            cached = self._robots.get(origin)
            if cached is None or time.monotonic() > cached[0]:
                loaded = self._load_robots(origin, job)
                if loaded is None:
                    if cached is not None:
                        parser = cached[1]  # RFC 9309 §2.3.1.4: an unreachable file may be replaced by the last one
                        return parser.can_fetch(self.config.user_agent, url)
                    raise RobotsDisallowed(f"robots.txt of {netloc} is unreachable: complete disallow for this "
                                           "attempt (RFC 9309), asked again on the next one")
                cached = loaded
                self._robots[origin] = cached
        return cached[1].can_fetch(self.config.user_agent, url)

    def _load_robots(self, origin: str, job: _Fetch) -> tuple[float, urllib.robotparser.RobotFileParser] | None:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        # robots.txt is retried with backoff like any request, within the fetch's own deadline.
        sub = _Fetch(job.deadline, job.hosts, job.private_ok, origin=urlsplit(origin).netloc)
        try:
            resp, body = self._retrying(lambda: self._get(origin + "/robots.txt", {}, ROBOTS_MAX_BYTES, sub,
                                                          robots=False), sub)
        except BodyTooLarge:
            parser.parse([])
            return time.monotonic() + ROBOTS_MAX_AGE_S, parser
        except PrivatePeer:
            raise  # not an unreachable robots.txt: the host itself is refused, and the fetch says why
        except (_Retryable, httpx.HTTPError, Refused, Stopped):
            return None
        if resp.status_code >= 400:  # 4xx: no robots.txt, everything allowed (§2.3.1.3)
            parser.parse([])
        elif resp.status_code in REDIRECT_STATUSES:
            return None  # too many redirects: treated as unreachable
        else:
            parser.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace").splitlines())
        return time.monotonic() + _max_age(resp.headers.get("Cache-Control")), parser

    # -- fetch -----------------------------------------------------------------------------------
    def _backoff(self, attempt: int, exc: BaseException | None) -> float:
        backoff = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** (attempt - 1))
        backoff += random.uniform(0, self.config.backoff_base_s)
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(self.config.backoff_max_s, max(backoff, exc.retry_after))
        return backoff

    def _retrying(self, call: Any, job: _Fetch) -> tuple[httpx.Response, bytes]:
        """`call()` with retries on 429/5xx and transport errors, stopping at the deadline or on cancel."""
        attempt = 0
        while True:
            attempt += 1
            job.attempts = attempt
            try:
                self._check(job)
                return call()
            except (_Retryable, httpx.TimeoutException, httpx.TransportError) as exc:
                self._check(job)  # a read cut by the deadline or by cancel() is reported as such
                if attempt >= self.config.attempts:
                    raise
                wait = self._backoff(attempt, exc)
                if wait >= job.remaining():
                    raise
                if self._stop.wait(wait):
                    raise Stopped("cancelled: the service is shutting down") from None

    def _get(self, url: str, headers: dict[str, str], max_bytes: int, job: _Fetch,
             *, robots: bool = True) -> tuple[httpx.Response, bytes]:
        """GET `url`, following redirects only to allowed hosts (each checked against its robots.txt)."""
        for hop in range(self.config.max_redirects + 1):
            parts = urlsplit(url)
            host = parts.hostname or ""
            netloc = parts.netloc.rsplit("@", 1)[-1]
            if parts.scheme not in ("http", "https"):
                raise Refused(f"will not follow a redirect to a {parts.scheme!r} URL ({redact(url)})")
            if hop and not self._may_follow(parts, job):
                raise Refused(f"redirected to {netloc}, which is not one of the source's hosts "
                              f"({', '.join([job.origin, *job.hosts])}); foreign content is never ingested "
                              "as the source's")
            if hop and not job.private_ok and _is_private_address(host):
                raise Refused(f"redirected to {host}, a private, loopback or link-local address")
            if robots and not self.allowed(url, job):
                raise RobotsDisallowed(f"robots.txt of {netloc} disallows {redact(url)}")
            slot = self._acquire(netloc, job)
            try:
                self._throttle.wait(netloc, self._stop)
                self._check(job)
                resp, body = self._get_once(url, headers, max_bytes, job)
            finally:
                slot.release()
            location = resp.extensions.get(LOCATION, resp.headers.get("Location"))
            if resp.status_code in REDIRECT_STATUSES and location is not None:
                url = redirect_target(url, location)
                continue
            job.final_url = url
            return resp, body
        raise httpx.TooManyRedirects(f"more than {self.config.max_redirects} redirects")

    @staticmethod
    def _may_follow(parts: Any, job: _Fetch) -> bool:
        """A redirect may stay on the URL's own origin (host and port) or go to a declared host on its
        default port: another port of the same machine is another server."""
        if parts.netloc.rsplit("@", 1)[-1] == job.origin:  # userinfo aside
            return True
        return parts.port is None and host_allowed(parts.hostname or "", job.hosts)

    def _get_once(self, url: str, headers: dict[str, str], max_bytes: int,
                  job: _Fetch) -> tuple[httpx.Response, bytes]:
        me = threading.get_ident()
        # Timed shutdown of this fetch's sockets at the deadline: a trickle cannot outlast it.
        timer = threading.Timer(max(0.0, job.remaining()), self._sockets.shutdown, args=(me,))
        timer.daemon = True
        timer.start()
        timeout = httpx.Timeout(max(0.01, min(self.config.timeout_s, job.remaining())))
        self._policy.private_ok = job.private_ok
        try:
            request = self._client.build_request("GET", url, headers=headers, timeout=timeout)
            resp = self._client.send(request, stream=True)
            try:
                if resp.status_code in RETRY_STATUSES:
                    raise _Retryable(resp.status_code, _retry_after_seconds(resp.headers.get("Retry-After")))
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise BodyTooLarge(f"Content-Length {declared} bytes exceeds the {max_bytes}-byte cap")
                chunks, total = [], 0
                for chunk in resp.iter_bytes():
                    self._check(job)
                    total += len(chunk)
                    if total > max_bytes:
                        raise BodyTooLarge(f"body exceeds the {max_bytes}-byte cap")
                    chunks.append(chunk)
                return resp, b"".join(chunks)
            finally:
                resp.close()
        finally:
            timer.cancel()
            self._sockets.release(me)

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        hosts: Collection[str] = (),
    ) -> FetchResult:
        """GET `url`. Redirects may go to `url`'s own host and to `hosts` (with their subdomains), never to a
        private, loopback or link-local address unless `url` itself is one (a test server, the demo)."""
        started = time.monotonic()
        fetched_at = datetime.now(UTC).replace(tzinfo=None)
        cap = max_bytes or self.config.max_body_bytes
        try:
            shown = redact(url)
            parts = urlsplit(url)
            private_ok = private_by_address(parts.hostname or "")
        except ValueError as exc:  # a malformed configured URL (a base URL override); userinfo cut by hand
            return FetchResult(url=re.sub(r"//[^/?#]*@", "//", url), fetched_at=fetched_at,
                               error=f"malformed URL: {exc}")
        job = _Fetch(started + self.config.fetch_deadline_s, tuple(h for h in hosts if h), private_ok=private_ok,
                     origin=parts.netloc.rsplit("@", 1)[-1])
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        def result(**kw: Any) -> FetchResult:
            final = redact(job.final_url) if job.final_url and job.final_url != url else None
            return FetchResult(url=shown, fetched_at=fetched_at, final_url=final,
                               duration_ms=int((time.monotonic() - started) * 1000), **kw)


        def attempts() -> int:
            return max(1, job.attempts)

        try:
            resp, body = self._retrying(lambda: self._get(url, headers, cap, job), job)
        except _Retryable as exc:
            return result(status=exc.status, attempts=attempts(), retry_after_s=exc.retry_after,
                          error=f"HTTP {exc.status} after {attempts()} attempts"
                          + (f"; the server asked to wait {exc.retry_after:g} s" if exc.retry_after else ""))
        except BodyTooLarge as exc:
            return result(error=f"{exc}; raise max_body_bytes if this source really grew")
        except (RobotsDisallowed, Refused, Stopped) as exc:
            return result(attempts=attempts(), error=str(exc))
        except httpx.TooManyRedirects:
            return result(error=f"more than {self.config.max_redirects} redirects")
        except httpx.TimeoutException as exc:
            return result(attempts=attempts(), error=f"timed out after {attempts()} attempts ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return result(attempts=attempts(), error=f"{type(exc).__name__}: {redact(str(exc))}")
        except (httpx.InvalidURL, httpx.StreamError, ValueError, OSError) as exc:
            # What URL parsers (urllib, httpx, idna) and the socket layer raise outside httpx.HTTPError.
            return result(attempts=attempts(), error=_hide(f"{type(exc).__name__}: {exc}", parts))
        except Exception as exc:  # `fetch` never raises: anything unforeseen is still this fetch's recorded failure
            log.exception("unexpected error fetching %s", shown)
            return result(attempts=attempts(), error=_hide(f"unexpected {type(exc).__name__}: {exc}", parts))
        meta = dict(
            status=resp.status_code,
            etag=resp.headers.get("ETag"),
            last_modified=resp.headers.get("Last-Modified"),
            content_type=resp.headers.get("Content-Type"),
            attempts=attempts(),
        )
        if resp.status_code == 304:
            return result(**meta)
        if resp.status_code >= 400:
            return result(**meta, error=f"HTTP {resp.status_code}")
        return result(**meta, body=body, sha256=hashlib.sha256(body).hexdigest())


def _max_age(cache_control: str | None) -> float:
    """How long a robots.txt may be cached: its Cache-Control max-age, at most 24 hours (RFC 9309 §2.4)."""
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.strip().isdigit():
            return min(float(value), ROBOTS_MAX_AGE_S)
        if name.lower() in ("no-store", "no-cache"):
            return 0.0
    return ROBOTS_MAX_AGE_S
