"""Mistral's API price list on mistral.ai/pricing (the "API pricing" section), USD per 1M tokens.

The section lists models in tables `Model | API name | Input (/M tokens) | Output (/M tokens)`, grouped under
headings (premier models, free models, ...). A row is named by its API name (`mistral-large-2407`) when the
table has that column, otherwise by the model's display name. Cells look like "$2 /M tokens"; euro columns,
if present, are ignored (prices here are USD). Free models (price "Free") are not priced and are skipped, and
so are input-only models (embeddings), whose price is not an LLM generation price.
"""

from __future__ import annotations

from datetime import timedelta

from collectors.pricing import tiers
from collectors.pricing.html_tables import column, money, require, soup, tables
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, Schedule, Source

PROVIDER = "mistral"


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    what = f"mistral pricing {meta.url}"
    out = ParseResult()
    found = []
    for table in tables(soup(body, what, meta.content_type)):
        head = table.header
        i_in = column(head, "input", exclude=("€", "eur"))
        i_out = column(head, "output", exclude=("€", "eur"))
        if i_in is None or i_out is None or column(head, "model") is None:
            continue
        found.append(table)
        i_name = column(head, "api")
        if i_name is None:
            i_name = column(head, "model")
        for row in table.grid[1:]:
            model = row[i_name] if i_name is not None else row[0]
            price_in, price_out = money(row[i_in]), money(row[i_out])
            if price_out is None:
                out.skipped.append(f"{model}: no output price (embedding or other input-only model)")
                continue
            if tiers.not_priced(price_in, price_out, model):
                out.skipped.append(f"{model}: no paid price ({row[i_in]!r} / {row[i_out]!r})")
                continue
            try:
                out.rows.append(PriceRow(provider=PROVIDER, model=model, input_per_mtok=price_in,
                                         output_per_mtok=price_out))
            except RowError as exc:
                out.hold_error(exc, f"{model}: {exc}")
    require(found, "mistral pricing", meta.url, "an API pricing table (Model | Input | Output)")
    require(out.rows, "mistral pricing", meta.url, "any priced model")
    return out


SOURCE = Source(
    id="mistral_pricing",
    kind="pricing",
    label="Mistral",
    base_url="https://mistral.ai",
    paths=("/pricing",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=24)),
    max_age=timedelta(days=180),  # stale when its content stands still longer: a maker's prices move a few times a year
    description="Mistral's own API price list (input/output per model).",
    min_rows=3,
    real_files=(
        "no real copy in the staging set: built on recorded pages (fixtures `pricing_2024-09-01.html`, "
        "`pricing_2024-09-20.html`)."
    ),
)
