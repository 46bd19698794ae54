"""Google's Gemini API pricing page (ai.google.dev/gemini-api/docs/pricing), USD per 1M tokens.

One section per model: an `<h2>` with the display name, the API id in `<code>`, then a table (one per tab:
Standard, Batch, ...) with rows `Input price`, `Output price`, `Context caching price` and columns
`Free Tier | Paid Tier, per 1M tokens in USD`. Paid-tier cells may carry several prices: "$1.25, prompts <= 200k
tokens $2.50, prompts > 200k tokens" (→ tiers `standard` and `above_200k`), or per modality
"$0.30 (text / image / video) $1.00 (audio)" (→ the first, text). Storage prices ("per hour") are ignored.
Models are named by their API id.

The Batch, Flex and Priority tabs become tiers `batch`, `flex`, `priority` (`above_200k_batch` etc. for their
long-context part).
"""

from __future__ import annotations

import re
from datetime import timedelta

from bs4 import Tag

from collectors.pricing import tiers
from collectors.pricing.html_tables import Table, column, require, soup, tables
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, Schedule, Source

PROVIDER = "google"
_AMOUNT = re.compile(r"\$\s*(\d+(?:\.\d+)?)([^$]*)")
_ABOVE = re.compile(r">\s*(\d+)\s*k", re.IGNORECASE)
_ROWS = (("input", "input price"), ("output", "output price"), ("cache_read", "context caching"))
_TABS = {"batch": tiers.BATCH, "flex": tiers.FLEX, "priority": tiers.PRIORITY}


def split_cell(text: str) -> dict[str, float]:
    """Per tier, the price in one paid-tier cell."""
    out: dict[str, float] = {}
    for amount, tail in _AMOUNT.findall(text):
        if "per hour" in tail or "storage" in tail:
            continue
        above = _ABOVE.search(tail)
        tier = tiers.above(int(above.group(1)) * 1000) if above else tiers.STANDARD
        out.setdefault(tier, float(amount))
    return out


def _model_of(table: Table) -> tuple[str, str] | None:
    h2 = table.element.find_previous("h2")
    if not isinstance(h2, Tag):
        return None
    code = h2.find_next("code")
    model = code.get_text(strip=True) if isinstance(code, Tag) else ""
    tab = table.element.find_previous("h3")
    tier = tiers.STANDARD
    if isinstance(tab, Tag) and (tab.sourceline or 0) > (h2.sourceline or 0):
        tier = _TABS.get(tab.get_text(strip=True).lower(), tiers.STANDARD)
    return (model or h2.get_text(strip=True), tier)


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    what = f"google pricing {meta.url}"
    priced = [t for t in tables(soup(body, what, meta.content_type)) if column(t.header, "paid tier") is not None]
    require(priced, "google pricing", meta.url, "model tables with a `Paid Tier` column")
    out = ParseResult()
    for table in priced:
        found = _model_of(table)
        if found is None:
            out.skipped.append(f"a paid-tier table without a model heading: {table.header}")
            continue
        model, tab_tier = found
        paid = column(table.header, "paid tier")
        by_tier: dict[str, dict[str, float]] = {}
        for row in table.grid[1:]:
            label = row[0].lower()
            field = next((f for f, words in _ROWS if label.startswith(words)), None)
            if field is None or paid is None or paid >= len(row):
                continue
            for tier, amount in split_cell(row[paid]).items():
                by_tier.setdefault(tier, {})[field] = amount
        if not by_tier:
            out.skipped.append(f"{model} [{tab_tier}]: no paid token prices (not offered on this tier)")
            continue
        base = by_tier.get(tiers.STANDARD, {})
        for tier, prices in by_tier.items():
            name = tab_tier if tier == tiers.STANDARD else (
                tier if tab_tier == tiers.STANDARD else f"{tier}_{tab_tier}")
            try:
                out.rows.append(PriceRow(provider=PROVIDER, model=model, tier=name,
                                         input_per_mtok=prices.get("input", base.get("input")),
                                         output_per_mtok=prices.get("output", base.get("output")),
                                         cache_read_per_mtok=prices.get("cache_read")))
            except RowError as exc:
                out.hold_error(exc, f"{model} [{name}]: {exc}")
    require(out.rows, "google pricing", meta.url, "any paid token price")
    return out


SOURCE = Source(
    id="google_pricing",
    kind="pricing",
    label="Google",
    base_url="https://ai.google.dev",
    paths=("/gemini-api/docs/pricing",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # stale when its content stands still longer: a maker's prices move a few times a year
    description="Google's Gemini API price list: paid tier, long-context and batch prices per model.",
    min_rows=3,
    real_files=(
        "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-06-01.html`, "
        "`pricing_2025-07-20.html`)."
    ),
)
