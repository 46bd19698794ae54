"""One collection of one source: fetch → store raw → parse → validate → ingest → (hooks) → publish.

The same `ingest_documents` path serves live collection, backfill and reparse, so history written by a
backfill is indistinguishable from history collected live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from collectors.http import FetchResult, HttpClient, HttpConfig
from collectors.source import DocMeta, ParseError, Source
from gapwatch.rows import ParseResult, PriceRow
from gapwatch.settings import Settings
from warehouse import db, history, price_guard, runs, targets, validate
from warehouse.facts import table_for
from warehouse.publish import publish
from warehouse.rawstore import RawStore

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Document:
    url: str
    body: bytes
    sha256: str
    content_type: str | None = None


@dataclass
class Fetched:
    """What fetching a source's URLs gave, with the sha256 each URL had before (to tell new from same)."""

    docs: list[Document] = field(default_factory=list)
    results: list[FetchResult] = field(default_factory=list)
    previous: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Outcome:
    source: str
    status: str  # ok | unchanged | failed | rejected
    observed_at: datetime
    rows: int = 0
    skipped: int = 0
    diff: history.Diff = field(default_factory=history.Diff)
    error: str | None = None
    run_id: int | None = None

    def summary(self) -> str:
        added, changed, removed = self.diff.counts
        text = f"{self.source}: {self.status}"
        if self.status == "ok":
            text += f" ({self.rows} rows; +{added} ~{changed} -{removed})"
        if self.error:
            text += f" — {self.error}"
        return text


# Every row parsed from a snapshot's documents, and per row the sha256 of the document it came from.
Parsed = tuple[ParseResult, list[str]]

# Called inside the ingest transaction, so what a hook writes (change events) commits with the facts.
IngestHook = Callable[[duckdb.DuckDBPyConnection, Source, Outcome], None]


def deferrable(hook: IngestHook) -> IngestHook:
    """Mark `hook` as a state refresher that a batch (`Pipeline.batch()`) may run once, at its end.

    The seam between two kinds of hook: a per-outcome hook (change detection, identity) must see every
    outcome, because what it writes depends on each diff (an event per price move, a licence verdict per
    step). A state refresher derives tables from the whole warehouse (the capability map, the transforms,
    the gap-threshold check on the transforms' gap table): run after the last document of a batch it leaves
    the same state as run after each, so a backfill or reparse runs it once. A hook that reads what a
    deferrable hook writes must itself be deferrable and registered after it.
    """
    hook.deferrable = True  # type: ignore[attr-defined]
    return hook


def is_deferrable(hook: IngestHook) -> bool:
    return getattr(hook, "deferrable", False)


@dataclass
class _Batch:
    # The batch's last accepted outcome: the deferred hooks run once for it when the batch ends.
    last: tuple[Source, Outcome] | None = None


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
    )


