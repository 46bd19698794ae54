"""Fetching a source's documents: its URLs (per-target and discovering sources), conditional GETs, the fetch log,
and the ahead-of-ingest work of a whole collection (fetch, store and parse in worker threads).

`Pipeline` (jobs/pipeline.py) is a `Fetching`; fetching writes nothing but the raw store, so it runs off the
write lock except for the few warehouse reads it needs (validators, targets).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import duckdb

from collectors.http import FetchResult, HttpClient, HttpConfig, redact
from gapwatch.rows import ParseResult
from gapwatch.settings import Settings
from gapwatch.source import DocMeta, ParseError, Source
from warehouse import runs, targets
from warehouse.identity import names
from warehouse.ingest import Document, Parsed
from warehouse.rawstore import RawStore


@dataclass
class Fetched:
    """What fetching a source's URLs gave, with the sha256 each URL had before (to tell new from same)."""

    docs: list[Document] = field(default_factory=list)
    results: list[FetchResult] = field(default_factory=list)
    previous: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None


def http_config(settings: Settings) -> HttpConfig:
    return HttpConfig(
        user_agent=settings.user_agent,
        timeout_s=settings.http_timeout_s,
        max_body_bytes=settings.max_body_bytes,
        max_redirects=settings.max_redirects,
        attempts=settings.http_attempts,
        backoff_base_s=settings.backoff_base_s,
        backoff_max_s=settings.backoff_max_s,
        host_min_interval_s=settings.host_min_interval_s,
        respect_robots=settings.respect_robots,
        fetch_deadline_s=settings.fetch_deadline_s,
        max_per_host=settings.max_fetches_per_host,
    )


def advice(error: str) -> str:
    """What to do about a failed fetch, appended to the failed run's error."""
    if "robots.txt" in error:
        return "the site asks crawlers to stay away; check its robots.txt or disable the source"
    if "cap" in error:
        return "raise GAPWATCH_MAX_BODY_BYTES if the document legitimately grew"
    return "will retry on the next scheduled run; `gapwatch status` shows the streak"


def parse_documents(source: Source, docs: list[Document], observed_at: datetime) -> Parsed:
    """Parse every document; also return, per row, the sha256 of the document it came from."""
    result, evidence = ParseResult(), []
    for d in docs:
        meta = DocMeta(source=source.id, url=d.url, observed_at=observed_at, sha256=d.sha256,
                       content_type=d.content_type)
        part = source.parse(d.body, meta)
        result.rows += part.rows
        result.skipped += part.skipped
        result.held += part.held
        evidence += [d.sha256] * len(part.rows)
    return result, evidence


