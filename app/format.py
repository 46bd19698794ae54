"""How the app writes a figure for a reader: human column labels, $ with cents, thousands separators, % with one
decimal, dates as dates, "—" for missing.

Tables go through `readable(frame)`, which turns every column into display text from its name, so a new view
column gets a label and a format without each page remembering to add one. The column names of the views stay
the SQL contract; only what a reader sees changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

import polars as pl

MISSING = "—"

# Labels for the views' column names; a name not listed here is spelled out from its words (`humanise`).
LABELS: dict[str, str] = {
    "capability": "Capability", "board": "Board", "definition": "What counts as open",
    "best_open_model": "Best open model", "best_open_score": "Open score",
    "best_closed_model": "Best closed model", "best_closed_score": "Closed score",
    "gap_abs": "Gap", "gap_rel": "Gap %", "change_30d": "Gap change, 30 days", "change_90d": "Gap change, 90 days",
    "change_365d": "Gap change, 1 year", "as_of": "As of", "note": "Note", "trend": "90-day trend",
    "observed_at": "When", "kind": "What happened", "entity": "About", "source": "Source",
    "magnitude": "Size", "backfill": "Reconstructed", "evidence": "Evidence", "open": "Details",
    "provider": "Provider", "model": "Model", "model_id": "Model", "tier": "Tier",
    "input_per_mtok": "Input $/1M tokens", "output_per_mtok": "Output $/1M tokens",
    "cache_read_per_mtok": "Cached input $/1M tokens", "blended_price": "Blended $/1M tokens",
    "before_blended": "Before ($/1M, blended)", "after_blended": "After ($/1M, blended)", "change_pct": "Change",
    "from_date": "From", "to_date": "To", "valid_from": "From", "valid_to": "Until", "since": "Since",
    "currency": "Currency", "quality_score": "Quality (Elo)", "on_frontier": "On the frontier",
    "closed_model": "Closed model", "closed_date": "Closed model's date", "closed_score": "Closed score",
    "open_model": "Open model that matched it", "open_date": "Matched on", "months_behind": "Months behind",
    "mean_months": "Mean months behind", "median_months": "Median months behind",
    "matched": "Matched", "unmatched": "Not matched yet", "date": "Date",
    "license_id": "Licence", "from_valid": "Old version from", "to_valid": "New version from",
    "lines_added": "Lines added", "lines_removed": "Lines removed", "version": "Version", "url": "URL",
    "chars": "Characters", "organization": "Organisation", "openness": "Openness", "name": "Name",
    "last_success": "Last success", "last_run": "Last run", "last_status": "Status",
    "failures_in_a_row": "Failures in a row", "rows": "Rows", "next_run": "Next run", "last_error": "Last error",
    "scenario": "Scenario", "option": "Option", "monthly_cost_low": "Monthly cost (low)",
    "monthly_cost_high": "Monthly cost (high)", "per_mtok_low": "$/1M tokens (low)",
    "per_mtok_high": "$/1M tokens (high)", "providers": "Providers",
    "crossover_tokens_per_month": "Self-hosting wins from (tokens/month)", "monthly_tokens": "Tokens per month",
    "input_share": "Input share", "factor": "Factor", "answer": "Your answer", "leans": "Leans towards",
    "why": "Why", "view": "View", "osi_approved": "OSI approved", "evidence_kind": "Evidence",
    "terms": "Terms as written", "models": "Models", "columns": "Columns", "sentence": "What changed",
}


def humanise(column: str) -> str:
    """A label for a column name: the table above, else its words with the first capitalised."""
    if column in LABELS:
        return LABELS[column]
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def usd(value: float | None, cents: bool = True) -> str:
    if is_missing(value):
        return MISSING
    if not cents or abs(value) >= 1000:
        return f"${value:,.0f}"
    if 0 < abs(value) < 0.01:
        return f"${value:,.4f}".rstrip("0")
    return f"${value:,.2f}"


def usd_range(low: float | None, high: float | None, cents: bool = True) -> str:
    if is_missing(low):
        return MISSING
    if is_missing(high) or usd(low, cents) == usd(high, cents):
        return usd(low, cents)
    return f"{usd(low, cents)} – {usd(high, cents)}"


def pct(value: float | None, ratio: bool = False, signed: bool = False) -> str:
    """One decimal; `ratio` when the value is a share (0.25 → 25.0 %)."""
    if is_missing(value):
        return MISSING
    shown = value * 100 if ratio else value
    return f"{shown:+,.1f} %" if signed else f"{shown:,.1f} %"


def num(value: float | int | None, digits: int = 1, signed: bool = False) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:+,}" if signed else f"{value:,}"
    return f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"


def tokens(value: float | None) -> str:
    """A token count a reader can say: 1.5 B, 50 M, 900 k."""
    if is_missing(value):
        return MISSING
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:,.1f} {unit}".replace(".0 ", " ")
    return f"{value:,.0f}"


def when(value: date | datetime | None) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime(
            "%Y-%m-%d")
    return value.isoformat()


def day(value: date | datetime | None) -> str:
    """The date alone (an as-of day is a day, whatever time of day its data was collected)."""
    if is_missing(value):
        return MISSING
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def every(interval: timedelta) -> str:
    """A schedule as a person says it: every 6 h, every day, every 15 min."""
    seconds = int(interval.total_seconds())
    for unit, size, name in (("d", 86_400, "day"), ("h", 3600, "h"), ("min", 60, "min")):
        if seconds % size == 0 and seconds >= size:
            count = seconds // size
            if unit == "d":
                return "every day" if count == 1 else f"every {count} days"
            return f"every {count} {name}"
    return f"every {seconds} s"


# Columns whose values are vocabulary (snake_case words a reader should read as words).
_WORDS = {"kind", "capability", "option", "last_status"}


def words(value: str) -> str:
    """A vocabulary value as words: `instruction_following` → `Instruction following`."""
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


def _score(value: float | None) -> str:
    return num(value, 1)


def _formatter(column: str, dtype: pl.DataType) -> Callable[[object], str] | None:
    """How a column's values read, from its name and type (None: leave the column as it is)."""
    name = column.lower()
    if isinstance(dtype, pl.List | pl.Array):
        return lambda v: MISSING if v is None or len(v) == 0 else ", ".join(str(x) for x in v)
    if dtype == pl.Boolean:
        return lambda v: MISSING if v is None else ("yes" if v else "no")
    if dtype.is_temporal():
        if name == "valid_to":  # an interval still open: true until now, not a missing end
            return lambda v: "now" if v is None else when(v)
        return when
    if not dtype.is_numeric():
        if name in _WORDS:
            return lambda v: MISSING if v is None or v == "" else words(str(v))
        return lambda v: MISSING if v is None or v == "" else str(v)
    if name.endswith(("_rel", "_share")) or name in {"input_share", "share"}:
        return lambda v: pct(v, ratio=True)
    if name.endswith("_pct"):
        return lambda v: pct(v, signed=True)
    if "per_mtok" in name or "price" in name or "blended" in name:
        return usd
    if "cost" in name or name.endswith("_usd"):
        return lambda v: usd(v, cents=False)
    if "tokens" in name:
        return tokens
    if name.startswith("change_"):
        return lambda v: num(v, 1, signed=True)
    if dtype.is_integer():
        return lambda v: num(v)
    if "months" in name:
        return lambda v: num(v, 1)
    return _score


def readable(frame: pl.DataFrame, keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every value as display text and every column under its label; `keep` columns are left as they are
    (links, or values a column config draws)."""
    columns = []
    for column, dtype in frame.schema.items():
        fmt = None if column in keep else _formatter(column, dtype)
        series = frame[column]
        if fmt is not None:
            series = pl.Series(column, [fmt(v) for v in series.to_list()], dtype=pl.Utf8)
        columns.append(series.alias(humanise(column)))
    return pl.DataFrame(columns)
