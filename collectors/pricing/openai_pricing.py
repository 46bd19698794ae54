"""OpenAI's pricing page (platform.openai.com/docs/pricing), USD per 1M tokens.

Under the "Text tokens" heading, one table per processing tier (a label above it: Standard, Batch, Flex,
Priority), each `Model | Input | Cached input | Output`. The model cell holds the alias and, in smaller type,
the dated snapshot ("gpt-4.1 gpt-4.1-2025-04-14"); the alias names the row. "-" means not offered. Other
sections (audio, image, embeddings, fine-tuning) are priced per something else and are not read.
"""

from __future__ import annotations

from datetime import timedelta

from collectors.pricing import tiers
from collectors.pricing.html_tables import Table, column, money, require, soup, tables
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, Schedule, Source

PROVIDER = "openai"
_TIERS = (("batch", tiers.BATCH), ("flex", tiers.FLEX), ("priority", tiers.PRIORITY))


def _tier(table: Table) -> str:
    label = table.before.lower()
    return next((tier for word, tier in _TIERS if word in label), tiers.STANDARD)


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    what = f"openai pricing {meta.url}"
    text_tables = [
        t for t in tables(soup(body, what, meta.content_type))
        if "text tokens" in " ".join(t.headings.values()).lower()
        and column(t.header, "model") is not None and column(t.header, "output") is not None
    ]
    require(text_tables, "openai pricing", meta.url, "the Text tokens tables (Model | Input | Cached input | Output)")
    out = ParseResult()
    for table in text_tables:
        head, tier = table.header, _tier(table)
        i_in, i_cached = column(head, "input", exclude=("cached",)), column(head, "cached")
        i_out = column(head, "output")
        for row in table.grid[1:]:
            model = row[0].split(" ")[0] if row and row[0] else ""
            if not model or i_in is None or i_out is None:
                continue
            price_in, price_out = money(row[i_in]), money(row[i_out])
            if tiers.not_priced(price_in, price_out, model):
                out.skipped.append(f"{model} [{tier}]: no price ({row[i_in]!r} / {row[i_out]!r})")
                continue
            try:
                out.rows.append(PriceRow(provider=PROVIDER, model=model, tier=tier, input_per_mtok=price_in,
                                         output_per_mtok=price_out,
                                         cache_read_per_mtok=money(row[i_cached]) if i_cached is not None else None))
            except RowError as exc:
                out.hold_error(exc, f"{model} [{tier}]: {exc}")
    require(out.rows, "openai pricing", meta.url, "any priced text model")
    return out


SOURCE = Source(
    id="openai_pricing",
    kind="pricing",
    label="OpenAI",
    base_url="https://platform.openai.com",
    paths=("/docs/pricing",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # stale when its content stands still longer: a maker's prices move a few times a year
    description="OpenAI's own price list for text tokens: standard, batch, flex and priority tiers.",
    min_rows=3,
    real_files=(
        "no real copy in the staging set: built on recorded pages (fixtures `pricing_2025-06-01.html`, "
        "`pricing_2025-06-15.html`)."
    ),
)
