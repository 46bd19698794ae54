"""Guard against unit mix-ups in prices: a ≥100× jump (or drop) against the price in force.

A source that switches from USD per token to per 1M tokens (or per 1K), or one entry typed in the wrong unit,
shows up as a price 100× or more away from the one the same source gave for the same (provider, model, tier)
at `observed_at`. `PriceRow` already refuses negative, non-finite and > 6,000 $/M values; this catches the
plausible-looking ones. Policy:

- jumps in many models (≥ `MAX_JUMPED_MODELS`, or ≥ `MAX_JUMPED_SHARE` of the document's priced models with at
  least two) mean the document's unit changed: the whole document is rejected (quarantined, history untouched);
- isolated jumps are held back: those rows are replaced by their previous values, so their intervals stay open
  (neither changed nor closed as "removed"), and the rest of the document is ingested. A held-back value that a
  later document of the source repeats is accepted then: a typo gets fixed, a settled price stays.

Models, not rows, are counted: one model's slip shows in each of its tiers. (Real case: LiteLLM's 2024-12-29
file turned two Vertex Gemini 1.5 Flash previews from 5e-07 into 4.688e-09 USD per token, ÷107, in three rows.)

Every jump is recorded in `price_jump` (what was seen, what was kept, which document), shown by `v_price_jumps`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from gapwatch.rows import ParseResult, PriceRow

JUMP_FACTOR = 100.0
MAX_JUMPED_MODELS = 5
MAX_JUMPED_SHARE = 0.01
FIELDS = ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok")


@dataclass(frozen=True)
class Jump:
    index: int
    row: PriceRow
    field: str
    previous: float
    found: float

    @property
    def ratio(self) -> float:
        return self.found / self.previous

    def describe(self) -> str:
        r = self.row
        return (f"{r.provider}/{r.model} [{r.tier}] {self.field.removesuffix('_per_mtok')} "
                f"{self.previous:g} → {self.found:g} ({self.ratio:.3g}×)")


class _Table(Protocol):
    """What the guard needs of `warehouse.facts.FactTable` (which lists this guard, so it cannot be imported)."""

    @property
    def values(self) -> tuple[str, ...]: ...


def _in_force(spec: _Table, state: dict[tuple, Any]) -> dict[tuple, tuple]:
    """(provider, model, tier) → the four prices, from the price facts (`history.Interval`) alive at the
    document's time."""
    pick = itemgetter(*(spec.values.index(f) for f in FIELDS))
    return {key: pick(interval.values) for key, interval in state.items()}


def _held_back(con: duckdb.DuckDBPyConnection, source: str, at: datetime) -> set[tuple]:
    """Jumps this source already showed before `at` and that were held back, with the value it showed."""
    rows = con.execute(
        "SELECT provider, model, tier, field, found FROM price_jump "
        "WHERE source = ? AND observed_at < ? AND action = 'kept_previous'",
        [source, at],
    ).fetchall()
    return {(*r[:4], float(f"{r[4]:.10g}")) for r in rows}


def find_jumps(con: duckdb.DuckDBPyConnection, source: str, parsed: ParseResult, at: datetime,
               previous: dict[tuple, tuple]) -> list[Jump]:
    """Rows ≥100× away from `previous` (the source's prices in force at `at`), not yet confirmed by the source."""
    if not previous:
        return []
    confirmed: set[tuple] | None = None  # read only when a jump turns up: almost no document has one
    jumps = []
    for i, row in enumerate(parsed.rows):
        if not isinstance(row, PriceRow):
            continue
        before = previous.get((row.provider, row.model, row.tier))
        if before is None:
            continue
        for field, old in zip(FIELDS, before, strict=True):
            new = getattr(row, field)
            # The tolerance keeps an exact 100× (2.5 → 250.00000000000003 after float scaling) a jump.
            if old and new and max(new / old, old / new) >= JUMP_FACTOR * (1 - 1e-9):
                # A value held back once and repeated by a later document is the source's settled price.
                key = (row.provider, row.model, row.tier, field.removesuffix("_per_mtok"), float(f"{new:.10g}"))
                if confirmed is None:
                    confirmed = _held_back(con, source, at)
                if key not in confirmed:
                    jumps.append(Jump(i, row, field, old, new))
    return jumps


def _record(con: duckdb.DuckDBPyConnection, source: str, at: datetime, jumps: list[Jump], evidence: list[str],
            action: str) -> None:
    # Keyed like the table, the last jump of a key wins (as row-by-row INSERT OR REPLACE would have it); one
    # set-based insert, since executemany costs a statement per row (a unit mix-up jumps in hundreds of rows).
    rows = {(j.row.provider, j.row.model, j.row.tier, j.field.removesuffix("_per_mtok")):
            (j.previous, j.found, j.ratio, evidence[j.index] if j.index < len(evidence) else None) for j in jumps}
    columns = ("provider", "model", "tier", "field", "previous", "found", "ratio", "evidence_sha256")
    values = [(*key, *rest) for key, rest in rows.items()]
    con.register("_price_jumps", pa.table({
        c: pa.array([v[i] for v in values], pa.float64() if c in ("previous", "found", "ratio") else pa.string())
        for i, c in enumerate(columns)
    }))
    try:
        con.execute(
            "INSERT OR REPLACE INTO price_jump SELECT ?, provider, model, tier, ?, field, previous, found, ratio, ?, "
            "evidence_sha256 FROM _price_jumps",
            [source, at, action],
        )
    finally:
        con.unregister("_price_jumps")


def check(con: duckdb.DuckDBPyConnection, spec: _Table, source: str, parsed: ParseResult, evidence: list[str],
          observed_at: datetime, alive: dict[tuple, Any]) -> list[str]:
    """The price table's guard: problems that reject the document (empty when it may be ingested); holds back
    isolated jumps in place.

    `alive`: `history.alive_at` of the price table (`spec`) at `observed_at`; ingest hands the same state on to
    the history write.
    """
    if not any(isinstance(row, PriceRow) for row in parsed.rows):
        return []  # a leaderboard or a catalogue: no price to compare
    previous = _in_force(spec, alive)
    jumps = find_jumps(con, source, parsed, observed_at, previous)
    if not jumps:
        return []
    jumped = {j.index: j.row for j in jumps}
    models = {(j.row.provider, j.row.model) for j in jumps}
    priced = len({(r.provider, r.model) for r in parsed.rows if isinstance(r, PriceRow)})
    if len(models) >= MAX_JUMPED_MODELS or (len(models) >= 2 and len(models) >= priced * MAX_JUMPED_SHARE):
        _record(con, source, observed_at, jumps, evidence, "rejected_document")
        return [f"prices of {len(models)} of {priced} models jumped ≥{JUMP_FACTOR:g}× against the price in force "
                f"— a unit mix-up (per token vs per 1M?), e.g. {jumps[0].describe()}"]
    for i, row in jumped.items():
        kept = dict(zip(FIELDS, previous[(row.provider, row.model, row.tier)], strict=True))
        parsed.rows[i] = replace(row, **kept)
    for j in jumps:
        parsed.skipped.append(f"{j.describe()}: a ≥{JUMP_FACTOR:g}× jump, kept the previous price (see price_jump)")
    _record(con, source, observed_at, jumps, evidence, "kept_previous")
    return []
