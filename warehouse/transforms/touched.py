"""What an ingest's diff touched, for the incremental transforms: written with the history, in its transaction.

`warehouse.ingest` calls `record_touches` after every history write, so whatever path ingests (live, backfill,
reparse, any set of hooks) the derive stage learns which price keys and boards changed. Writes that bypass the
diffs call `mark_stale`.
"""

from __future__ import annotations

from typing import Any

import duckdb

PRICE, SCORE = "price", "leaderboard_score"
PRICE_KEY = ("source", "provider", "model", "tier")


def record_touches(con: duckdb.DuckDBPyConnection, source: str, outcome: Any) -> None:
    """Add the price keys and boards `outcome`'s diff touched to `transform_touched`."""
    record_touches_of(con, [(source, outcome)])


def record_touches_of(con: duckdb.DuckDBPyConnection, items: list[tuple[str, Any]]) -> None:
    """`record_touches` of each (source, outcome) of `items`, in one statement however many keys (a backfill
    snapshot may touch thousands; a group of sources written together, `warehouse.run_book`)."""
    scopes: set[tuple[str, tuple[str, ...], Any]] = set()
    for source, outcome in items:
        if outcome.status != "ok":
            continue
        diff, day = outcome.diff, outcome.observed_at.date()
        for change in (*diff.added, *diff.changed, *diff.removed):
            if change.table == PRICE:
                scopes.add((PRICE, (source, *(change.key[k] for k in PRICE_KEY[1:])), day))
            elif change.table == SCORE:
                scopes.add((SCORE, (change.key["board"],), day))
    if scopes:
        ordered = sorted(scopes)
        con.execute("INSERT INTO transform_touched SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[][]), "
                    "unnest(?::DATE[])", [[f for f, _, _ in ordered], [list(s) for _, s, _ in ordered],
                                          [d for _, _, d in ordered]])


def mark_stale(con: duckdb.DuckDBPyConnection) -> None:
    """Forget what the transform tables were computed from: the next derive recomputes everything (for writes
    that bypass the diffs, such as a reparse dropping a source's history)."""
    con.execute("DELETE FROM transform_state")
    con.execute("DELETE FROM transform_names")
