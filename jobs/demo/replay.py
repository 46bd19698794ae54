"""A replay server on 127.0.0.1 that serves recorded documents of each source as they were on a date.

`<root>/<source_id>/<YYYY-MM-DD>/<url path>` is served at `http://127.0.0.1:<port>/<source_id>/<url path>`.
Each source has a "current date" the caller moves (`set_date`); a path missing on that date falls back to
the newest earlier recording of it, so an unchanged document need not be copied into every date. ETags
let collectors make real conditional requests (304 Not Modified) as they do against live sites.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ROBOTS = b"User-agent: *\nAllow: /\n"


def _sniff(body: bytes) -> str:
    """Content type of a recording saved without an extension (e.g. `api/v1/models`)."""
    return "application/json" if body.lstrip()[:1] in (b"{", b"[") else "application/octet-stream"


class Recordings:
    """The recorded documents under `root`, by source and date."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def sources(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and self.dates(p.name))

    def dates(self, source: str) -> list[str]:
        folder = self.root / source
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and _DATE.match(p.name))

    def files(self, source: str, date: str) -> list[str]:
        """The URL paths recorded for `source` on exactly `date`."""
        folder = self.root / source / date
        if not folder.is_dir():
            return []
        return sorted("/" + p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    def find(self, source: str, date: str, url_path: str) -> Path | None:
        """The file for `url_path` on `date`, else on the newest earlier date that has it."""
        relative = Path(unquote(url_path).lstrip("/"))
        if not relative.parts or ".." in relative.parts:
            return None
        for day in reversed([d for d in self.dates(source) if d <= date]):
            candidate = (self.root / source / day / relative).resolve()
            if candidate.is_file() and candidate.is_relative_to(self.root):
                return candidate
        return None


class ReplayServer:
    """`with ReplayServer(root) as server:` serves on `server.url` from a background thread."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.recordings = Recordings(root)
        self._dates: dict[str, str] = {s: self.recordings.dates(s)[-1] for s in self.recordings.sources()}
        self._lock = threading.Lock()
        self.requests = 0
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, source: str) -> str:
        return f"{self.url}/{source}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_date(self, source: str, date: str) -> None:
        if date not in self.recordings.dates(source):
            raise ValueError(f"no recording of {source} on {date}; have {self.recordings.dates(source)}")
        with self._lock:
            self._dates[source] = date

    def date(self, source: str) -> str | None:
        with self._lock:
            return self._dates.get(source)

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._count()
                path = urlsplit(self.path).path
                if path == "/robots.txt":
                    return self._send(200, ROBOTS, "text/plain")
                source, _, rest = path.lstrip("/").partition("/")
                date = server.date(source)
                found = server.recordings.find(source, date, rest) if date else None
                if found is None:
                    return self._send(404, f"no recording for {path} (date {date})\n".encode(), "text/plain")
                body = found.read_bytes()
                etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", None, etag)
                kind = mimetypes.guess_type(found.name)[0] or _sniff(body)
                return self._send(200, body, kind, etag)

            def _send(self, status: int, body: bytes, content_type: str | None, etag: str | None = None) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet: the demo prints collection outcomes, not one line per request."""

        return Handler

