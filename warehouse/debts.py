"""What a batch owes, on record in the warehouse so a killed process leaves it for the next writer to pay.

Two debts, each written in the transaction of the snapshot that incurs it and cleared in the commit that pays it
(`jobs/hook_schedule.py` incurs and pays them; `settle` pays what a killed process left):

- the **derive stage owed** (`derive_owed`, one row): a batch that runs the per-outcome hooks inline owes
  the derive stage for its last accepted snapshot.
- the **per-outcome hooks owed** (`hooks_owed`, one row per judged run): a batch that defers them (a whole
  collection, an appending backfill) owes identity and change detection for each run; an accepted run there also
  owes the derive stage. A killed batch's runs are rebuilt from their run records, an accepted one's diff read
  back from its interval bounds (`history.diff_at`).

(The transforms' own bookkeeping, the fact keys ingests touched since the last derive, is another thing:
`transform_touched`, `warehouse/transforms/touched.py`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from gapwatch.source import Outcome
from warehouse import history
from warehouse.db import first
from warehouse.facts import table_for
from warehouse.ingest import utcnow

# The statuses whose per-outcome hooks matter (the change detectors run for them; `unchanged` wrote nothing).
OWING_STATUSES = ("ok", "failed", "rejected")


@dataclass(frozen=True)
class DeriveOwed:
    """The accepted snapshot a batch owes the derive stage for."""

    source: str
    observed_at: datetime
    run_id: int | None


def owe_derive(con: duckdb.DuckDBPyConnection, outcome: Outcome) -> None:
    """Owe the derive stage for `outcome` (accepted, in a batch), replacing the debt for an earlier snapshot."""
    con.execute("INSERT OR REPLACE INTO derive_owed VALUES (1, ?, ?, ?, ?)",
                [outcome.source, outcome.observed_at, outcome.run_id, utcnow()])


def derive_owed(con: duckdb.DuckDBPyConnection) -> DeriveOwed | None:
    row = first(con.execute("SELECT source, observed_at, run_id FROM derive_owed").fetchall())
    return DeriveOwed(*row) if row else None


def clear_derive_owed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM derive_owed")


def owe_hooks(con: duckdb.DuckDBPyConnection, outcomes: list[Outcome]) -> list[Outcome]:
    """Owe the per-outcome hooks for those of `outcomes` (of any sources) that need them, in one statement;
    return those."""
    owed = [o for o in outcomes if o.status in OWING_STATUSES]
    if owed:
        con.execute(
            "INSERT INTO hooks_owed SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMP[]), "
            "unnest(?::VARCHAR[]), ?",
            [[o.run_id for o in owed], [o.source for o in owed], [o.observed_at for o in owed],
             [o.status for o in owed], utcnow()])
    return owed


def clear_hooks_owed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM hooks_owed")


def hooks_owed(con: duckdb.DuckDBPyConnection) -> list[Outcome]:
    """The runs whose per-outcome hooks a killed batch owed, oldest first, as outcomes without their diff."""
    rows = con.execute(
        "SELECT p.source, p.status, p.observed_at, r.rows_parsed, r.error, p.run_id FROM hooks_owed p "
        "LEFT JOIN collection_run r USING (run_id) ORDER BY p.observed_at, p.run_id").fetchall()
    return [Outcome(source, status, observed_at, rows=rows or 0, error=error, run_id=run_id)
            for source, status, observed_at, rows, error, run_id in rows]


def read_back_diff(con: duckdb.DuckDBPyConnection, outcome: Outcome, row_types: tuple[type, ...]) -> None:
    """Fill an owed accepted run's diff from the interval bounds of the fact tables its source writes."""
    for row_type in row_types:
        outcome.diff.extend(history.diff_at(con, table_for(row_type), outcome.source, outcome.observed_at))
