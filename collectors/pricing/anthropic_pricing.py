"""Anthropic's pricing page (docs.anthropic.com/en/docs/about-claude/pricing), USD per MTok.

Three tables matter: model pricing (`Model | Base Input Tokens | 5m Cache Writes | 1h Cache Writes | Cache Hits &
Refreshes | Output Tokens`), batch (`Model | Batch input | Batch output`) and long context (`≤ 200K input tokens |
> 200K input tokens`, cells like "Input: $6 / MTok", for the models named in the text above it). Models keep
the page's names ("Claude Sonnet 4"; a "(deprecated)" mark is dropped). The 5-minute cache write is the
cache-write price (the 1-hour one is a different product).

Tiers: the model table is `standard`, the batch table `batch`, the long-context table `above_200k`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from collectors.pricing import tiers
from collectors.pricing.html_tables import Table, column, money, require, soup, tables
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, Schedule, Source

PROVIDER = "anthropic"
_THRESHOLD = re.compile(r">\s*(\d+)\s*K", re.IGNORECASE)


def model_name(cell: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", cell).strip()


def _main(table: Table) -> dict[str, dict[str, float | None]]:
    head = table.header
    cols = {
        "input": column(head, "base input"),
        "cache_write": column(head, "cache write", exclude=("1h",)),
        "cache_read": column(head, "cache hit"),
        "output": column(head, "output"),
    }
    return {model_name(row[0]): {f: money(row[i]) if i is not None else None for f, i in cols.items()}
            for row in table.grid[1:] if row and row[0]}


def _named_in(text: str, models: list[str]) -> list[str]:
    # "Claude Sonnet 4" must not match inside "Claude Sonnet 4.5".
    return [m for m in models if re.search(re.escape(m) + r"(?!\.\d|\d)", text)]


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    what = f"anthropic pricing {meta.url}"
    page = tables(soup(body, what, meta.content_type))
    mains = [t for t in page if column(t.header, "base input") is not None and column(t.header, "output") is not None]
    require(mains, "anthropic pricing", meta.url, "the model pricing table (Model | Base Input Tokens | ... | Output)")
    prices = {tiers.STANDARD: _main(mains[0])}
    for table in page:
        head = table.header
        i_in, i_out = column(head, "batch input"), column(head, "batch output")
        if i_in is not None and i_out is not None:
            prices[tiers.BATCH] = {model_name(r[0]): {"input": money(r[i_in]), "output": money(r[i_out])}
                                   for r in table.grid[1:] if r and r[0]}
        threshold = _THRESHOLD.search(head[-1]) if head else None
        if threshold and len(head) == 2:
            above = {"input": None, "output": None}
            for row in table.grid[1:]:
                label = row[-1].lower()
                field = "input" if label.startswith("input") else "output" if label.startswith("output") else None
                if field:
                    above[field] = money(row[-1])
            tier = tiers.above(int(threshold.group(1)) * 1000)
            for model in _named_in(table.context(), list(prices[tiers.STANDARD])):
                prices.setdefault(tier, {})[model] = above
    out = ParseResult()
    for tier, by_model in prices.items():
        for model, p in by_model.items():
            try:
                out.rows.append(PriceRow(provider=PROVIDER, model=model, tier=tier, input_per_mtok=p.get("input"),
                                         output_per_mtok=p.get("output"), cache_read_per_mtok=p.get("cache_read"),
                                         cache_write_per_mtok=p.get("cache_write")))
            except RowError as exc:
                out.hold_error(exc, f"{model} [{tier}]: {exc}")
    require([r for r in out.rows if r.tier == tiers.STANDARD], "anthropic pricing", meta.url, "any priced model")
    return out


SOURCE = Source(
    id="anthropic_pricing",
    kind="pricing",
    label="Anthropic",
    base_url="https://docs.anthropic.com",
    paths=("/en/docs/about-claude/pricing",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # stale when its content stands still longer: a maker's prices move a few times a year
    description="Anthropic's own price list: base, cache writes/hits, batch and long-context prices.",
    min_rows=3,
    real_files=(
        "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-08-20.html`, "
        "`pricing_2025-11-25.html`)."
    ),
)
