"""Which table each row type lands in, which of its fields identify a fact (the rest is its value), and the
guard a document's rows of that table must pass before they may change history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import Any

import duckdb

from gapwatch.rows import HubModelRow, LicenseRow, LicenseTextRow, ModelRow, ParseResult, PriceRow, Row, ScoreRow
from warehouse import price_guard

# (con, table, source, parsed, evidence, observed_at, the table's facts alive at observed_at) → problems that
# reject the document (empty: it may be ingested). A guard may also hold rows back in place (price_guard).
Guard = Callable[[duckdb.DuckDBPyConnection, "FactTable", str, ParseResult, list[str], datetime, dict[tuple, Any]],
                 list[str]]


@dataclass(frozen=True)
class FactTable:
    name: str
    row_type: type
    key: tuple[str, ...]
    # The key fields that identify the entry a fact comes from, its naming field last (a provider's model, a
    # board's model, a licence, a repository): an entry still in a snapshot keeps its facts when one of them is
    # missing or bad, rather than ending them (warehouse/bad_rows.py).
    entry: tuple[str, ...]
    # A document covers whole scopes (e.g. a leaderboard file covers whole boards): facts of a scope the
    # snapshot does not mention are not "removed", they were simply not in this document.
    scope: tuple[str, ...] = ()
    guard: Guard | None = None
    # Values a parser computes from an entry's place among its siblings (a rank from the scores' order): they
    # move when a sibling goes missing, so they stay as they were while a sibling is held.
    derived: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.entry or not set(self.entry) <= set(self.key):
            raise ValueError(f"{self.name}: entry {self.entry!r} must be some of its key fields {self.key}")

    # Cached: ingest reads these for every row of every snapshot.
    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self.row_type))

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.key)

    @cached_property
    def key_of(self) -> Callable[[Any], tuple]:
        """A row's key as a tuple (an `attrgetter`: a generator per row costs a backfill seconds)."""
        return _tuple_getter(self.key)

    @cached_property
    def scope_of(self) -> Callable[[Any], tuple]:
        """A row's scope values as a tuple (empty for a table without scope)."""
        return _tuple_getter(self.scope)

    @cached_property
    def scope_of_key(self) -> Callable[[tuple], tuple]:
        """A key tuple's scope values."""
        at = [self.key.index(f) for f in self.scope]
        if not at:
            return lambda key: ()
        get = itemgetter(*at)
        return (lambda key: (get(key),)) if len(at) == 1 else get


def _tuple_getter(names: tuple[str, ...]) -> Callable[[Any], tuple]:
    if not names:
        return lambda row: ()
    get = attrgetter(*names)
    return (lambda row: (get(row),)) if len(names) == 1 else get


FACT_TABLES: dict[type, FactTable] = {
    PriceRow: FactTable("price", PriceRow, key=("provider", "model", "tier"), entry=("provider", "model"),
                        guard=price_guard.check),
    ModelRow: FactTable("source_model", ModelRow, key=("model",), entry=("model",)),
    ScoreRow: FactTable("leaderboard_score", ScoreRow, key=("board", "category", "model"), entry=("board", "model"),
                        scope=("board",), derived=("rank",)),
    LicenseRow: FactTable("license", LicenseRow, key=("license_id",), entry=("license_id",)),
    LicenseTextRow: FactTable("license_text", LicenseTextRow, key=("license_id",), entry=("license_id",)),
    HubModelRow: FactTable("hub_model", HubModelRow, key=("repo",), entry=("repo",)),
}


def table_for(row: Row | type) -> FactTable:
    row_type = row if isinstance(row, type) else type(row)
    try:
        return FACT_TABLES[row_type]
    except KeyError:
        raise KeyError(f"no fact table for row type {row_type.__name__}; add it to FACT_TABLES") from None
