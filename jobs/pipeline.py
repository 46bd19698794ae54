"""One collection of one source: fetch → ingest (hooks) → derive → publish.

Fetch stores each document's bytes; ingest (`warehouse.ingest`: judge, validate, guards, history, run record)
runs the per-outcome hooks in its transaction; the derive stage (the deferrable hooks: capability map,
transforms, state detectors) follows in the same transaction, or once at the end of a batch; publish makes the
read snapshot. The same `ingest_documents` path serves live collection, backfill and reparse, so history
written by a backfill is indistinguishable from history collected live.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import duckdb

from collectors import registry
from collectors.http import FetchResult, HttpClient, HttpConfig, redact
from gapwatch.rows import ParseResult
from gapwatch.settings import Settings
from gapwatch.source import DocMeta, Outcome, ParseError, Source
from jobs.hooks import IngestHook, default_hooks, is_deferrable
from warehouse import db, history, ingest, runs, source_info, targets
from warehouse.bulk import BulkWriter, appendable
from warehouse.changes.events import record_events
from warehouse.changes.stale import stale_events
from warehouse.facts import table_for
from warehouse.identity import names
from warehouse.identity.refresh import identity_keys
from warehouse.ingest import Document, Parsed, Unparseable, utcnow
from warehouse.leftovers import remove_leftovers
from warehouse.publish import publish
from warehouse.rawstore import RawStore

log = logging.getLogger(__name__)



@dataclass
class Fetched:
    """What fetching a source's URLs gave, with the sha256 each URL had before (to tell new from same)."""

    docs: list[Document] = field(default_factory=list)
    results: list[FetchResult] = field(default_factory=list)
    previous: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None


@dataclass
class _Batch:
    # The batch's last accepted outcome: the deferred hooks run once for it when the batch ends.
    last: tuple[Source, Outcome] | None = None
    # A batch that defers the per-outcome hooks too: every judged outcome, in order, for the batch's end.
    deferred: list[tuple[Source, Outcome]] | None = None
    changes: int = 0  # the fact changes their diffs hold (memory: see DEFERRED_CHANGES)


