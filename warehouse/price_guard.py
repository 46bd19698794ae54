"""Guard against unit mix-ups in prices: a ≥100× jump (or drop) against the price in force.

A source that switches from USD per token to per 1M tokens (or per 1K), or one entry typed in the wrong unit,
shows up as a price 100× or more away from the one the same source gave for the same (provider, model, tier)
at `observed_at`. `PriceRow` already refuses negative, non-finite and > 6,000 $/M values; this catches the
plausible-looking ones. Policy:

- many jumps (≥ `MAX_JUMPED_ROWS` rows, or ≥ `MAX_JUMPED_SHARE` of the document's prices with at least two
  rows) mean the document's unit changed: the whole document is rejected (quarantined, history untouched);
- an isolated jump is held back: that row is replaced by its previous values, so its interval stays open (it is
  neither changed nor closed as "removed"), and the rest of the document is ingested.

Every jump is recorded in `price_jump` (what was seen, what was kept, which document), shown by `v_price_jumps`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import duckdb

from gapwatch.rows import ParseResult, PriceRow

JUMP_FACTOR = 100.0
MAX_JUMPED_ROWS = 5
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


def _in_force(con: duckdb.DuckDBPyConnection, source: str, at: datetime) -> dict[tuple, tuple]:
    rows = con.execute(
        f"SELECT provider, model, tier, {', '.join(FIELDS)} FROM price "
        "WHERE source = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)",
        [source, at, at],
    ).fetchall()
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def find_jumps(con: duckdb.DuckDBPyConnection, source: str, parsed: ParseResult, at: datetime) -> list[Jump]:
    previous = _in_force(con, source, at)
    if not previous:
        return []
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
                jumps.append(Jump(i, row, field, old, new))
    return jumps


def _record(con: duckdb.DuckDBPyConnection, source: str, at: datetime, jumps: list[Jump], evidence: list[str],
            action: str) -> None:
    con.executemany(
        "INSERT OR REPLACE INTO price_jump VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[source, j.row.provider, j.row.model, j.row.tier, at, j.field.removesuffix("_per_mtok"), j.previous,
          j.found, j.ratio, action, evidence[j.index] if j.index < len(evidence) else None] for j in jumps],
    )


def check(con: duckdb.DuckDBPyConnection, source: str, parsed: ParseResult, evidence: list[str],
          observed_at: datetime) -> list[str]:
    """Problems that reject the document (empty when it may be ingested); holds back isolated jumps in place."""
    jumps = find_jumps(con, source, parsed, observed_at)
    if not jumps:
        return []
    jumped = {j.index: j.row for j in jumps}
    prices = sum(isinstance(r, PriceRow) for r in parsed.rows)
    if len(jumped) >= MAX_JUMPED_ROWS or (len(jumped) >= 2 and len(jumped) >= prices * MAX_JUMPED_SHARE):
        _record(con, source, observed_at, jumps, evidence, "rejected_document")
        return [f"{len(jumped)} of {prices} prices jumped ≥{JUMP_FACTOR:g}× against the price in force — "
                f"a unit mix-up (per token vs per 1M?), e.g. {jumps[0].describe()}"]
    previous = _in_force(con, source, observed_at)
    for i, row in jumped.items():
        kept = dict(zip(FIELDS, previous[(row.provider, row.model, row.tier)], strict=True))
        parsed.rows[i] = replace(row, **kept)
    for j in jumps:
        parsed.skipped.append(f"{j.describe()}: a ≥{JUMP_FACTOR:g}× jump, kept the previous price (see price_jump)")
    _record(con, source, observed_at, jumps, evidence, "kept_previous")
    return []
