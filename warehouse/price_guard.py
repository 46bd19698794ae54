"""Guard a document's prices against unit mix-ups and values every other listing contradicts, and let a source
correct itself.

A source that switches from USD per token to per 1M tokens (or per 1K), or one entry typed in the wrong unit,
shows up as a price 100× or more away from the one the same source gave for the same (provider, model, tier)
at `observed_at` (a jump), or far from what every other listing of the model says (an outlier). `PriceRow`
already refuses negative, non-finite and > 6,000 $/M values; this catches the plausible-looking ones.

The reference a row is judged against is every other listing of the same model and tier alive at
`observed_at`: the other providers of the same document and the prices of the other sources, matched by a
comparison name (the id after the last `/`, lower-case, without `-latest` or a date suffix: LiteLLM's
`gpt-4o`, OpenRouter's `openai/gpt-4o` and models.dev's `mistral-small-2506` vs `mistral-small` compare). A
row is **contradicted** when at least `MIN_WITNESSES` other listings give that price side and every one of them
is `OUTLIER_FACTOR`× or more away; it is **in line** when one of them is within that factor. Policy:

- a jump that brings the price in line with the other listings is a **correction**: accepted, recorded as
  `corrected` (real case: models.dev fixed OpenRouter's GPT-5.4 mini/nano, entered per token, 10⁶× off);
- other jumps in many models (≥ `MAX_JUMPED_MODELS`, or ≥ `MAX_JUMPED_SHARE` of the document's priced models
  with at least two) mean the document's unit changed: the whole document is rejected (quarantined);
- an isolated jump is held back: the row keeps its previous value, so its interval stays open (neither
  changed nor closed as "removed"); a held-back value that a later document of the source repeats is the
  source's settled price then, unless the other listings contradict it;
- a contradicted value is never current: the row keeps its previous value when that one is not contradicted
  itself (`kept_previous`), else it is left out of the document (`dropped_outlier`; an interval it had closes).
  Real case: models.dev's Helicone `mistral-small` at $75/$200 per 1M where Mistral lists $0.10/$0.30.

Judging by the other listings at `observed_at` rather than by the order documents arrived in makes a backfill
give the same final state whichever order its versions are loaded in.

Models, not rows, are counted: one model's slip shows in each of its tiers. (Real case: LiteLLM's 2024-12-29
file turned two Vertex Gemini 1.5 Flash previews from 5e-07 into 4.688e-09 USD per token, ÷107, in three rows.)

Every judgement is recorded in `price_jump` (what was seen, the reference, what was done), shown by
`v_price_jumps`; for an outlier `previous` is the median of the other listings.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from gapwatch.rows import ParseResult, PriceRow

JUMP_FACTOR = 100.0
OUTLIER_FACTOR = 100.0
MIN_WITNESSES = 2
MAX_JUMPED_MODELS = 5
MAX_JUMPED_SHARE = 0.01
FIELDS = ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok")
# The sides other listings are compared on: cache prices differ too much between providers to witness anything.
COMPARED = ("input_per_mtok", "output_per_mtok")
# The tolerance keeps an exact 100× (2.5 → 250.00000000000003 after float scaling) a jump.
_TOLERANCE = 1 - 1e-9
_SUFFIX = re.compile(r"(-latest|-\d{4}(-\d{2}-\d{2})?|-\d{8})$")


def comparison_name(model: str) -> str:
    """`openai/gpt-5.4-mini` → `gpt-5.4-mini`; `mistral-small-2506` and `mistral-small-latest` → `mistral-small`."""
    return _SUFFIX.sub("", model.rsplit("/", 1)[-1].lower())


def _apart(a: float, b: float, factor: float) -> bool:
    return max(a / b, b / a) >= factor * _TOLERANCE


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


# (comparison name, tier) → the other listings' (source, provider, model) → their compared prices
Listings = dict[tuple[str, str], dict[tuple[str, str, str], tuple[float | None, ...]]]


def _in_force(spec: _Table, state: dict[tuple, Any]) -> dict[tuple, tuple]:
    """(provider, model, tier) → the four prices, from the price facts (`history.Interval`) alive at the
    document's time."""
    pick = itemgetter(*(spec.values.index(f) for f in FIELDS))
    return {key: pick(interval.values) for key, interval in state.items()}


def listings(con: duckdb.DuckDBPyConnection, source: str, parsed: ParseResult, at: datetime) -> Listings:
    """Every listing the document's rows are compared with: the other sources' prices alive at `at` and the
    document's own rows (a row is never its own witness: `Reference` leaves its own provider out)."""
    out: Listings = defaultdict(dict)
    # Only the listings of the document's own comparison names are ever looked up: the others are left in the
    # database (at 20k models, reading and naming them all was most of a price ingest). The SQL computes the
    # name as `comparison_name` does for printable ASCII names; any other name is read and named in Python.
    names = sorted({comparison_name(r.model) for r in parsed.rows if isinstance(r, PriceRow)})
    rows = con.execute(
        "SELECT source, provider, model, tier, input_per_mtok, output_per_mtok FROM price "
        "WHERE source <> ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
        "AND (NOT regexp_full_match(model, '[ -~]*') OR "
        f"regexp_replace(lower(regexp_extract(model, '[^/]*$')), '{_SUFFIX.pattern}', '') IN (SELECT unnest(?)))",
        [source, at, at, names],
    ).fetchall()
    for src, provider, model, tier, price_in, price_out in rows:
        out[(comparison_name(model), tier)][(src, provider, model)] = (price_in, price_out)
    for row in parsed.rows:
        if isinstance(row, PriceRow):
            out[(comparison_name(row.model), row.tier)][(source, row.provider, row.model)] = (
                row.input_per_mtok, row.output_per_mtok)
    return out


