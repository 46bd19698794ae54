"""When the ingest hooks run: inline with each ingest, or owed by a batch and paid at its end (or, after a crash,
by the next writer's `settle`).

The hooks declare their kind (`warehouse/hooks.py`). Outside a batch every hook runs in the ingest's
transaction. In `batch()` the derive hooks run once, at the end; in `batch(defer_events=True)` the per-outcome
hooks wait for the end too. What a batch owes is on record in the warehouse (`warehouse/debts.py`) in the
transaction of the snapshot that incurs it, so a process killed before the end loses nothing.

`Pipeline` (jobs/pipeline.py) is a `HookSchedule`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from collectors import registry
from gapwatch.source import Outcome, Source
from jobs.writer import Writer
from warehouse import debts
from warehouse.bulk import BulkWriter
from warehouse.hooks import Hook, HookFn, Kind, as_hook
from warehouse.run_book import RunBook

log = logging.getLogger(__name__)

# A deferring batch holds every owed outcome's diff until its end. Past this many fact changes (a long history
# whose snapshots each move thousands of scores) it runs the owed hooks for what it holds and lets them go, so
# memory stays bounded: identity is then refreshed once per this many changes rather than once per batch.
DEFERRED_CHANGES = 500_000


@dataclass
class _Batch:
    # The batch's last accepted outcome: the derive stage runs once for it when the batch ends.
    last: tuple[Source, Outcome] | None = None
    # A batch that defers the per-outcome hooks too: every judged outcome, in order, for the batch's end.
    deferred: list[tuple[Source, Outcome]] | None = None
    changes: int = 0  # the fact changes their diffs hold (memory: see DEFERRED_CHANGES)


class HookSchedule(Writer):
    """Run the hooks inline, or owe them for a batch's end; pay what a killed batch owed."""

    hooks: list[Hook | HookFn]  # public: a bare function added to it is a per-outcome hook
    _batch: _Batch | None
    _book: RunBook | None  # the runs of the group of ingests being written, when a whole collection books them

    def _hooks_of(self, kind: Kind) -> list[Hook]:
        """The hooks of `kind`, in their order."""
        return [h for h in map(as_hook, self.hooks) if h.kind == kind]

    def _after_ingest(self, source: Source, outcome: Outcome) -> None:
        """Inside the ingest's transaction: the per-outcome hooks, then (outside a batch) the derive stage.

        In a batch that defers its events, the per-outcome hooks are owed instead: on record with the run, in
        its transaction, and run at the batch's end (`_pay`)."""
        if self._batch is not None and self._batch.deferred is not None:
            self._owe(source, [outcome])
            return
        for hook in self._hooks_of("per_outcome"):
            hook(self.con, source, outcome)
        if self._batch is None:
            self._derive(source, outcome)
        elif outcome.status == "ok":  # the derive stage is owed: on record with the snapshot, in its transaction
            debts.owe_derive(self.con, outcome)

    def _owe(self, source: Source, outcomes: list[Outcome]) -> None:
        """Put `outcomes`' per-outcome hooks on the deferring batch's bill, in the caller's transaction. An
        accepted run owed here also owes the derive stage: `settle` reads both debts from this one. While a
        `RunBook` holds the runs (their ids not drawn yet), the debt is booked and written with them
        (`_flush_book`)."""
        assert self._batch is not None and self._batch.deferred is not None
        if self._book is not None:
            self._book.owed += [(source, o) for o in outcomes]
        else:
            self._owe_all([(source, o) for o in outcomes])

    def _owe_all(self, items: list[tuple[Source, Outcome]]) -> None:
        assert self._batch is not None and self._batch.deferred is not None
        owed = {id(o) for o in debts.owe_hooks(self.con, [o for _, o in items])}
        self._batch.deferred += [(s, o) for s, o in items if id(o) in owed]

    def _flush_book(self, book: RunBook) -> None:
        """Write what `book` holds and the debt it booked, inside the caller's transaction."""
        book.flush(self.con)
        if book.owed:
            self._owe_all(book.owed)
            book.owed = []

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
        """Run the per-outcome hooks a batch deferred for `items` and clear that debt, in the caller's
        transaction. In hook order: a hook that declares `over_batch` (identity, refreshed once for all) takes
        them together, the others (change detection) see each in turn."""
        for hook in self._hooks_of("per_outcome"):
            hook.run_over(self.con, items)
        debts.clear_hooks_owed(self.con)

    def _derive(self, source: Source, outcome: Outcome) -> None:
        """The derive stage: state refreshed from the whole warehouse (the derive hooks, in order)."""
        for hook in self._hooks_of("derive"):
            hook(self.con, source, outcome)

    @contextmanager
    def batch(self, *, defer_events: bool = False) -> Iterator[None]:
        """Ingest many documents (a backfill, a reparse) with the derive hooks run once, at the end.

        `defer_events`: the per-outcome hooks wait for the batch's end too. Identity is then refreshed once for
        every ingest of the batch, and change detection runs for each ingest in order, reading that identity
        (so an event's openness is the batch's final verdict, not the one of the moment the ingest was written).
        A whole collection and a backfill do this; each snapshot still commits its facts on its own.

        Per-outcome hooks still run inside each document's transaction; the derive stage (the derive hooks,
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
                debts.clear_derive_owed(self.con)

    def settle(self) -> bool:
        """Run what a killed batch owed, then publish; whether anything was owed: the per-outcome hooks owed
        (a deferring batch: identity once, then change detection for each run, its diff read back from interval
        bounds) and the derive stage owed (on its own, or through an accepted run among those).

        Every command that opens the writer and the service at start call it, so a process killed between a
        batch's last snapshot and its end costs a delay, never events lost or derived tables left empty.
        """
        with self.write_lock:
            owed = self._hooks_owed()
            derive = debts.derive_owed(self.con)
            if derive is None and not owed:
                return False
            if owed:
                log.warning("a batch was interrupted before its change detection (%d runs): running it now",
                            len(owed))
            last: tuple[Source, Outcome] | None = next(
                ((s, o) for s, o in reversed(owed) if o.status == "ok"), None)
            if derive is not None and last is None:
                try:
                    last = (registry.get(derive.source),
                            Outcome(derive.source, "ok", derive.observed_at, run_id=derive.run_id))
                    log.warning("a batch was interrupted before its derive stage (%s at %s): running it now",
                                derive.source, derive.observed_at)
                except KeyError:
                    pass  # a source since removed: nothing to derive for
            with self._transaction():
                if owed:
                    self._pay(owed)
                if last is not None:
                    self._derive(*last)
                debts.clear_derive_owed(self.con)
            if owed or last is not None:
                self.publish()
            return last is not None or bool(owed)

    def _hooks_owed(self) -> list[tuple[Source, Outcome]]:
        """The outcomes whose per-outcome hooks a killed batch owed, rebuilt from their runs (an accepted one's
        diff read back from its interval bounds), each with its source."""
        out = []
        for outcome in debts.hooks_owed(self.con):
            try:
                source = registry.get(outcome.source)
            except KeyError:
                continue  # a source since removed
            if outcome.status == "ok":
                debts.read_back_diff(self.con, outcome, source.row_types)
            out.append((source, outcome))
        return out
