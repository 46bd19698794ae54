"""What several ingests write beside their facts, held and written together: one statement per table for a group
of snapshots that commit in one transaction, where each snapshot wrote its own (a DuckDB statement costs ~1 ms).

The rows are those each ingest writes on its own (`warehouse.ingest`, the pipeline's fetch log): the fetch log,
the documents on record, the collection runs and the transform touches. `flush` writes them in the order they
were booked, so run ids follow the ingests' order and a document's first mention wins, as when each wrote its
own. A whole collection books a group of sources ready at the same moment (`Pipeline.collect_all`); the group's
transaction holds its facts too, so a crash keeps every group committed before it, each source whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from warehouse import runs
from warehouse.transforms import touched


@dataclass
class RunBook:
    fetches: list[runs.FetchRecord] = field(default_factory=list)
    # (sha256, size, stored size, content type, url) of each snapshot's documents, with the time first seen.
    documents: list[tuple[datetime, list[tuple[str, int, int, str | None, str]]]] = field(default_factory=list)
    # Each run, with the outcome that gets its run id when written.
    runs: list[tuple[Any, runs.RunRecord]] = field(default_factory=list)
    touches: list[tuple[str, Any]] = field(default_factory=list)  # (source, outcome) whose diff the derive reads
    # (source, outcome) whose per-outcome hooks a deferring batch owes: the caller writes that debt after `flush`,
    # once the runs have their ids (`jobs/hook_schedule.py`).
    owed: list[tuple[Any, Any]] = field(default_factory=list)

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write what is booked, inside the caller's transaction; each booked outcome gets its run id."""
        runs.record_fetches(con, self.fetches)
        for seen_at in dict.fromkeys(t for t, _ in self.documents):  # one statement per first-seen time
            runs.record_documents(con, [d for t, docs in self.documents if t == seen_at for d in docs], seen_at)
        for (outcome, _), run_id in zip(self.runs, runs.record_runs(con, [r for _, r in self.runs]), strict=True):
            outcome.run_id = run_id
        touched.record_touches_of(con, self.touches)
        self.fetches, self.documents, self.runs, self.touches = [], [], [], []
