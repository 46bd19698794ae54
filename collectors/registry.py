"""Every source gapwatch knows, one line each. Adding a source: one module plus one line here."""

from __future__ import annotations

from collectors.evals import own_evals
from collectors.leaderboards import (
    aider,
    arena_catalog,
    epoch_benchmarks,
    livebench,
    lmarena,
    open_llm_leaderboard,
    swebench,
)
from collectors.licenses import hf_hub, license_texts, spdx
from collectors.pricing import (
    anthropic_pricing,
    deepseek_pricing,
    genai_prices,
    google_pricing,
    litellm,
    mistral_pricing,
    models_dev,
    openai_pricing,
    openrouter,
)
from gapwatch.source import Source

SOURCES: tuple[Source, ...] = (
    openrouter.SOURCE,
    litellm.SOURCE,
    models_dev.SOURCE,
    genai_prices.SOURCE,
    anthropic_pricing.SOURCE,
    google_pricing.SOURCE,
    deepseek_pricing.SOURCE,
    mistral_pricing.SOURCE,
    openai_pricing.SOURCE,
    lmarena.SOURCE,
    arena_catalog.SOURCE,
    aider.SOURCE,
    livebench.SOURCE,
    swebench.SOURCE,
    open_llm_leaderboard.SOURCE,
    epoch_benchmarks.SOURCE,
    spdx.SOURCE,
    license_texts.SOURCE,
    hf_hub.SOURCE,  # after the catalogues: it fetches the repos they link to
)

# Sources fed by files the user imports (`gapwatch evals import`, the watched folder), never fetched or scheduled;
# declared like the others, so their runs, labels and reparse work the same way.
IMPORTED: tuple[Source, ...] = (own_evals.SOURCE,)

BY_ID: dict[str, Source] = {s.id: s for s in (*SOURCES, *IMPORTED)}


def get(source_id: str) -> Source:
    try:
        return BY_ID[source_id]
    except KeyError:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(sorted(BY_ID))}") from None
