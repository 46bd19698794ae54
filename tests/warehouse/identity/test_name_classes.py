"""Issue 25's classes of names, each a rule with real examples: an undated name and its only snapshot, stacked
variant suffixes, Arena's display names, platform spellings and the makers' own price-page names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.rows import ModelRow, ScoreRow
from tests.warehouse.identity.test_identity import ingest, price, score
from warehouse import db
from warehouse.identity import normalise, refresh_identity

# (name as a source writes it, key, variant)
CLASSES = [
    # stacked settings: thinking budget, effort, mode — all stripped, all kept in the variant
    ("claude-opus-4-5-20251101-thinking-64k-high-effort", "claude-opus-4.5-2025-11-01", "thinking-64k+high-effort"),
    ("claude-opus-4.1-thinking-32k-high", "claude-opus-4.1", "thinking-32k+high"),
    ("gemini-2.5-pro-06-05-highthinking", "gemini-2.5-pro-06-05", "highthinking"),
    ("gpt-5.1-2025-11-13-nothinking", "gpt-5.1-2025-11-13", "nothinking"),
    ("anthropic/claude-opus-4.6:thinking:low", "claude-opus-4.6", "low"),
    ("xai/grok-4-1-fast-non-reasoning-latest", "grok-4.1-fast", "non-reasoning"),
    ("mistral-medium-latest", "mistral-medium", None),  # without a version, `medium` is Mistral's tier
    ("groq/llama-3.1-8b-instant", "llama-3.1-8b-instruct", "instant"),
    ("anthropic.claude-instant-v1", "claude-instant", None),  # `instant` is Groq's serving only after a size
    # the maker's `-0` alias of a whole version, and both word orders of both Claude eras
    ("claude-opus-4-0", "claude-opus-4", None),
    ("claude-4.0-opus", "claude-opus-4", None),
    ("claude-4-5-sonnet", "claude-sonnet-4.5", None),
    # display names on the makers' price pages
    ("Claude Sonnet 3.7", "claude-3.7-sonnet", None),
    ("Claude Haiku 3", "claude-3-haiku", None),
    ("Claude Haiku 3.5", "claude-3.5-haiku", None),
    ("Claude Opus 4.1", "claude-opus-4.1", None),
    # platforms: SAP AI Core, Databricks, models.dev's vendor-glued ids, Bedrock's digit vendor, `hf:`, Vertex MaaS
    ("anthropic--claude-4-opus", "claude-opus-4", None),
    ("anthropic-claude-4.1-opus", "claude-opus-4.1", None),
    ("databricks/databricks-claude-sonnet-4-5", "claude-sonnet-4.5", None),
    ("databricks/databricks-gpt-oss-120b", "gpt-oss-120b", None),
    ("groq-llama-4-maverick-17b-128e-instruct", "llama-4-maverick-17b-128e-instruct", None),
    ("c4ai-aya-expanse-32b", "aya-expanse-32b", None),
    ("ai21.jamba-1-5-large-v1:0", "jamba-1.5-large", None),
    ("hf:openai/gpt-oss-120b", "gpt-oss-120b", None),
    ("openai/gpt-oss-120b-maas", "gpt-oss-120b", "maas"),
    ("openai.gpt-oss-120b-1:0", "gpt-oss-120b", None),
    # Google's preview snapshots by month and day, and majors without `.0`
    ("gemini-2.5-pro-preview-06-05", "gemini-2.5-pro-06-05", None),
    ("Gemini 2.5 Pro Preview 03-25", "gemini-2.5-pro-03-25", None),
    ("gemini-3.0-pro-preview", "gemini-3-pro-preview", None),
    # Arena: a codename with the real name in brackets; a month name with a two-digit year
    ("chocolate (Early Grok-3)", "early-grok-3", None),
    ("Phi-3-Mini-4k-Instruct-June-24", "phi-3-mini-4k-instruct-june-2024", None),
]


@pytest.mark.parametrize(("name", "key", "variant"), CLASSES)
def test_each_class_normalises_to_the_model(name: str, key: str, variant: str | None) -> None:
    found = normalise(name)
    assert (found.key, found.variant) == (key, variant)


@pytest.mark.parametrize(("a", "b"), [
    ("claude-opus-4-0", "claude-opus-4-1"),                              # `-0` is the whole version, not 4.x
    ("Claude Haiku 3", "Claude Haiku 3.5"),
    ("claude-3-7-sonnet", "claude-sonnet-4"),
    ("gemini-2.5-pro-preview-06-05", "gemini-2.5-pro-preview-05-06"),    # two preview snapshots
    ("gemini-2.5-pro-exp-03-25", "gemini-2.5-pro-preview-03-25"),        # experimental ≠ preview
    ("gemini-2.0-flash", "gemini-2.0-flash-lite"),
    ("gpt-oss-120b", "gpt-oss-safeguard-120b"),
    ("Bard (Gemini Pro)", "gemini-pro"),                                 # a capitalised product, not a codename
    ("mistral-large-2411", "mistral-2411"),                              # a maker's own brand is not a prefix
    ("Phi-3-Mini-4k-Instruct-June-24", "Phi-3-Mini-4k-Instruct"),
    ("CohereForAI/c4ai-command-r-plus", "command-r-plus"),               # the 04-2024 weights, not the API name
    ("Quazim0t0/Phi4.Turn.R1Distill.16bit", "r1-distill-16bit"),         # `phi4.` is no Bedrock vendor
])
def test_checkpoints_stay_apart(a: str, b: str) -> None:
    assert normalise(a).key != normalise(b).key


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = db.connect(tmp_path / "w.duckdb")
    yield c
    c.close()


def current(con: duckdb.DuckDBPyConnection, source: str, name: str) -> tuple:
    return con.execute("SELECT model_id, method FROM v_model_names WHERE source = ? AND source_model = ?",
                       [source, name]).fetchone()


def test_the_makers_alias_is_its_only_snapshot_and_follows_the_pointer(con: duckdb.DuckDBPyConnection) -> None:
    # genai-prices lists Anthropic's `claude-opus-4-0`; LiteLLM and Arena the dated snapshot.
    ingest(con, "genai_prices", [price("anthropic", "claude-opus-4-0", 15.0, 75.0)], datetime(2025, 6, 23))
    ingest(con, "litellm", [price("anthropic", "claude-opus-4-20250514", 15.0, 75.0)], datetime(2025, 6, 28))
    ingest(con, "lmarena", [score("Claude Opus 4 (20250514)", 1366.0)], datetime(2025, 7, 18))
    ingest(con, "anthropic_pricing", [price("anthropic", "Claude Opus 4", 15.0, 75.0)], datetime(2025, 8, 20))
    refresh_identity(con)
    for source, name in [("genai_prices", "claude-opus-4-0"), ("anthropic_pricing", "Claude Opus 4")]:
        assert current(con, source, name) == ("claude-opus-4-2025-05-14", "snapshot")
    # a second snapshot: the price list's undated name follows from its date on (a price list moves with the maker)
    ingest(con, "litellm", [price("anthropic", "claude-opus-4-20250514", 15.0, 75.0),
                            price("anthropic", "claude-opus-4-20251201", 5.0, 25.0)], datetime(2025, 12, 5))
    ingest(con, "lmarena", [score("Claude Opus 4 (20250514)", 1366.0), score("Claude Opus 4 (20251201)", 1400.0)],
           datetime(2025, 12, 6))
    refresh_identity(con)
    history = con.execute("SELECT model_id, valid_from FROM v_model_names_history WHERE source = 'genai_prices' "
                          "ORDER BY valid_from NULLS FIRST").fetchall()
    assert history == [("claude-opus-4-2025-05-14", None), ("claude-opus-4-2025-12-01", datetime(2025, 12, 1))]


def test_a_late_listing_with_an_older_date_is_a_slip(con: duckdb.DuckDBPyConnection) -> None:
    # LiteLLM's `anthropic.claude-3-7-sonnet-20240620-v1:0` (3.5 Sonnet's date on a 3.7 name) appeared after the
    # real snapshot several sources list: no candidate, so LiveBench's undated name is the 02-19 snapshot.
    ingest(con, "lmarena", [score("Claude 3.7 Sonnet (20250219)", 1300.0)], datetime(2025, 3, 1))
    ingest(con, "litellm", [price("anthropic", "claude-3-7-sonnet-20250219", 3.0, 15.0)], datetime(2025, 3, 1))
    ingest(con, "livebench", [ScoreRow("livebench-2025-04-02", "global_average", "claude-3-7-sonnet", 60.0, "score")],
           datetime(2025, 4, 2))
    ingest(con, "litellm", [price("anthropic", "claude-3-7-sonnet-20250219", 3.0, 15.0),
                            price("bedrock", "anthropic.claude-3-7-sonnet-20240620-v1:0", 3.0, 15.0)],
           datetime(2025, 6, 28))
    refresh_identity(con)
    assert current(con, "livebench", "claude-3-7-sonnet") == ("claude-3.7-sonnet-2025-02-19", "snapshot")


def test_a_boards_release_date_shortly_before_the_snapshot_is_that_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    # LiveBench's 2026-01-08 table got gpt-5.4 in March; OpenAI's only snapshot is dated 2026-03-05.
    ingest(con, "livebench", [ScoreRow("livebench-2026-01-08", "global_average", "gpt-5.4-xhigh", 80.0, "score")],
           datetime(2026, 1, 8))
    ingest(con, "openrouter", [ModelRow("openai/gpt-5.4"), price("openai", "openai/gpt-5.4", 2.5, 15.0)],
           datetime(2026, 5, 15))
    ingest(con, "genai_prices", [price("openai", "gpt-5.4-2026-03-05", 2.5, 15.0)], datetime(2026, 7, 25))
    ingest(con, "litellm", [price("openai", "gpt-5.4-2026-03-05", 2.5, 15.0)], datetime(2026, 7, 24))
    refresh_identity(con)
    assert current(con, "livebench", "gpt-5.4-xhigh") == ("gpt-5.4-2026-03-05", "snapshot")


def test_a_boards_name_long_before_any_snapshot_stays_its_own(con: duckdb.DuckDBPyConnection) -> None:
    # Arena's 2023 `Mistral Medium` is still not the 2025 `mistral-medium-2505`: 17 months apart
    ingest(con, "lmarena", [score("Mistral Medium", 1150.0)], datetime(2023, 12, 20))
    ingest(con, "litellm", [price("mistral", "mistral-medium", 2.7, 8.1)], datetime(2023, 12, 30))
    ingest(con, "openrouter", [ModelRow("mistralai/mistral-medium-2505")], datetime(2025, 6, 1))
    ingest(con, "genai_prices", [price("mistral", "mistral-medium-2505", 0.4, 2.0)], datetime(2025, 6, 1))
    refresh_identity(con)
    assert current(con, "lmarena", "Mistral Medium") == ("mistral-medium", "normalised")


def test_an_undated_name_and_its_one_snapshot_from_two_sources_confirm_each_other(
        con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "lmarena", [score("Athene-70B", 1250.0)], datetime(2024, 8, 1))
    ingest(con, "arena_catalog", [ScoreRow("arena-catalog-text", "full", "athene-70b-0725", 1250.0)],
           datetime(2025, 3, 7))
    refresh_identity(con)
    assert current(con, "lmarena", "Athene-70B") == ("athene-70b-0725", "snapshot")
    # a name no second source confirms stays unmatched
    ingest(con, "lmarena", [score("Athene-70B", 1250.0), score("Reka-Core-20240501", 1200.0)], datetime(2024, 9, 1))
    refresh_identity(con)
    assert current(con, "lmarena", "Reka-Core-20240501") == (None, None)


def test_arena_display_names_meet_their_api_names(con: duckdb.DuckDBPyConnection) -> None:
    # arena-catalog's scatterplot: `{name: "Athene-v2-Chat-72B", model_api_name: "athene-v2-chat"}`
    ingest(con, "arena_catalog", [ModelRow("athene-v2-chat", name="Athene-v2-Chat-72B", license="NexusFlow"),
                                  ModelRow("chatgpt-4o-latest-20241120", name="GPT-4o", license="Proprietary")],
           datetime(2025, 3, 4))
    ingest(con, "lmarena", [score("Athene-v2-Chat-72B", 1275.0), score("GPT-4o-2024-05-13", 1285.0)],
           datetime(2025, 6, 25))
    ingest(con, "litellm", [price("openai", "gpt-4o", 2.5, 10.0)], datetime(2025, 6, 28))
    ingest(con, "openrouter", [ModelRow("openai/gpt-4o")], datetime(2025, 6, 28))
    refresh_identity(con)
    assert current(con, "lmarena", "Athene-v2-Chat-72B") == ("athene-v2-chat", "display name")
    # a display name that is a model of its own (`GPT-4o`) is no alias of the API name it labels
    assert current(con, "litellm", "gpt-4o")[0] != "chatgpt-4o-latest-2024-11-20"


def test_a_vertex_revision_name_is_the_makers_nth_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "litellm", [price("anthropic", "claude-3-5-sonnet-20240620", 3.0, 15.0),
                            price("anthropic", "claude-3-5-sonnet-20241022", 3.0, 15.0),
                            price("vertex_ai", "vertex_ai/claude-3-5-sonnet-v2", 3.0, 15.0),
                            price("vertex_ai", "vertex_ai/claude-3-5-sonnet", 3.0, 15.0)], datetime(2024, 12, 29))
    ingest(con, "lmarena", [score("Claude 3.5 Sonnet (20240620)", 1270.0),
                            score("Claude 3.5 Sonnet (20241022)", 1283.0)], datetime(2024, 12, 31))
    refresh_identity(con)
    assert current(con, "litellm", "vertex_ai/claude-3-5-sonnet-v2") == ("claude-3.5-sonnet-2024-10-22", "revision")


def test_a_name_without_the_release_stage_is_the_makers_preview(con: duckdb.DuckDBPyConnection) -> None:
    # Google sells Gemini 3 Pro only as `gemini-3-pro-preview` (Gemini API, Vertex AI); Arena's catalogue lists it
    # as `gemini-3-pro`, quoting Google's price beside its own name (a board: no maker's listing); Replicate
    # (LiteLLM) and Databricks (models.dev) sell `gemini-3-pro`. All one model: the preview.
    ingest(con, "arena_catalog", [ScoreRow("arena-catalog-text", "full", "gemini-3-pro", 1490.0),
                                  price("google", "gemini-3-pro", 2.0, 12.0)], datetime(2025, 12, 17))
    ingest(con, "litellm", [price("gemini", "gemini/gemini-3-pro-preview", 2.0, 12.0),
                            price("vertex_ai-language-models", "gemini-3-pro-preview", 2.0, 12.0),
                            price("replicate", "replicate/google/gemini-3-pro", 2.0, 12.0)], datetime(2026, 3, 3))
    ingest(con, "models_dev", [ModelRow("databricks-gemini-3-pro"), ModelRow("gemini-3-pro-preview")],
           datetime(2026, 3, 21))
    refresh_identity(con)
    for source, name in [("arena_catalog", "gemini-3-pro"), ("litellm", "replicate/google/gemini-3-pro"),
                         ("models_dev", "databricks-gemini-3-pro")]:
        assert current(con, source, name) == ("gemini-3-pro-preview", "release stage"), (source, name)
    assert current(con, "litellm", "gemini/gemini-3-pro-preview")[0] == "gemini-3-pro-preview"


def test_a_dated_preview_is_the_release_stages_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    # LiveBench dates the preview (`gemini-3-pro-preview-11-2025`); the price lists do not: one model, and Arena's
    # `gemini-3-pro` is it too, through the preview's undated name.
    ingest(con, "livebench", [ScoreRow("livebench-2025-11-25", "global_average", "gemini-3-pro-preview-11-2025-high",
                                       75.0, "score")], datetime(2025, 11, 25))
    ingest(con, "genai_prices", [price("google", "gemini-3-pro-preview", 2.0, 12.0)], datetime(2025, 11, 20))
    ingest(con, "litellm", [price("gemini", "gemini/gemini-3-pro-preview", 2.0, 12.0)], datetime(2025, 11, 20))
    ingest(con, "arena_catalog", [ScoreRow("arena-catalog-text", "full", "gemini-3-pro", 1490.0)],
           datetime(2025, 12, 17))
    refresh_identity(con)
    models = {current(con, s, n)[0] for s, n in [("livebench", "gemini-3-pro-preview-11-2025-high"),
                                                 ("genai_prices", "gemini-3-pro-preview"),
                                                 ("arena_catalog", "gemini-3-pro")]}
    assert models == {"gemini-3-pro-preview-2025-11"}


def test_once_the_maker_sells_the_release_the_name_is_the_release(con: duckdb.DuckDBPyConnection) -> None:
    # genai-prices (2026-07-25) lists Google's `gemini-3.1-flash-lite` beside LiteLLM's earlier
    # `gemini-3.1-flash-lite-preview`: the release is a model of its own, and a board's name without the stage is it.
    ingest(con, "litellm", [price("gemini", "gemini/gemini-3.1-flash-lite-preview", 0.25, 1.5)], datetime(2026, 3, 3))
    ingest(con, "genai_prices", [price("google", "gemini-3.1-flash-lite-preview", 0.25, 1.5),
                                 price("google", "gemini-3.1-flash-lite", 0.25, 1.5)], datetime(2026, 7, 25))
    ingest(con, "arena_catalog", [ScoreRow("arena-catalog-text", "full", "gemini-3.1-flash-lite", 1400.0)],
           datetime(2026, 7, 30))
    refresh_identity(con)
    assert current(con, "arena_catalog", "gemini-3.1-flash-lite")[0] == "gemini-3.1-flash-lite"
    assert current(con, "litellm", "gemini/gemini-3.1-flash-lite-preview")[0] == "gemini-3.1-flash-lite-preview"