class Fetching:
    """Fetch a source's documents; log the fetches in the writer's transaction."""

    settings: Settings
    con: duckdb.DuckDBPyConnection
    write_lock: threading.RLock
    raw: RawStore
    client: HttpClient

    parse_documents = staticmethod(parse_documents)

    def _validators(self, url: str) -> tuple[str | None, str | None, str | None]:
        with self.write_lock:
            return runs.last_validators(self.con.cursor(), url)

    def urls(self, source: Source) -> list[str]:
        """The URLs of `source`; a per-target source (`paths_from`) asks the warehouse what to fetch now."""
        base = self.settings.base_urls.get(source.id)
        if source.paths_from is None:
            return source.urls(base)
        with self.write_lock:
            paths = targets.resolve(source.paths_from, self.con.cursor(), self.settings.max_targets_per_run)
        return source.urls(base, paths)

    def fetch(
        self, source: Source, urls: list[str] | None = None,
        validators: runs.Validators | None = None,
    ) -> Fetched:
        """Fetch every URL of `source`. Safe to call from many threads; writes nothing. `validators` (etag,
        last-modified, sha256 per URL, as `runs.source_validators` reads them; a URL absent was never fetched)
        spares the warehouse reads, for a caller that holds the write lock while the fetches run."""
        out = Fetched()
        failures: list[str] = []
        if urls is None and source.discover is not None:
            urls, out.error = self._discover(source, out, validators)
            if out.error:
                return out
        urls = self.urls(source) if urls is None else urls
        if not urls:
            out.error = f"no targets to fetch for {source.id} (nothing in the warehouse names one yet)"
            return out
        for url in urls:
            shown = redact(url)  # credentials in a base URL are sent, never stored, logged or published
            etag, modified, prev_sha = (validators.get(shown, (None, None, None)) if validators is not None
                                        else self._validators(shown))
            out.previous[shown] = prev_sha
            # Read (and checked) before asking "not modified?": a damaged stored copy means fetching it whole.
            stored = self.raw.intact(prev_sha) if prev_sha is not None else None
            res = self.client.fetch(
                url,
                etag=etag if stored is not None else None,
                last_modified=modified if stored is not None else None,
                max_bytes=source.max_body_bytes,
                hosts=(urlsplit(source.base_url).hostname or "", *source.redirect_hosts),
            )
            out.results.append(res)
            if res.error and source.paths_from is not None:
                failures.append(f"{shown}: {res.error}")  # independent targets: skip this one, keep the rest
                continue
            if res.error:
                out.error = f"{shown}: {res.error}"
                return out
            if res.not_modified and stored is not None and prev_sha is not None:
                out.docs.append(Document(shown, stored, prev_sha, res.content_type))
            else:
                out.docs.append(Document(shown, res.body, res.sha256 or "", res.content_type))
        if failures and not out.docs:
            out.error = f"every target failed, e.g. {failures[0]}"
        return out

    def _discover(self, source: Source, out: Fetched,
                  validators: runs.Validators | None = None) -> tuple[list[str], str | None]:
        """The URLs a discovering source names now (`Source.discover`), or the error that stops the run. The
        discovery fetch is logged with the others (it is not ingested: it holds no facts)."""
        assert source.discover is not None
        base = self.settings.base_urls.get(source.id)
        url = source.urls(base, [source.discover.path])[0]
        out.previous[url] = (validators.get(url, (None, None, None)) if validators is not None
                             else self._validators(url))[2]
        res = self.client.fetch(url, max_bytes=source.max_body_bytes)
        out.results.append(res)
        if res.error or not res.body:
            return [], f"{url} (names the documents to collect): {res.error or 'empty response'}"
        try:
            paths = source.discover.paths(res.body)
        except ParseError as exc:
            return [], str(exc)
        return source.urls(base, [*dict.fromkeys([*paths, *source.paths])]), None

    def _fetch_ahead(
        self, source: Source, urls: list[str] | None, validators: runs.Validators, observed_at: datetime,
        keyed: frozenset[tuple[str, str]],
    ) -> tuple[Fetched, Callable[[], Parsed] | None]:
        """A whole collection's work for `source` in a worker thread, off the ingest path: fetch, then store (gzip,
        fsync: they release the GIL) and parse. Returns what `ingest_documents(prepared=...)` takes (None: the
        fetch failed)."""
        fetched = self.fetch(source, urls, validators)
        if fetched.error:
            return fetched, None
        for d in fetched.docs:
            self.raw.put(d.body, d.sha256)
        try:
            parsed = parse_documents(source, fetched.docs, observed_at)
        except Exception as exc:  # judged by the ingest exactly as a parse failure there
            def fail(exc: Exception = exc) -> Parsed:
                raise exc
            return fetched, fail
        # The names identity will key at the end, keyed here while this thread has time (cached).
        names.warm({m for r in parsed[0].rows if isinstance(m := getattr(r, "model", None), str)
                    and (source.id, m) not in keyed})
        return fetched, lambda: parsed

    def _fetch_records(self, source: Source, fetched: Fetched) -> list[runs.FetchRecord]:
        """The fetch log's rows for `fetched` (written with the source's ingest: `Pipeline._ingest_fetched`)."""
        records = []
        for res in fetched.results:
            if res.error:
                outcome = "error"
            elif res.not_modified:
                outcome = "not_modified"
            else:
                outcome = "same" if fetched.previous.get(res.url) == res.sha256 else "new"
            records.append(runs.FetchRecord(
                source=source.id, url=res.url, fetched_at=res.fetched_at, outcome=outcome, status=res.status,
                etag=res.etag, last_modified=res.last_modified, bytes=len(res.body) if res.body else None,
                sha256=res.sha256, duration_ms=res.duration_ms, attempts=res.attempts, error=res.error,
                final_url=res.final_url, retry_after_s=res.retry_after_s,
            ))
        return records