@dataclass(frozen=True)
class Reference:
    """What the other listings of one row's model and tier say, side by side."""

    witnesses: dict[str, list[float]]  # compared field → the other listings' non-zero values

    @classmethod
    def of(cls, found: Listings, source: str, row: PriceRow) -> Reference:
        others = [v for (src, provider, _), v in found.get((comparison_name(row.model), row.tier), {}).items()
                  if (src, provider) != (source, row.provider)]
        return cls({f: [v[i] for v in others if v[i]] for i, f in enumerate(COMPARED)})

    def contradicts(self, field: str, value: float | None) -> bool:
        seen = self.witnesses.get(field, [])
        return bool(value) and len(seen) >= MIN_WITNESSES and all(_apart(value, w, OUTLIER_FACTOR) for w in seen)

    def agrees(self, field: str, value: float | None) -> bool:
        return bool(value) and any(not _apart(value, w, OUTLIER_FACTOR) for w in self.witnesses.get(field, []))

    def median(self, field: str) -> float:
        return statistics.median(self.witnesses[field])


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
            if old and new and _apart(new, old, JUMP_FACTOR):
                # A value held back once and repeated by a later document is the source's settled price.
                key = (row.provider, row.model, row.tier, field.removesuffix("_per_mtok"), float(f"{new:.10g}"))
                if confirmed is None:
                    confirmed = _held_back(con, source, at)
                if key not in confirmed:
                    jumps.append(Jump(i, row, field, old, new))
    return jumps


def _record(con: duckdb.DuckDBPyConnection, source: str, at: datetime, jumps: list[Jump], evidence: list[str],
            action: str) -> None:
    if not jumps:
        return
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


def _outliers(parsed: ParseResult, source: str, found: Listings, skip: set[int]) -> list[Jump]:
    """Sides of rows (other than `skip`) that every other listing contradicts, against the others' median."""
    out = []
    for i, row in enumerate(parsed.rows):
        if i in skip or not isinstance(row, PriceRow):
            continue
        ref = Reference.of(found, source, row)
        out += [Jump(i, row, f, ref.median(f), getattr(row, f)) for f in COMPARED
                if ref.contradicts(f, getattr(row, f))]
    return out


def check(con: duckdb.DuckDBPyConnection, spec: _Table, source: str, parsed: ParseResult, evidence: list[str],
          observed_at: datetime, alive: dict[tuple, Any]) -> list[str]:
    """The price table's guard: problems that reject the document (empty when it may be ingested); accepts
    corrections, holds back isolated jumps in place and keeps contradicted values from being current.

    `alive`: `history.alive_at` of the price table (`spec`) at `observed_at`; ingest hands the same state on to
    the history write. `evidence` runs parallel to `parsed.rows`: a dropped row leaves both.
    """
    if not any(isinstance(row, PriceRow) for row in parsed.rows):
        return []  # a leaderboard or a catalogue: no price to compare
    previous = _in_force(spec, alive)
    found = listings(con, source, parsed, observed_at)
    jumps, corrections = [], []
    for j in find_jumps(con, source, parsed, observed_at, previous):
        # Cache prices have no witnesses: a jump in one is judged as before.
        fixed = j.field in COMPARED and Reference.of(found, source, j.row).agrees(j.field, j.found)
        (corrections if fixed else jumps).append(j)
    _record(con, source, observed_at, corrections, evidence, "corrected")
    models = {(j.row.provider, j.row.model) for j in jumps}
    priced = len({(r.provider, r.model) for r in parsed.rows if isinstance(r, PriceRow)})
    if len(models) >= MAX_JUMPED_MODELS or (len(models) >= 2 and len(models) >= priced * MAX_JUMPED_SHARE):
        _record(con, source, observed_at, jumps, evidence, "rejected_document")
        return [f"prices of {len(models)} of {priced} models jumped ≥{JUMP_FACTOR:g}× against the price in force "
                f"— a unit mix-up (per token vs per 1M?), e.g. {jumps[0].describe()}"]
    jumped = {j.index for j in jumps}
    outliers = _outliers(parsed, source, found, skip=jumped | {j.index for j in corrections})
    kept, dropped = [], []
    for j in outliers:
        before = previous.get((j.row.provider, j.row.model, j.row.tier))
        ref = Reference.of(found, source, j.row)
        sound = before is not None and not any(ref.contradicts(f, v) for f, v in zip(FIELDS, before, strict=True)
                                               if f in COMPARED)
        (kept if sound else dropped).append(j)
    for j in [*jumps, *kept]:
        restored = dict(zip(FIELDS, previous[(j.row.provider, j.row.model, j.row.tier)], strict=True))
        parsed.rows[j.index] = replace(parsed.rows[j.index], **restored)
    for j in jumps:
        parsed.skipped.append(f"{j.describe()}: a ≥{JUMP_FACTOR:g}× jump, kept the previous price (see price_jump)")
    for j in kept + dropped:
        parsed.skipped.append(f"{j.describe()} against the other listings: every one of them is "
                              f"≥{OUTLIER_FACTOR:g}× away, {'kept the previous price' if j in kept else 'left out'}"
                              " (see price_jump)")
    _record(con, source, observed_at, [*jumps, *kept], evidence, "kept_previous")
    _record(con, source, observed_at, dropped, evidence, "dropped_outlier")
    for i in sorted({j.index for j in dropped}, reverse=True):
        del parsed.rows[i]
        if i < len(evidence):
            del evidence[i]
    return []
