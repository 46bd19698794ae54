"""DeepSeek's pricing page (api-docs.deepseek.com/quick_start/pricing), USD per 1M tokens.

One table with a column per model (`MODEL | deepseek-chat | deepseek-reasoner`) and rows
`1M INPUT TOKENS (CACHE HIT)`, `... (CACHE MISS)`, `1M OUTPUT TOKENS`, grouped by a spanning first cell:
`PRICING`, or until 2025-09-05 `STANDARD PRICE (UTC 00:30-16:30)` and `DISCOUNT PRICE (UTC 16:30-00:30)`
(→ tier `off_peak`). A price shared by both models spans both columns. The cache-miss price is the input price.
"""

from __future__ import annotations

from datetime import timedelta

from collectors.pricing import tiers
from collectors.pricing.html_tables import money, require, soup, tables
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, Schedule, Source

PROVIDER = "deepseek"


def _field(label: str) -> str | None:
    text = label.upper()
    if "CACHE HIT" in text:
        return "cache_read"
    if "INPUT" in text:
        return "input"
    if "OUTPUT" in text:
        return "output"
    return None


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    what = f"deepseek pricing {meta.url}"
    out = ParseResult()
    prices: dict[tuple[str, str], dict[str, float | None]] = {}
    for table in tables(soup(body, what, meta.content_type)):
        head = table.header
        models = [i for i, name in enumerate(head) if name.lower().startswith("deepseek-")]
        if not head or head[0].upper() != "MODEL" or not models:
            continue
        label_at = models[0] - 1
        for row in table.grid[1:]:
            if len(row) <= models[-1]:
                continue
            field = _field(row[label_at])
            if field is None:
                continue
            group = " ".join(row[:label_at]).upper()
            tier = tiers.OFF_PEAK if ("DISCOUNT" in group or "OFF-PEAK" in group) else tiers.STANDARD
            for i in models:
                prices.setdefault((head[i], tier), {})[field] = money(row[i])
    require(list(prices), "deepseek pricing", meta.url, "the MODEL | deepseek-... table with 1M token prices")
    for (model, tier), p in prices.items():
        try:
            out.rows.append(PriceRow(provider=PROVIDER, model=model, tier=tier, input_per_mtok=p.get("input"),
                                     output_per_mtok=p.get("output"), cache_read_per_mtok=p.get("cache_read")))
        except RowError as exc:
            out.hold_error(exc, f"{model} [{tier}]: {exc}")
    return out


SOURCE = Source(
    id="deepseek_pricing",
    kind="pricing",
    label="DeepSeek",
    base_url="https://api-docs.deepseek.com",
    paths=("/quick_start/pricing",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # stale when its content stands still longer: a maker's prices move a few times a year
    description="DeepSeek's own price list: cache hit/miss input, output, off-peak discount when offered.",
    min_rows=2,
    real_files=(
        "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-08-01.html`, "
        "`pricing_2025-09-10.html`)."
    ),
)
