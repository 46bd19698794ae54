"""The row-count part of the drift guard, per fact table and scope: a board is compared only with its own
previous state.

A source's documents each cover some scopes (a leaderboard file covers whole boards; Aider publishes three
boards in three files; a backfill may replay one file at a time). Comparing a snapshot's total row count with
the previous snapshot's total would compare one board with another, so the baseline is, per (fact table,
scope), the number of the source's facts alive at the observation time: the board's own last accepted state.
A scope the snapshot does not mention is not compared (it was simply not in these documents).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import duckdb

from gapwatch.rows import ParseResult
from warehouse.facts import FACT_TABLES, FactTable


def _label(spec: FactTable, scope: tuple) -> str:
    named = ", ".join(f"{f} {v}" for f, v in zip(spec.scope, scope, strict=True))
    return f"{spec.row_type.__name__} rows" + (f" of {named}" if named else "")


def previous_counts(con: duckdb.DuckDBPyConnection, source: str, at: datetime) -> dict[tuple[str, tuple], int]:
    """(table name, scope values) → the source's facts alive at `at`. One statement for every fact table: each
    snapshot of a backfill pays it."""
    parts, params = [], []
    width = max(len(spec.scope) for spec in FACT_TABLES.values())
    for spec in FACT_TABLES.values():
        scope = [f"{f}::VARCHAR" for f in spec.scope] + ["NULL::VARCHAR"] * (width - len(spec.scope))
        parts.append(
            f"SELECT '{spec.name}' AS t, {', '.join(scope)}, count(*) AS n FROM {spec.name} WHERE source = ? "
            "AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
            + (f" GROUP BY {', '.join(spec.scope)}" if spec.scope else "")
        )
        params += [source, at, at]
    scopes = {spec.name: len(spec.scope) for spec in FACT_TABLES.values()}
    out: dict[tuple[str, tuple], int] = {}
    for rec in con.execute(" UNION ALL ".join(parts), params).fetchall():
        if rec[-1]:
            out[(rec[0], tuple(rec[1:1 + scopes[rec[0]]]))] = rec[-1]
    return out


def found_counts(parsed: ParseResult) -> dict[tuple[str, tuple], int]:
    """(table name, scope values) → distinct fact keys in the parsed snapshot."""
    keys: dict[tuple[str, tuple], set] = {}
    for row in parsed.rows:
        spec = FACT_TABLES[type(row)]
        keys.setdefault((spec.name, spec.scope_of(row)), set()).add(spec.key_of(row))
    return {group: len(found) for group, found in keys.items()}


def problems(previous: dict[tuple[str, tuple], int], found: dict[tuple[str, tuple], int],
             min_ratio: float, *, complete: bool = True) -> list[str]:
    """A scope whose row count collapsed below `min_ratio` of its own previous count; in a `complete` snapshot
    (every document of a collection), a whole fact table the source had facts in that it has no rows of at all.
    A lone document of a multi-document source lacks the other documents' tables by nature, and a table it has
    no rows of keeps its facts (`history.plan_snapshot` ends none)."""
    specs = {spec.name: spec for spec in FACT_TABLES.values()}
    out: list[str] = []
    before_by_table: Counter[str] = Counter()
    for (table, _), n in previous.items():
        before_by_table[table] += n
    now_by_table = Counter(table for table, _ in found)
    for table, before in sorted(before_by_table.items()):
        if complete and not now_by_table[table]:
            out.append(f"no {specs[table].row_type.__name__} rows at all (the source had {before} such facts): "
                       "layout change or partial response?")
    for (table, scope), now in sorted(found.items(), key=str):
        before = previous.get((table, scope))
        if before and now < before * min_ratio:
            out.append(f"{_label(specs[table], scope)} collapsed from {before} to {now} (below {min_ratio:.0%} "
                       "of its last accepted state): layout change or partial response?")
    return out
