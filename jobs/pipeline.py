"""One collection of one source: fetch → ingest (hooks) → derive → publish.

Fetch stores each document's bytes (`jobs/fetching.py`); ingest (`warehouse.ingest`: judge, validate, guards,
history, run record) runs the per-outcome hooks in its transaction; the derive stage (the derive hooks:
capability map, transforms, state detectors) follows in the same transaction, or once at the end of a batch
(`jobs/hook_schedule.py`); publish makes the read snapshot. Live collection, reparse and a backfill fitted under
newer data go through `ingest_documents`; a backfill that appends judges its snapshots the same way
(`warehouse.ingest.judge`) and writes them in bulk (`warehouse/bulk.py` through `flush_bulk`), and
tests/jobs/test_deferred_equality.py holds both paths to the same warehouse.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime

import pyarrow as pa

from collectors import registry
from collectors.http import HttpClient
from gapwatch.settings import Settings
from gapwatch.source import Outcome, ParseError, Source
from jobs.fetching import Fetched, Fetching, advice, http_config
from jobs.hook_schedule import HookSchedule
from jobs.hooks import default_hooks
from warehouse import db, ingest, runs, source_info
from warehouse.bulk import appendable
from warehouse.changes.events import record_events
from warehouse.changes.stale import stale_events_of
from warehouse.hooks import Hook, HookFn
from warehouse.identity.refresh import identity_keys
from warehouse.ingest import Document, Parsed, Unparseable, utcnow
from warehouse.leftovers import remove_leftovers
from warehouse.publish import publish_if_owed
from warehouse.rawstore import RawStore
from warehouse.run_book import RunBook
from warehouse.writer_lock import WriterLock

__all__ = ["Document", "Fetched", "Outcome", "Parsed", "Pipeline", "make_pipeline", "utcnow"]

# A source ready to be written: what its fetch thread made of it (`Fetching._fetch_ahead`) and its runs as read when
# the collection's ingests began (`runs.runs_at`).
_Item = tuple[Source, Fetched, Callable[[], Parsed] | None, runs.RunsAt | None]


class Pipeline(Fetching, HookSchedule):
    """Owns the writer's connection; every warehouse write goes through here, one at a time.

    Fetching (`Fetching`), the writer's transactions (`jobs/writer.py`) and the hook schedule (`HookSchedule`)
    each live in their own module; this one holds the flow that strings them together."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: HttpClient | None = None,
        hooks: list[Hook | HookFn] | None = None,
        publish_after_ingest: bool = True,
    ) -> None:
        self.settings = settings
        # Taken before the warehouse is opened and held until close(), whatever this process opens or closes.
        self.writer_lock = WriterLock(settings.warehouse_file).acquire()
        try:
            self.con = db.connect(settings.warehouse_file, settings.published_file)
        except BaseException:
            self.writer_lock.release()
            raise
        source_info.sync(self.con, (*registry.SOURCES, *registry.IMPORTED))
        remove_leftovers(settings.raw_root, settings.published_file, all_of_them=True)  # we hold the lock
        self.raw = RawStore(settings.raw_root)
        self.client = client or HttpClient(http_config(settings))
        self.hooks = list(hooks or [])
        self.publish_after_ingest = publish_after_ingest
        self.write_lock = threading.RLock()
        self._batch = None
        self._book = None
        self._atomic = False

    def close(self) -> None:
        try:
            self.client.close()
            self.con.close()
        finally:
            self.writer_lock.release()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

        # The slowest sources first (those that fetch a discovery document, then the most documents), so the
        # longest fetch does not start last.
        order = sorted(sources, key=lambda s: (s.discover is None, -s.documents_per_collection))
        with ThreadPoolExecutor(workers, thread_name_prefix="fetch") as pool:
            futures = {pool.submit(self._fetch_ahead, s, plans[s.id], validators[s.id], observed_at, keyed): s
                       for s in order}
            with self.batch(defer_events=appends):
                self._ingest_as_completed(futures, observed_at, trigger, started, outcomes, on_outcome)
        # Freshness once for every source that saw data, in one statement (checked after each source, it cost a
        # statement apiece); a collection interrupted before this point checks them again next time.
        by_id = {s.id: s for s in sources}
        self._check_freshness([by_id[o.source] for o in outcomes if o.status in ("ok", "unchanged")], observed_at)
        if self.publish_after_ingest and not self._atomic:
            if any(o.status != "unchanged" for o in outcomes):
                self.publish()
            else:  # nothing new, but what a reader sees of health may be (a source_stale event, a failure)
                with self.locked() as con:
                    publish_if_owed(con, self.settings.published_file, after_unchanged_run=True)
        return outcomes

    def _ingest_as_completed(self, futures: dict[Future, Source], observed_at: datetime, trigger: str,
                             started: datetime, outcomes: list[Outcome],
                             on_outcome: Callable[[Outcome], None] | None) -> None:
        """Ingest each source as its fetch completes, in groups (`_ingest_group`): a group takes the sources
        completed when the writer gets to it, and those that complete while it is written. Outcomes in the order
        written."""
        # Every source's runs, as its judgement reads them, in one statement under the batch's write lock (one
        # statement per source before). Taken once: a source listed twice reads its own for the second time.
        before = runs.runs_at(self.con, [s.id for s in futures.values()], observed_at)
        # A group books its runs and writes them at its end: only where the batch defers the hooks that read run
        # ids (a collection that appends); otherwise each source is a group of its own.
        grouped = self._batch is not None and self._batch.deferred is not None
        pending, ready = set(futures), []

        def completed(block: bool) -> None:
            nonlocal pending
            if pending:
                done, pending = wait(pending, timeout=None if block else 0, return_when=FIRST_COMPLETED)
                ready.extend((futures[f], *f.result(), before.pop(futures[f].id, None))
                             for f in futures if f in done)  # in the order fetched

        while pending or ready:
            if not ready:
                completed(block=True)
            group: list[_Item] = []

            def more(group: list[_Item] = group) -> list[_Item]:
                """What to add to `group` now: the sources ready, each at most once in a group (its second
                snapshot would be judged against runs not yet written), one in all when not grouped."""
                completed(block=False)
                taken: list[_Item] = []
                for item in list(ready):
                    if (not grouped and (group or taken)) or any(s.id == item[0].id for s, *_ in (*group, *taken)):
                        continue
                    taken.append(item)
                    ready.remove(item)
                return taken

            self._ingest_group(group, observed_at, trigger, started, outcomes, on_outcome, more)

    def _ingest_group(self, group: list[_Item], observed_at: datetime, trigger: str, started: datetime,
                      outcomes: list[Outcome], on_outcome: Callable[[Outcome], None] | None,
                      more: Callable[[], list[_Item]] | None = None) -> None:
        """Ingest `group` (source, fetched, parsed, its runs), and what `more` adds to it while it is written, in
        one transaction: each source's facts as it is judged, then every source's fetch log, documents, runs,
        debts and touches, one statement per table (`RunBook`), where each source's own took ~10 statements of
        ~1 ms.

        Each source commits whole or not at all, and a crash keeps every group committed before. An error in one
        source rolls the group back; the sources judged before it are then written again, each in a transaction of
        its own, before the error is raised: one source's failure never costs another its snapshot.
        """
        batch = self._batch
        assert batch is not None
        owed, last = len(batch.deferred) if batch.deferred is not None else 0, batch.last
        book = self._book = RunBook() if batch.deferred is not None else None
        done: list[Outcome] = []
        try:
            with self.atomic():
                while True:
                    if len(done) == len(group) and more is not None:
                        group += more()  # the same list: what the error path below sees
                    if len(done) == len(group):
                        break
                    source, fetched, prepared, known = group[len(done)]
                    done.append(self._ingest_fetched(source, fetched, observed_at, trigger, started, prepared,
                                                     check_freshness=False, runs_at=known))
                if book is not None:
                    self._flush_book(book)
        except BaseException as exc:
            self._book = None
            if batch.deferred is not None:
                del batch.deferred[owed:]  # rolled back: no hook is owed for them
            batch.last = last
            if isinstance(exc, Exception) and len(group) > 1:
                for source, fetched, _, known in group[:len(done)]:  # parsed again: an ingest may alter its rows
                    self._ingest_group([(source, fetched, None, known)], observed_at, trigger, started, outcomes,
                                       on_outcome)
            raise
        self._book = None
        outcomes += done
        if on_outcome:
            for outcome in done:
                on_outcome(outcome)

    def _ingest_fetched(
        self, source: Source, fetched: Fetched, observed_at: datetime, trigger: str, started: datetime,
        prepared: Callable[[], Parsed] | None = None, *, check_freshness: bool = True,
        runs_at: runs.RunsAt | None = None,
    ) -> Outcome:
        """`check_freshness` False: the caller checks it afterwards (`collect_all`, for all its sources at once).
        `runs_at`: as `ingest_documents` takes it."""
        if fetched.error and self.client.cancelled:
            # Shutting down: the source did nothing wrong, so no failed run is recorded (nor a failure streak).
            return Outcome(source.id, "cancelled", observed_at, error="cancelled: the service is shutting down")
        with self.write_lock:
            logged = self._fetch_records(source, fetched)
            if self._book is not None:
                self._book.fetches += logged
            else:
                runs.record_fetches(self.con, logged)
            if fetched.error:
                error = fetched.error
                outcome = Outcome(source.id, "failed", observed_at, error=f"{error} — {advice(error)}")
                ingest.record(self.con, outcome, [], started, trigger, self._book)
                self._after_ingest(source, outcome)
                return outcome
            outcome = self.ingest_documents(source, fetched.docs, observed_at, trigger=trigger, started=started,
                                            prepared=prepared, runs_at=runs_at)
            if check_freshness and outcome.status in ("ok", "unchanged"):
                self._check_freshness([source], observed_at)
            return outcome

    def _check_freshness(self, sources: list[Source], observed_at: datetime) -> None:
        """A `source_stale` event for each of `sources` whose newest data are older than it declares they may be;
        also after an unchanged collection, the usual state of an upstream that stopped publishing."""
        max_ages = {s.id: s.max_age for s in sources if s.max_age is not None}
        if not max_ages:
            return
        with self.write_lock, self._transaction():
            found = stale_events_of(self.con, max_ages, observed_at)
            if found:
                record_events(self.con, found, detected_at=utcnow(), backfill=False)

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
        runs_at: runs.RunsAt | None = None,
    ) -> Outcome:
        """Judge `docs` as the state of `source` at `observed_at` and write history (`warehouse.ingest`), then
        derive and publish. One transaction.

        `prepared`: returns (or raises) what `parse_documents` gives for `docs`, when the caller parsed them
        ahead (a backfill parses the next snapshot while this one is written). `runs_at`: the source's runs at
        `observed_at`, read by a caller that has held the write lock since (`runs.runs_at`).
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
                force=force, runs_at=runs_at, book=self._book,
            )
            if outcome.status != "ok":
                return outcome
            if self._batch is not None:
                self._batch.last = (source, outcome)  # committed: the derive stage may run for it at the end
            elif self.publish_after_ingest and not self._atomic:  # never publish what may yet roll back
                self.publish()
            return outcome


def make_pipeline(settings: Settings, **kwargs) -> Pipeline:
    """The one Pipeline every entry point uses (CLI, service, backfill), with the default hooks in order."""
    pipe = Pipeline(settings, hooks=default_hooks(settings), **kwargs)
    try:
        pipe.settle()
        with pipe.locked() as con:  # a publish a killed writer owed, or a damaged snapshot: published now
            publish_if_owed(con, settings.published_file)
    except BaseException:
        pipe.close()
        raise
    _freeze_what_is_loaded()
    return pipe


_frozen = False


def _freeze_what_is_loaded() -> None:
    """Move every object alive now (modules, classes, functions: what the process loaded to get here) out of
    the cyclic garbage collector's reach, once per process. Each full collection otherwise walks them all again:
    measured, one full collection in every collection of all sources, 65-105 ms of its 1.3-1.9 s. Reference
    counting still frees any of them that goes; only a cycle among them would stay, and these live as long as the
    process does.

    pyarrow's first conversion of a Python list imports pandas (apache/arrow#34994: ~0.3 s and ~90,000 objects),
    which every ingest's Arrow tables make sooner or later: made here, so that they are frozen with the rest.
    Building those tables without pyarrow (polars) was measured 3x slower per table."""
    global _frozen
    if not _frozen:
        _frozen = True
        pa.array([0])
        gc.freeze()