class Pipeline:
    """Owns the writer's connection; every warehouse write goes through here, one at a time."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: HttpClient | None = None,
        hooks: list[IngestHook] | None = None,
        publish_after_ingest: bool = True,
    ) -> None:
        self.settings = settings
        self.con = db.connect(settings.warehouse_file)
        self.raw = RawStore(settings.raw_root)
        self.client = client or HttpClient(http_config(settings))
        self.hooks = hooks or []
        self.publish_after_ingest = publish_after_ingest
        self.write_lock = threading.RLock()
        self._batch: _Batch | None = None
        self._atomic = False  # inside `atomic()`: ingests join its transaction instead of committing their own

    def close(self) -> None:
        self.client.close()
        self.con.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- fetch -----------------------------------------------------------------------------------
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

    def fetch(self, source: Source, urls: list[str] | None = None) -> Fetched:
        """Fetch every URL of `source`. Safe to call from many threads; writes nothing."""
        out = Fetched()
        failures: list[str] = []
        urls = self.urls(source) if urls is None else urls
        if not urls:
            out.error = f"no targets to fetch for {source.id} (nothing in the warehouse names one yet)"
            return out
        for url in urls:
            etag, modified, prev_sha = self._validators(url)
            out.previous[url] = prev_sha
            have_body = prev_sha is not None and self.raw.has(prev_sha)
            res = self.client.fetch(
                url,
                etag=etag if have_body else None,
                last_modified=modified if have_body else None,
                max_bytes=source.max_body_bytes,
            )
            out.results.append(res)
            if res.error and source.paths_from is not None:
                failures.append(f"{url}: {res.error}")  # independent targets: skip this one, keep the rest
                continue
            if res.error:
                out.error = f"{url}: {res.error}"
                return out
            if res.not_modified:
                out.docs.append(Document(url, self.raw.get(prev_sha), prev_sha, res.content_type))
            else:
                out.docs.append(Document(url, res.body, res.sha256 or "", res.content_type))
        if failures and not out.docs:
            out.error = f"every target failed, e.g. {failures[0]}"
        return out

    def _log_fetches(self, source: Source, fetched: Fetched) -> None:
        for res in fetched.results:
            if res.error:
                outcome = "error"
            elif res.not_modified:
                outcome = "not_modified"
            else:
                outcome = "same" if fetched.previous.get(res.url) == res.sha256 else "new"
            runs.record_fetch(
                self.con,
                runs.FetchRecord(
                    source=source.id, url=res.url, fetched_at=res.fetched_at, outcome=outcome, status=res.status,
                    etag=res.etag, last_modified=res.last_modified, bytes=len(res.body) if res.body else None,
                    sha256=res.sha256, duration_ms=res.duration_ms, attempts=res.attempts, error=res.error,
                ),
            )

    # -- the whole flow --------------------------------------------------------------------------
    def collect(self, source: Source, observed_at: datetime | None = None, trigger: str = "cli") -> Outcome:
        started = utcnow()
        observed_at = observed_at or started
        fetched = self.fetch(source)
        with self.write_lock:
            self._log_fetches(source, fetched)
            if fetched.error:
                error = fetched.error
                outcome = Outcome(source.id, "failed", observed_at, error=f"{error} — {self._advice(error)}")
                outcome.run_id = self._record(source, outcome, [], started, trigger)
                self._run_hooks(source, outcome)
                return outcome
            return self.ingest_documents(source, fetched.docs, observed_at, trigger=trigger, started=started)

    @staticmethod
    def _advice(error: str) -> str:
        if "robots.txt" in error:
            return "the site asks crawlers to stay away; check its robots.txt or disable the source"
        if "cap" in error:
            return "raise GAPWATCH_MAX_BODY_BYTES if the document legitimately grew"
        return "will retry on the next scheduled run; `gapwatch status` shows the streak"

    def ingest_documents(
        self,
        source: Source,
        docs: list[Document],
        observed_at: datetime,
        *,
        trigger: str = "cli",
        started: datetime | None = None,
        force: bool = False,
        prepared: Callable[[], Parsed] | None = None,
    ) -> Outcome:
        """Judge `docs` as the state of `source` at `observed_at` and write history. One transaction.

        `prepared`: returns (or raises) what `parse_documents` gives for `docs`, when the caller parsed them
        ahead (a backfill parses the next snapshot while this one is written).
        """
        started = started or utcnow()
        with self.write_lock:
            shas = [d.sha256 for d in docs]
            for d in docs:
                _, stored = self.raw.put(d.body, d.sha256)
                runs.record_document(self.con, d.sha256, len(d.body), stored, d.content_type, d.url, started)
            known = runs.judgement(self.con, source.id, observed_at, shas)
            last, replayed = known.last, not force and known.replayed
            if not force and (
                replayed
                or (last is not None and sorted(last[1] or []) == sorted(shas) and last[0] != "rejected"
                    and known.next_at is None)
            ):
                outcome = Outcome(source.id, "unchanged", observed_at, rows=(last[2] or 0) if last else 0)
                if not replayed:
                    outcome.run_id = self._record(source, outcome, shas, started, trigger)
                return outcome
            try:
                parsed, evidence = prepared() if prepared else self.parse_documents(source, docs, observed_at)
            except Exception as exc:  # a parser bug must quarantine the document, not kill the service
                what = str(exc) if isinstance(exc, ParseError) else f"parser crashed: {type(exc).__name__}: {exc}"
                outcome = Outcome(source.id, "rejected", observed_at, error=f"{what} — document quarantined, "
                                  f"history unchanged; after a parser fix run `gapwatch reparse {source.id}`")
                outcome.run_id = self._record(source, outcome, shas, started, trigger)
                self._run_hooks(source, outcome)
                return outcome
            # Read once: the price guard and the history write compare the snapshot with the same state.
            alive = ({PriceRow: history.alive_at(self.con, table_for(PriceRow), source.id, observed_at)}
                     if PriceRow in source.row_types else {})
            found = validate.problems(
                parsed,
                expected_types=source.row_types,
                min_rows=source.min_rows,
                # A per-target source covers a different subset each run: its row count says nothing.
                previous_rows=None if source.paths_from else known.previous_rows,
                min_ratio=self.settings.min_row_ratio,
            ) or price_guard.check(self.con, source.id, parsed, evidence, observed_at, alive.get(PriceRow))
            if found:
                outcome = Outcome(source.id, "rejected", observed_at, rows=len(parsed.rows),
                                  skipped=len(parsed.skipped),
                                  error="; ".join(found) + " — document quarantined, history unchanged")
                outcome.run_id = self._record(source, outcome, shas, started, trigger)
                self._run_hooks(source, outcome)
                return outcome
            outcome = Outcome(source.id, "ok", observed_at, rows=len(parsed.rows), skipped=len(parsed.skipped))
            with self._transaction():
                by_type: dict[type, list] = {t: [] for t in source.row_types}
                for row, sha in zip(parsed.rows, evidence, strict=True):
                    by_type.setdefault(type(row), []).append((row, sha))
                for row_type, items in by_type.items():
                    outcome.diff.extend(
                        history.apply_snapshot(self.con, table_for(row_type), source.id, items, observed_at,
                                               full_snapshot=source.full_snapshot, next_at=known.next_at,
                                               alive=alive.get(row_type))
                    )
                outcome.run_id = self._record(source, outcome, shas, started, trigger)
                self._run_hooks(source, outcome)
            if self._batch is not None:
                self._batch.last = (source, outcome)  # committed: the deferred hooks may run for it at the end
            elif self.publish_after_ingest and not self._atomic:  # never publish what may yet roll back
                self.publish()
            return outcome

    @staticmethod
    def parse_documents(source: Source, docs: list[Document], observed_at: datetime) -> Parsed:
        """Parse every document; also return, per row, the sha256 of the document it came from."""
        result, evidence = ParseResult(), []
        for d in docs:
            meta = DocMeta(source=source.id, url=d.url, observed_at=observed_at, sha256=d.sha256,
                           content_type=d.content_type)
            part = source.parse(d.body, meta)
            result.rows += part.rows
            result.skipped += part.skipped
            evidence += [d.sha256] * len(part.rows)
        return result, evidence

    def _record(self, source: Source, outcome: Outcome, shas: list[str], started: datetime, trigger: str) -> int:
        added, changed, removed = outcome.diff.counts
        return runs.record_run(
            self.con,
            runs.RunRecord(
                source=source.id, observed_at=outcome.observed_at, started_at=started, finished_at=utcnow(),
                status=outcome.status, documents=shas, rows_parsed=outcome.rows, rows_skipped=outcome.skipped,
                added=added, changed=changed, removed=removed, error=outcome.error, trigger=trigger,
            ),
        )

    def _run_hooks(self, source: Source, outcome: Outcome) -> None:
        for hook in self.hooks:
            if self._batch is None or not is_deferrable(hook):
                hook(self.con, source, outcome)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Ingest many documents (a backfill, a reparse) with the deferrable hooks run once, at the end.

        Per-outcome hooks still run inside each document's transaction; the deferrable ones (see `deferrable`)
        run once when the batch ends, in their own transaction, for the batch's last accepted outcome (not at
        all when nothing was accepted: no fact changed). Nothing is published inside a batch (the deferred
        state would be stale); the caller publishes after it. The write lock is held throughout, so no other
        thread's ingest interleaves with deferred state. A nested batch joins the outer one.
        """
        with self.write_lock:
            if self._batch is not None:
                yield
                return
            batch = self._batch = _Batch()
            try:
                yield
            except BaseException:
                self._batch = None
                if self._atomic:
                    raise  # nothing was committed: the enclosing `atomic()` rolls every document back
                try:  # keep what the committed documents need; the interruption itself is what to report
                    self._finish(batch)
                except Exception:
                    log.exception("deferred ingest hooks failed after an interrupted batch")
                raise
            self._batch = None
            self._finish(batch)

    def _finish(self, batch: _Batch) -> None:
        if batch.last is None:
            return
        source, outcome = batch.last
        with self._transaction():
            for hook in self.hooks:
                if is_deferrable(hook):
                    hook(self.con, source, outcome)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Everything ingested inside commits together or not at all, in one transaction.

        For work that must not be left half done: `gapwatch reparse` drops a source's history and replays it,
        and a crash in between must leave the old history, not part of the new one. A live collection or a
        backfill does not use it: each of their snapshots commits on its own, so an interrupted run keeps
        what it wrote. Nothing is published inside (it could still roll back); the caller publishes after.
        The write lock is held throughout; nested calls join the outer one.
        """
        with self.write_lock:
            if self._atomic:
                yield
                return
            with db.transaction(self.con):
                self._atomic = True
                try:
                    yield
                finally:
                    self._atomic = False

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._atomic:
            yield  # the enclosing atomic() commits or rolls back
            return
        with db.transaction(self.con):
            yield

    def publish(self) -> int:
        with self.write_lock:
            return publish(self.con, self.settings.published_file)
