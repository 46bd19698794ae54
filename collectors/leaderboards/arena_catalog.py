"""LMArena's arena-catalog (github.com/lmarena/arena-catalog): the text arena per category, and Arena's own
price and licence list.

Two documents, both read from the repository's `data/` folder on GitHub:
- `leaderboard-text.json`: `{category: {model_api_name: {rating, rating_q975, rating_q025}}}`. Categories are
  Arena's slices (`full` = overall, `coding`, `math`, `if`, `long_user`, `multiturn`, languages such as
  `chinese` or `german`, `industry_*`, ...). Rows go to board `arena-catalog-text`, category as given, score
  = rating (Elo), ci = the 2.5 % / 97.5 % quantiles, ranks computed within each category. The file carries
  no publish date: the observation time is when its data were seen.
- `scatterplot-data.json`: a list of `{name, model_api_name, input_token_price, output_token_price,
  organization, license, price_source, model_source, hidden?}` (prices in USD per 1M tokens, as strings).
  Each entry becomes a catalogue row (name, organization, licence: Arena's licence column, free text with
  typos such as `Propretary`; identity classifies the term) and, when both prices are numbers, a price row.
  The price's provider is the site `price_source` names (`https://www.together.ai/pricing` → `together`):
  Arena often quotes a reseller's price for open models, so the maker is not assumed to be the seller.

Both files are replaced in place by Arena's commits; their git history is the board's history
(`gapwatch backfill arena_catalog --git REPO --path data/leaderboard-text.json --path
data/scatterplot-data.json`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from collectors.leaderboards.values import with_ranks
from collectors.parsing import load_json, to_float
from gapwatch.rows import ModelRow, ParseResult, PriceRow, RowError, ScoreRow
from gapwatch.source import DocMeta, ParseError, Schedule, Source

BOARD = "arena-catalog-text"
REPO_PATH = "/lmarena/arena-catalog/main/data"
TEXT_FILE, PRICES_FILE = "leaderboard-text.json", "scatterplot-data.json"


def _parse_ratings(doc: Any, meta: DocMeta) -> ParseResult:
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise ParseError(f"arena_catalog {meta.url}: expected {{category: {{model: {{rating, ...}}}}}}, "
                         f"got {type(doc).__name__}; has the file's layout changed?")
    out = ParseResult()
    for category, models in doc.items():
        for model, entry in models.items():
            rating = to_float(entry.get("rating")) if isinstance(entry, dict) else None
            if rating is None:
                out.skipped.append(f"{category}/{model}: no rating in {entry!r}")
                continue
            try:
                out.rows.append(ScoreRow(board=BOARD, category=category, model=model, score=rating,
                                         ci_low=to_float(entry.get("rating_q025")),
                                         ci_high=to_float(entry.get("rating_q975"))))
            except RowError as exc:
                out.skipped.append(f"{category}/{model}: {exc}")
    out.rows = with_ranks(out.rows)
    return out


def provider_of(price_source: str) -> str | None:
    """The site a price was read from, as a provider name: `https://api-docs.deepseek.com/...` → `deepseek`."""
    host = urlsplit(price_source.strip()).hostname or ""
    labels = [label for label in host.split(".") if label]
    return labels[-2] if len(labels) >= 2 else None


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _parse_catalogue(doc: Any, meta: DocMeta) -> ParseResult:
    if not isinstance(doc, list):
        raise ParseError(f"arena_catalog {meta.url}: expected a list of models, got {type(doc).__name__}; "
                         "has the file's layout changed?")
    out = ParseResult()
    for number, entry in enumerate(doc, start=1):
        model = _text(entry, "model_api_name") if isinstance(entry, dict) else None
        if model is None:
            out.skipped.append(f"entry {number}: no model_api_name in {entry!r}")
            continue
        try:
            out.rows.append(ModelRow(model=model, name=_text(entry, "name"),
                                     organization=_text(entry, "organization"), license=_text(entry, "license")))
        except RowError as exc:
            out.skipped.append(f"{model}: {exc}")
            continue
        price_in, price_out = to_float(entry.get("input_token_price")), to_float(entry.get("output_token_price"))
        provider = provider_of(_text(entry, "price_source") or "")
        if price_in is None or price_out is None or provider is None:
            continue  # listed without a price (image models, `n/a` sources): a catalogue entry only
        try:
            out.rows.append(PriceRow(provider=provider, model=model, input_per_mtok=price_in,
                                     output_per_mtok=price_out))
        except RowError as exc:
            out.skipped.append(f"{model}: {exc}")
    if doc and not any(isinstance(r, ModelRow) for r in out.rows):
        raise ParseError(f"arena_catalog {meta.url}: no entry has a `model_api_name`; has the layout changed?")
    return out


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"arena_catalog {meta.url}")
    name = meta.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if name.startswith("scatterplot-data") or isinstance(doc, list):
        return _parse_catalogue(doc, meta)
    return _parse_ratings(doc, meta)


SOURCE = Source(
    id="arena_catalog",
    kind="leaderboard",
    label="LMArena catalog",
    base_url="https://raw.githubusercontent.com",
    paths=(f"{REPO_PATH}/{TEXT_FILE}", f"{REPO_PATH}/{PRICES_FILE}"),
    row_types=(ScoreRow, ModelRow, PriceRow),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=12)),
    max_age=timedelta(days=120),  # Arena refreshed these files every few weeks to months in 2025
    description="LMArena arena-catalog: text-arena ratings per category (overall, coding, math, instruction "
                "following, long prompts, languages) and Arena's price and licence list.",
    min_rows=50,
    labels_licences=True,  # scatterplot-data's `license` column: "Propretary", "Open", "Qwen" ...
    real_files=(
        "realdata §14: lmarena/arena-catalog `data/leaderboard-text.json` (4 versions, 2025-03-07 to "
        "2025-12-11) and `data/scatterplot-data.json` (3 versions, 2025-03-04 to 2025-12-17), the files the "
        "URLs name (checked against the repository, branch `main`)."
    ),
)
