"""A backfill's history written in bulk: the same judgement and intervals as `warehouse.ingest`, held in memory.

`ingest.ingest` reads the facts alive at T from the warehouse and writes each snapshot's intervals with a few
statements: a fixed cost per snapshot that dwarfs parsing a long history. A backfill that only appends (every
snapshot newer than anything the source has on record) knows each snapshot's predecessor already: the state the
previous snapshot left. `BulkWriter` keeps that state in memory, judges each snapshot with the same code
(`ingest.judge`: parse, validate, drift and the fact tables' guards), diffs it as `history.apply_snapshot`
does, and writes the intervals, runs and documents of many snapshots in one statement per table (`flush`).
What it leaves is the history the per-snapshot path leaves; `tests/jobs/test_deferred_equality.py` holds it to
that, table by table and event by event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import duckdb

from gapwatch.source import Diff, Outcome, Source
from warehouse import history, ingest, runs
from warehouse.facts import FACT_TABLES, FactTable, table_for
from warehouse.history import Interval, Key
from warehouse.ingest import Document, Parsed, keep_held
from warehouse.rawstore import RawStore
from warehouse.transforms import touched


def appendable(con: duckdb.DuckDBPyConnection, sources: list[str], first: datetime) -> bool:
    """Whether snapshots from `first` on only append to each source's history (no run observed at or after it)."""
    return all(newest < first for newest in runs.newest_runs(con, sources).values())


