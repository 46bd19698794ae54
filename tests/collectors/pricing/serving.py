"""Serve recorded price documents on the loopback origin and point a source's base URL at it."""

from __future__ import annotations

from datetime import datetime

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from gapwatch.rows import ParseResult
from gapwatch.settings import Settings
from gapwatch.source import DocMeta, Source


class Document:
    """A handler whose body the test swaps between collections."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self.body, self.content_type = body, content_type

    def __call__(self, request: Request) -> Response:
        return Response(self.body, content_type=self.content_type)


def serve(origin: HTTPServer, source: Source, body: bytes) -> Document:
    kind = "text/html; charset=utf-8" if body.lstrip()[:1] == b"<" else "application/json"
    doc = Document(body, kind)
    origin.expect_request(source.paths[0]).respond_with_handler(doc)
    return doc


def settings_for(settings: Settings, origin: HTTPServer, *sources: Source) -> Settings:
    base = origin.url_for("").rstrip("/")
    return settings.model_copy(update={"base_urls": {**settings.base_urls, **{s.id: base for s in sources}}})


def parse(source: Source, body: bytes, observed_at: datetime = datetime(2025, 7, 1)) -> ParseResult:
    return source.parse(body, DocMeta(source.id, source.urls()[0], observed_at))


def prices(result: ParseResult) -> dict[tuple[str, str, str], tuple]:
    """(provider, model, tier) → (input, output, cache_read, cache_write) for easy assertions."""
    return {
        (r.provider, r.model, r.tier): (r.input_per_mtok, r.output_per_mtok, r.cache_read_per_mtok,
                                        r.cache_write_per_mtok)
        for r in result.rows if hasattr(r, "input_per_mtok")
    }