# A deferring batch holds every owed outcome's diff until its end. Past this many fact changes (a long history
# whose snapshots each move thousands of scores) it runs the owed hooks for what it holds and lets them go, so
# memory stays bounded: identity is then refreshed once per this many changes rather than once per batch.
DEFERRED_CHANGES = 500_000


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
        self.con = db.connect(settings.warehouse_file, settings.published_file)
        source_info.sync(self.con, registry.SOURCES)
        remove_leftovers(settings.raw_root, settings.published_file, all_of_them=True)  # we hold the lock
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
            have_body = prev_sha is not None and self.raw.has(prev_sha)
            res = self.client.fetch(
                url,
                etag=etag if have_body else None,
                last_modified=modified if have_body else None,
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
            if res.not_modified:
                out.docs.append(Document(shown, self.raw.get(prev_sha), prev_sha, res.content_type))
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

    def _log_fetches(self, source: Source, fetched: Fetched) -> None:
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
        runs.record_fetches(self.con, records)

    # -- the whole flow --------------------------------------------------------------------------
    def collect(self, source: Source, observed_at: datetime | None = None, trigger: str = "cli") -> Outcome:
        started = utcnow()
        return self._ingest_fetched(source, self.fetch(source), observed_at or started, trigger, started)

    def collect_all(
        self, sources: list[Source], observed_at: datetime | None = None, trigger: str = "cli",
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Collect `sources` together: fetch, store and parse them concurrently (`max_concurrent_fetches` at once),
        ingest each as it is ready (one at a time, each in its own transaction as `collect` does), then run the
        derive stage once and publish once, as a batch does. Outcomes in completion order."""
        started = utcnow()
        observed_at = observed_at or started
        with self.write_lock:  # what to fetch, read before the batch holds the lock
            # A discovering source learns its URLs from its discovery document, inside its fetch.
            plans = {s.id: None if s.discover is not None else self.urls(s) for s in sources}
            validators = runs.source_validators(self.con, [s.id for s in sources])
            keyed = identity_keys(self.con)
            # Deferred events are rebuilt from interval bounds after a crash, exact only for appended snapshots:
            # a collection dated before a source's newest run (`--as-of` in the past) keeps its hooks inline.
            appends = appendable(self.con, [s.id for s in sources], observed_at)
        outcomes: list[Outcome] = []
        workers = max(1, min(self.settings.max_concurrent_fetches, len(sources)))
        def ahead(source: Source) -> tuple[Fetched, Callable[[], Parsed] | None]:
            # In the worker: fetch, then store (gzip, fsync: they release the GIL) and parse, off the ingest path.
            fetched = self.fetch(source, plans[source.id], validators[source.id])
            if fetched.error:
                return fetched, None
            for d in fetched.docs:
                self.raw.put(d.body, d.sha256)
            try:
                parsed = self.parse_documents(source, fetched.docs, observed_at)
            except Exception as exc:  # judged by the ingest exactly as a parse failure there
                def fail(exc: Exception = exc) -> Parsed:
                    raise exc
                return fetched, fail
            # The names identity will key at the end, keyed here while this thread has time (cached).
            names.warm({m for r in parsed[0].rows if isinstance(m := getattr(r, "model", None), str)
                        and (source.id, m) not in keyed})
            return fetched, lambda: parsed

        # The slowest sources first (those that fetch a discovery document, then the most documents), so the
        # longest fetch does not start last.
        order = sorted(sources, key=lambda s: (s.discover is None, -s.documents_per_collection))
        with ThreadPoolExecutor(workers, thread_name_prefix="fetch") as pool:
            futures = {pool.submit(ahead, s): s for s in order}
            with self.batch(defer_events=appends):
                self._ingest_as_completed(futures, observed_at, trigger, started, outcomes, on_outcome)
        if self.publish_after_ingest and not self._atomic and any(o.status != "unchanged" for o in outcomes):
            self.publish()
        return outcomes

    def _ingest_as_completed(self, futures: dict, observed_at: datetime, trigger: str, started: datetime,
                             outcomes: list[Outcome], on_outcome: Callable[[Outcome], None] | None) -> None:
        for done in as_completed(futures):
            source = futures[done]
            fetched, prepared = done.result()
            deferred = self._batch.deferred if self._batch is not None else None
            owed = len(deferred) if deferred is not None else 0
            try:
                # One commit per source for its fetch log, documents, facts and run (each statement committing on
                # its own costs a write-ahead-log sync apiece).
                with self.atomic():
                    outcomes.append(self._ingest_fetched(source, fetched, observed_at, trigger, started, prepared))
            except BaseException:
                if deferred is not None:
                    del deferred[owed:]  # rolled back: no hook is owed for it
                raise
            if on_outcome:
                on_outcome(outcomes[-1])

    def _ingest_fetched(
        self, source: Source, fetched: Fetched, observed_at: datetime, trigger: str, started: datetime,
        prepared: Callable[[], Parsed] | None = None,
    ) -> Outcome:
        if fetched.error and self.client.cancelled:
            # Shutting down: the source did nothing wrong, so no failed run is recorded (nor a failure streak).
            return Outcome(source.id, "cancelled", observed_at, error="cancelled: the service is shutting down")
        with self.write_lock:
            self._log_fetches(source, fetched)
            if fetched.error:
                error = fetched.error
                outcome = Outcome(source.id, "failed", observed_at, error=f"{error} — {self._advice(error)}")
                outcome.run_id = ingest.record(self.con, outcome, [], started, trigger)
                self._after_ingest(source, outcome)
                return outcome
            outcome = self.ingest_documents(source, fetched.docs, observed_at, trigger=trigger, started=started,
                                            prepared=prepared)
            if outcome.status in ("ok", "unchanged") and source.max_age is not None:
                self._check_freshness(source, observed_at)
            return outcome

    def _check_freshness(self, source: Source, observed_at: datetime) -> None:
        """A `source_stale` event when the source's newest data are older than it declares they may be; also
        after an unchanged collection, the usual state of an upstream that stopped publishing."""
        with self._transaction():
            found = stale_events(self.con, source.id, source.max_age, observed_at)
            if found:
                record_events(self.con, found, detected_at=utcnow(), backfill=False)

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
        """Judge `docs` as the state of `source` at `observed_at` and write history (`warehouse.ingest`), then
        derive and publish. One transaction.

        `prepared`: returns (or raises) what `parse_documents` gives for `docs`, when the caller parsed them
        ahead (a backfill parses the next snapshot while this one is written).
        """

        def parse() -> Parsed:
            try:
                return prepared() if prepared else self.parse_documents(source, docs, observed_at)
            except ParseError as exc:
                raise Unparseable(str(exc)) from exc
            except Exception as exc:  # a parser bug must quarantine the document, not kill the service
                raise Unparseable(f"parser crashed: {type(exc).__name__}: {exc}") from exc

        with self.write_lock:
            outcome = ingest.ingest(
                self.con, self.raw, source, docs, observed_at, parse=parse,
                min_row_ratio=self.settings.min_row_ratio, transaction=self._transaction,
                after=lambda judged: self._after_ingest(source, judged), trigger=trigger, started=started,
                force=force,
            )
            if outcome.status != "ok":
                return outcome
            if self._batch is not None:
                self._batch.last = (source, outcome)  # committed: the derive stage may run for it at the end
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
            result.held += part.held
            evidence += [d.sha256] * len(part.rows)
        return result, evidence

    def _after_ingest(self, source: Source, outcome: Outcome) -> None:
        """Inside the ingest's transaction: the per-outcome hooks, then (outside a batch) the derive stage.

        In a batch that defers its events, the per-outcome hooks are owed instead: on record with the run, in
        its transaction (`pending_events`), and run at the batch's end (`_pay`)."""
        if self._batch is not None and self._batch.deferred is not None:
            self._owe(source, [outcome])
            return
        for hook in self.hooks:
            if not is_deferrable(hook):
                hook(self.con, source, outcome)
        if self._batch is None:
            self._derive(source, outcome)
        elif outcome.status == "ok":  # the derive stage is owed: on record with the snapshot, in its transaction
            self.con.execute("INSERT OR REPLACE INTO pending_derive VALUES (1, ?, ?, ?, ?)",
                             [source.id, outcome.observed_at, outcome.run_id, utcnow()])

    def _owe(self, source: Source, outcomes: list[Outcome]) -> None:
        """Put `outcomes`' per-outcome hooks on the deferring batch's bill, in the caller's transaction."""
        assert self._batch is not None and self._batch.deferred is not None
        owed = [o for o in outcomes if o.status in ("ok", "failed", "rejected")]
        self._batch.deferred += [(source, o) for o in owed]
        if owed:  # an accepted run owed here also owes the derive stage: `settle` reads both debts from this
            self.con.execute(
                "INSERT INTO pending_events SELECT unnest(?::BIGINT[]), ?, unnest(?::TIMESTAMP[]), "
                "unnest(?::VARCHAR[]), ?",
                [[o.run_id for o in owed], source.id, [o.observed_at for o in owed], [o.status for o in owed],
                 utcnow()])

    def flush_bulk(self, source: Source, writer: BulkWriter) -> list[Outcome]:
        """Write what `writer` holds in one transaction and owe its outcomes' hooks to the batch, which must
        defer its events (`batch(defer_events=True)`): a bulk writer's diffs exist only until then."""
        with self.write_lock:
            assert self._batch is not None and self._batch.deferred is not None, "flush_bulk needs a deferring batch"
            with self._transaction():
                outcomes = writer.flush()
                self._owe(source, outcomes)
            accepted = [o for o in outcomes if o.status == "ok"]
            if accepted:
                self._batch.last = (source, accepted[-1])
            self._batch.changes += sum(len(o.diff.added) + len(o.diff.changed) + len(o.diff.removed)
                                       for o in accepted)
            if self._batch.changes > DEFERRED_CHANGES:
                self._pay_deferred(self._batch)
            return outcomes

    def _pay_deferred(self, batch: _Batch) -> None:
        """Run the owed per-outcome hooks of `batch` now, in one transaction with clearing their debt."""
        if not batch.deferred:
            return
        with self._transaction():
            self._pay(batch.deferred)
        batch.deferred.clear()
        batch.changes = 0

    def _pay(self, items: list[tuple[Source, Outcome]]) -> None:
        """Run the per-outcome hooks a batch deferred for `items` and clear that debt (`pending_events`), in the
        caller's transaction. In hook order: a hook that can take them together (`over_batch`: identity,
        refreshed once for all) does, the others (change detection) see each in turn."""
        for hook in self.hooks:
            if is_deferrable(hook):
                continue
            over = getattr(hook, "over_batch", None)
            if over is not None:
                over(self.con, items)
            else:
                for source, outcome in items:
                    hook(self.con, source, outcome)
        self.con.execute("DELETE FROM pending_events")

    def _derive(self, source: Source, outcome: Outcome) -> None:
        """The derive stage: state refreshed from the whole warehouse (the deferrable hooks, in order)."""
        for hook in self.hooks:
            if is_deferrable(hook):
                hook(self.con, source, outcome)

    @contextmanager
    def batch(self, *, defer_events: bool = False) -> Iterator[None]:
        """Ingest many documents (a backfill, a reparse) with the deferrable hooks run once, at the end.

        `defer_events`: the per-outcome hooks wait for the batch's end too. Identity is then refreshed once for
        every ingest of the batch, and change detection runs for each ingest in order, reading that identity
        (so an event's openness is the batch's final verdict, not the one of the moment the ingest was written).
        A whole collection and a backfill do this; each snapshot still commits its facts on its own.

        Per-outcome hooks still run inside each document's transaction; the derive stage (the deferrable hooks,
        see `jobs.hooks`) runs once when the batch ends, in its own transaction, for the batch's last accepted
        outcome (not at all when nothing was accepted: no fact changed). Nothing is published inside a batch
        (the derived state would be stale); the caller publishes after it. The write lock is held throughout,
        so no other thread's ingest interleaves with deferred state. A nested batch joins the outer one.
        """
        with self.write_lock:
            if self._batch is not None:
                yield
                return
            batch = self._batch = _Batch(deferred=[] if defer_events else None)
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
        if batch.last is None and not batch.deferred:
            return
        with self._transaction():
            if batch.deferred:
                self._pay(batch.deferred)
            if batch.last is not None:
                self._derive(*batch.last)
                self.con.execute("DELETE FROM pending_derive")

    def settle(self) -> bool:
        """Run what a killed batch owed, then publish; whether anything was owed: the per-outcome hooks of the
        runs in `pending_events` (a deferring batch: identity once, then change detection for each run, its
        diff read back from interval bounds) and the derive stage (`pending_derive`, or an accepted run there).

        Every command that opens the writer and the service at start call it, so a process killed between a
        batch's last snapshot and its end costs a delay, never events lost or derived tables left empty.
        """
        with self.write_lock:
            owed = self._owed_events()
            row = self.con.execute("SELECT source, observed_at, run_id FROM pending_derive").fetchall()
            if not row and not owed:
                return False
            if owed:
                log.warning("a batch was interrupted before its change detection (%d runs): running it now",
                            len(owed))
            last: tuple[Source, Outcome] | None = next(
                ((s, o) for s, o in reversed(owed) if o.status == "ok"), None)
            if row and last is None:
                try:
                    last = (registry.get(row[0][0]), Outcome(row[0][0], "ok", row[0][1], run_id=row[0][2]))
                    log.warning("a batch was interrupted before its derive stage (%s at %s): running it now",
                                *row[0][:2])
                except KeyError:
                    pass  # a source since removed: nothing to derive for
            with self._transaction():
                if owed:
                    self._pay(owed)
                if last is not None:
                    self._derive(*last)
                self.con.execute("DELETE FROM pending_derive")
            if owed or last is not None:
                self.publish()
            return last is not None or bool(owed)

    def _owed_events(self) -> list[tuple[Source, Outcome]]:
        """The outcomes whose per-outcome hooks a killed batch owed, rebuilt from their runs: an accepted one's
        diff is read back from its interval bounds (`history.diff_at`)."""
        owed = self.con.execute(
            "SELECT p.run_id, p.source, p.observed_at, p.status, r.error, r.rows_parsed FROM pending_events p "
            "LEFT JOIN collection_run r USING (run_id) ORDER BY p.observed_at, p.run_id").fetchall()
        out = []
        for run_id, source_id, observed_at, status, error, rows in owed:
            try:
                source = registry.get(source_id)
            except KeyError:
                continue  # a source since removed
            outcome = Outcome(source_id, status, observed_at, rows=rows or 0, error=error, run_id=run_id)
            if status == "ok":
                for row_type in source.row_types:
                    outcome.diff.extend(history.diff_at(self.con, table_for(row_type), source_id, observed_at))
            out.append((source, outcome))
        return out

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

    @contextmanager
    def locked(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The writer's connection, held by this thread alone for the block (no ingest interleaves).

        Commands that write or read outside the flow (the schedule table, the capability map, alert deliveries)
        use this instead of the connection itself. Reentrant: an ingest or publish inside the block is fine.
        """
        with self.write_lock:
            yield self.con

    def publish(self) -> int:
        with self.write_lock:
            return publish(self.con, self.settings.published_file)


def make_pipeline(settings: Settings, **kwargs) -> Pipeline:
    """The one Pipeline every entry point uses (CLI, service, backfill), with the default hooks in order."""
    pipe = Pipeline(settings, hooks=default_hooks(settings), **kwargs)
    try:
        pipe.settle()
    except BaseException:
        pipe.close()
        raise
    return pipe