class BulkWriter:
    """Judge appended snapshots of one source in memory; `flush` writes them. Not thread-safe: the writer's."""

    def __init__(self, con: duckdb.DuckDBPyConnection, raw: RawStore, source: Source, first: datetime, *,
                 min_row_ratio: float, started: datetime, trigger: str = "backfill") -> None:
        self.con, self.raw, self.source = con, raw, source
        self.min_row_ratio, self.started, self.trigger = min_row_ratio, started, trigger
        # Every fact table, as the drift guard counts them all: the facts in force when the first snapshot lands.
        self.alive: dict[type, dict[Key, Interval]] = {
            t: history.alive_at(con, spec, source.id, first) for t, spec in FACT_TABLES.items()}
        self._fresh: dict[type, dict[Key, Interval]] = {t: {} for t in FACT_TABLES}  # opened here, not written
        self._done: dict[type, list[tuple]] = {t: [] for t in FACT_TABLES}  # opened and closed here
        self._closes: dict[type, list[tuple]] = {t: [] for t in FACT_TABLES}  # written earlier, closed here
        head = runs.judgement(con, source.id, first, []).last
        self._last = None if head is None else (head[0], head[1], head[2])
        self._runs: list[tuple[Outcome, list[str]]] = []
        self._documents: dict[str, tuple] = {}

    @property
    def pending_rows(self) -> int:
        """Intervals held for the next flush (the caller flushes when this grows too large)."""
        return sum(map(len, self._done.values())) + sum(map(len, self._fresh.values()))

    def add(self, docs: Sequence[Document], observed_at: datetime, parse: Callable[[], Parsed]) -> Outcome:
        """Judge one snapshot as `ingest.ingest` would; its run id is assigned by the next `flush`."""
        shas = [d.sha256 for d in docs]
        for d in docs:
            if d.sha256 not in self._documents:
                _, stored = self.raw.put(d.body, d.sha256)  # already stored by the reader: a stat
                self._documents[d.sha256] = (len(d.body), stored, d.content_type, d.url)
        last = self._last
        if last is not None and sorted(last[1] or []) == sorted(shas) and last[0] != "rejected":
            outcome = Outcome(self.source.id, "unchanged", observed_at, rows=last[2] or 0)
        else:
            outcome = self._judge(docs, observed_at, parse)
        self._runs.append((outcome, shas))
        self._last = (outcome.status, shas, outcome.rows)
        return outcome

    def _judge(self, docs: Sequence[Document], observed_at: datetime, parse: Callable[[], Parsed]) -> Outcome:
        source = self.source
        outcome, parsed, evidence, _ = ingest.judge(
            self.con, source, observed_at, parse, self.min_row_ratio,
            complete=len(docs) >= source.documents_per_collection, state=self.alive, previous=self._counts(),
            documents=lambda: [(d.sha256, d.body) for d in docs])
        if outcome.status != "ok":
            return outcome
        by_type: dict[type, list] = {t: [] for t in source.row_types}
        for row, sha in zip(parsed.rows, evidence, strict=True):
            by_type.setdefault(type(row), []).append((row, sha))
        keep_held(by_type, parsed.held, self.alive, self.con, source.id, observed_at)
        for row_type, items in by_type.items():
            outcome.diff.extend(self._apply(row_type, items, observed_at))
        return outcome

    def _counts(self) -> dict[tuple[str, tuple], int]:
        """`drift.previous_counts` from the state in memory."""
        out: dict[tuple[str, tuple], int] = {}
        for row_type, state in self.alive.items():
            spec = FACT_TABLES[row_type]
            if not spec.scope:
                if state:
                    out[(spec.name, ())] = len(state)
                continue
            for scope, n in Counter(map(spec.scope_of_key, state)).items():
                out[(spec.name, scope)] = n
        return out

    def _apply(self, row_type: type, items: list[tuple[Any, str | None]], observed_at: datetime) -> Diff:
        """`history.apply_snapshot` for a snapshot newer than every other: the same plan, applied to the state in
        memory (an interval opened here and ended before the flush is written whole; one written earlier is
        closed by the flush)."""
        alive, fresh = self.alive[row_type], self._fresh[row_type]
        plan = history.plan_snapshot(table_for(row_type), items, alive, full_snapshot=self.source.full_snapshot)
        for key, old in plan.ended:
            del alive[key]
            if fresh.get(key) is old:
                del fresh[key]
                self._done[row_type].append((*key, *old.values, old.valid_from, observed_at, old.evidence))
            else:
                self._closes[row_type].append((*key, old.valid_from, observed_at))
        for key, values, evidence in plan.started:
            alive[key] = fresh[key] = Interval(values, observed_at, None, evidence)
        return plan.diff

    def flush(self) -> list[Outcome]:
        """Write every interval, closing, run and document held, inside the caller's transaction; the outcomes
        written, in order, with their run ids."""
        for row_type in FACT_TABLES:
            self._write(FACT_TABLES[row_type], row_type)
        outcomes = [o for o, _ in self._runs]
        if self._runs:
            self._write_runs()
        self._write_documents()
        touched.record_touches_of(self.con, [(self.source.id, o) for o in outcomes if o.status == "ok"])
        self._runs = []
        return outcomes

    def _write(self, spec: FactTable, row_type: type) -> None:
        con, source = self.con, self.source.id
        closes = self._closes[row_type]
        if closes:
            key_match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM c.{k}" for k in spec.key)
            con.register("_closes", history._table([*spec.key, "old_from", "new_to"], closes))
            con.execute(f"UPDATE {spec.name} AS t SET valid_to = c.new_to FROM _closes AS c "
                        f"WHERE t.source = ? AND {key_match} AND t.valid_from = c.old_from", [source])
            con.unregister("_closes")
        rows = self._done[row_type] + [(*key, *i.values, i.valid_from, None, i.evidence)
                                       for key, i in self._fresh[row_type].items()]
        if rows:
            cols = [*spec.key, *spec.values, "valid_from", "valid_to", "evidence_sha256"]
            con.register("_inserts", history._table(cols, rows))
            con.execute(f"INSERT INTO {spec.name} (source, {', '.join(cols)}) SELECT ?, {', '.join(cols)} "
                        "FROM _inserts", [source])
            con.unregister("_inserts")
        self._closes[row_type], self._done[row_type], self._fresh[row_type] = [], [], {}

    def _write_runs(self) -> None:
        records = [ingest.run_record(outcome, shas, self.started, self.trigger) for outcome, shas in self._runs]
        for (outcome, _), run_id in zip(self._runs, runs.record_runs(self.con, records), strict=True):
            outcome.run_id = run_id

    def _write_documents(self) -> None:
        runs.record_documents(self.con, [(sha, *doc) for sha, doc in self._documents.items()], self.started)
        self._documents = {}
