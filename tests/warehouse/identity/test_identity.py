"""Alias resolution: tricky real names from every kind of source land on the right canonical model, and
names that differ in size, version or variant never merge."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.rows import ModelRow, PriceRow, ScoreRow
from warehouse import db, history
from warehouse.facts import table_for
from warehouse.identity import load_overrides, names_added, normalise, refresh_identity, touches_identity

T1 = datetime(2025, 1, 10, 12)

# (name as a source writes it, canonical key)
SAME_MODEL = [
    ("GPT-4o (2024-08-06)", "gpt-4o-2024-08-06"),
    ("openai/gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
    ("GPT-4o-2024-08-06", "gpt-4o-2024-08-06"),
    ("azure/gpt-4o", "gpt-4o"),
    ("gpt-4o", "gpt-4o"),
    ("openrouter/openai/gpt-4o", "gpt-4o"),
    ("bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3.5-sonnet-2024-06-20"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "claude-3.5-sonnet-2024-06-20"),
    ("Claude 3.5 Sonnet (20240620)", "claude-3.5-sonnet-2024-06-20"),
    ("anthropic/claude-3.5-sonnet", "claude-3.5-sonnet"),
    ("claude-3-5-sonnet-latest", "claude-3.5-sonnet"),
    ("Meta-Llama-3.1-405B-Instruct-fp8", "llama-3.1-405b-instruct"),
    ("Meta-Llama-3.1-405b-Instruct-bf16", "llama-3.1-405b-instruct"),
    ("meta-llama/llama-3.1-405b-instruct", "llama-3.1-405b-instruct"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct", "llama-3.1-405b-instruct"),
    ("meta.llama3-1-405b-instruct-v1:0", "llama-3.1-405b-instruct"),
    ("together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "llama-3.1-70b-instruct"),
    ("groq/llama-3.1-8b-instant", "llama-3.1-8b-instruct"),
    ("Gemma-2-9b-it", "gemma-2-9b-instruct"),
    ("google/gemma-2-9b-it:free", "gemma-2-9b-instruct"),
    ("Qwen2.5-72B-Instruct", "qwen-2.5-72b-instruct"),
    ("qwen/qwen-2.5-72b-instruct", "qwen-2.5-72b-instruct"),
    ("Llama-4-Maverick-17B-128E-Instruct", "llama-4-maverick-17b-128e-instruct"),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "llama-4-maverick-17b-128e-instruct"),
    ("Command R+ (04-2024)", "command-r-plus-2024-04"),
    ("cohere/command-r-plus-04-2024", "command-r-plus-2024-04"),
    ("ChatGPT-4o-latest (2025-03-26)", "chatgpt-4o-2025-03-26"),
    ("amazon.nova-pro-v1:0", "nova-pro"),
    ("amazon/nova-pro-v1", "nova-pro"),
    ("LiquidAI/LFM2.5-1.2B-Instruct", "lfm-2.5-1.2b-instruct"),
    ("liquid/lfm-2.5-1.2b-instruct:free", "lfm-2.5-1.2b-instruct"),
    ("Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b-instruct-v0.1"),
    ("o3 (high)", "o3"),
    ("gpt-4-turbo-2024-04-09 (diff)", "gpt-4-turbo-2024-04-09"),
    ("bedrock/us-east-1/moonshotai.kimi-k2-thinking", "kimi-k2-thinking"),
    ("deepseek.r1-v1:0", "deepseek-r1"),
    ("fireworks_ai/accounts/fireworks/models/qwen2p5-coder-1p5b", "qwen-2.5-coder-1.5b"),
]

# Pairs that must stay apart: sizes, versions, variants, dated snapshots, and products with similar names.
NEVER_MERGE = [
    ("Meta-Llama-3.1-70B-Instruct", "Meta-Llama-3.1-8B-Instruct"),
    ("Llama-3.1-70B-Instruct", "Llama-3.3-70B-Instruct"),
    ("gpt-4o", "gpt-4o-mini"),
    ("gpt-4o", "ChatGPT-4o-latest"),
    ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("Command R", "Command R+"),
    ("Command R+ (04-2024)", "Command R+ (08-2024)"),
    ("gpt-3.5-turbo", "gpt-3.5-turbo-instruct"),
    ("deepseek-chat", "deepseek-coder"),
    ("DeepSeek-V3", "DeepSeek-V3-0324"),
    ("Qwen2.5-72B-Instruct", "Qwen2-72B-Instruct"),
    ("Qwen3-235B-A22B", "Qwen3-30B-A3B"),
    ("Gemma-2-9b-it", "Gemma-2-27b-it"),
    ("Mistral-7B-Instruct-v0.1", "Mistral-7B-Instruct-v0.2"),
    ("o1", "o1-mini"),
    ("GPT-4-0613", "GPT-4-0314"),
    ("Grok-2-08-13", "Grok-2-Mini-08-13"),
    ("Phi-3-Mini-4k-Instruct", "Phi-3-Mini-128k-Instruct"),
    ("nvidia.nemotron-nano-9b-v2:0", "nvidia/nemotron-nano-9b"),
    ("google/gemma-2-9b", "Gemma-2-9B-it"),
    ("meta-llama/Meta-Llama-3-70B", "Llama-3-70B-Instruct"),
    ("Qwen/Qwen2-72B", "Qwen2-72B-Instruct"),
    ("mistralai/Mixtral-8x7B-v0.1", "Mixtral-8x7B-Instruct-v0.1"),
    ("01-ai/Yi-1.5-34B", "Yi-1.5-34B-Chat"),
    ("meta-llama/Llama-2-70b-hf", "Llama-2-70b-chat"),
    ("upstage/SOLAR-10.7B-v1.0", "SOLAR-10.7B-Instruct-v1.0"),
    ("gemini-2.0-flash-001", "gemini-2.0-flash-lite-001"),
    ("kimi-k2-thinking", "kimi-k2"),
]


@pytest.mark.parametrize(("name", "key"), SAME_MODEL)
def test_names_normalise_to_the_canonical_key(name: str, key: str) -> None:
    assert normalise(name).key == key


@pytest.mark.parametrize(("a", "b"), NEVER_MERGE)
def test_different_models_never_share_a_key(a: str, b: str) -> None:
    assert normalise(a).key != normalise(b).key


def test_family_version_and_method() -> None:
    dated = normalise("openai/gpt-4o-2024-08-06")
    assert (dated.family, dated.version, dated.org_hint, dated.method) == ("gpt-4o", "2024-08-06", "openai",
                                                                           "normalised")
    assert normalise("gpt-4o").method == "exact"
    assert normalise("gpt-4o").confidence == 1.0
    snapshot = normalise("GPT-4-0613")
    assert (snapshot.family, snapshot.version) == ("gpt-4", "0613")
    assert normalise("Meta-Llama-3.1-8B-Instruct").method == "rule"
    assert normalise("bedrock/us.anthropic.claude-3-haiku-20240307-v1:0").org_hint == "anthropic"


# -- resolution inside a real warehouse ------------------------------------------------------------------
@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = db.connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def ingest(con: duckdb.DuckDBPyConnection, source: str, rows: list, at: datetime = T1) -> None:
    """Write rows the way Pipeline does: one snapshot per fact table, through history.apply_snapshot."""
    by_table: dict[type, list] = {}
    for row in rows:
        by_table.setdefault(type(row), []).append((row, "sha-" + source))
    for row_type, items in by_table.items():
        history.apply_snapshot(con, table_for(row_type), source, items, at)


def diff_of(con: duckdb.DuckDBPyConnection, source: str, rows: list, at: datetime) -> history.Diff:
    """Write each row as its own one-row snapshot; return the combined diff, as the identity hook sees it."""
    out = history.Diff()
    for row in rows:
        out.extend(history.apply_snapshot(con, table_for(type(row)), source, [(row, "sha")], at))
    return out


def score(model: str, elo: float, licence: str | None = None, org: str | None = None) -> ScoreRow:
    return ScoreRow(board="lmarena-text", category="overall", model=model, score=elo, license=licence,
                    organization=org)


def price(provider: str, model: str, usd_in: float, usd_out: float) -> PriceRow:
    return PriceRow(provider=provider, model=model, input_per_mtok=usd_in, output_per_mtok=usd_out)


def alias_of(con: duckdb.DuckDBPyConnection, source: str, name: str) -> str | None:
    row = con.execute("SELECT model_id FROM v_model_names WHERE source = ? AND source_model = ?",
                      [source, name]).fetchone()
    assert row is not None, f"{source}/{name} missing from v_model_names"
    return row[0]


def seed_market(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "lmarena", [
        score("GPT-4o-2024-08-06", 1265, "Proprietary", "OpenAI"),
        score("GPT-4o-mini-2024-07-18", 1273, "Proprietary", "OpenAI"),
        score("Meta-Llama-3.1-405B-Instruct-bf16", 1266, "Llama 3.1 Community", "Meta"),
        score("Meta-Llama-3.1-405B-Instruct-fp8", 1267, "Llama 3.1 Community", "Meta"),
        score("Meta-Llama-3.1-70B-Instruct", 1248, "Llama 3.1 Community", "Meta"),
        score("Meta-Llama-3.1-8B-Instruct", 1176, "Llama 3.1 Community", "Meta"),
        score("Claude 3.5 Sonnet (20241022)", 1283, "Proprietary", "Anthropic"),
        score("Claude 3.5 Sonnet (20240620)", 1268, "Proprietary", "Anthropic"),
        score("Vicuna-13B", 1042, "Llama 2 Community", "LMSYS"),
    ])
    ingest(con, "litellm", [
        price("openai", "gpt-4o-2024-08-06", 2.5, 10.0),
        price("azure", "azure/gpt-4o-2024-08-06", 2.5, 10.0),
        price("openai", "gpt-4o-mini-2024-07-18", 0.15, 0.6),
        price("bedrock", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", 3.0, 15.0),
        price("anthropic", "claude-3-5-sonnet-20240620", 3.0, 15.0),
        price("groq", "groq/llama-3.1-8b-instant", 0.05, 0.08),
        price("groq", "groq/llama-3.1-70b-versatile", 0.59, 0.79),
        price("together_ai", "together_ai/some-org/private-finetune-7b", 0.2, 0.2),
    ])
    ingest(con, "openrouter", [
        ModelRow(model="meta-llama/llama-3.1-405b-instruct", hugging_face_id="meta-llama/Meta-Llama-3.1-405B-Instruct",
                 open_weights=True),
        ModelRow(model="mistralai/devstral-2512", hugging_face_id="mistralai/Devstral-2-123B-Instruct-2512",
                 open_weights=True),
        ModelRow(model="openai/gpt-4o-2024-08-06", organization="openai"),
    ])
    ingest(con, "hf_hub", [
        ModelRow(model="mistralai/Devstral-2-123B-Instruct-2512",
                 hugging_face_id="mistralai/Devstral-2-123B-Instruct-2512", open_weights=True, license="apache-2.0"),
    ])


def test_every_source_name_resolves_to_its_canonical_model(con: duckdb.DuckDBPyConnection) -> None:
    seed_market(con)
    refresh_identity(con)
    expected = {
        ("lmarena", "GPT-4o-2024-08-06"): "gpt-4o-2024-08-06",
        ("litellm", "gpt-4o-2024-08-06"): "gpt-4o-2024-08-06",
        ("litellm", "azure/gpt-4o-2024-08-06"): "gpt-4o-2024-08-06",
        ("openrouter", "openai/gpt-4o-2024-08-06"): "gpt-4o-2024-08-06",
        ("lmarena", "GPT-4o-mini-2024-07-18"): "gpt-4o-mini-2024-07-18",
        ("litellm", "gpt-4o-mini-2024-07-18"): "gpt-4o-mini-2024-07-18",
        ("lmarena", "Meta-Llama-3.1-405B-Instruct-bf16"): "llama-3.1-405b-instruct",
        ("lmarena", "Meta-Llama-3.1-405B-Instruct-fp8"): "llama-3.1-405b-instruct",
        ("openrouter", "meta-llama/llama-3.1-405b-instruct"): "llama-3.1-405b-instruct",
        ("lmarena", "Meta-Llama-3.1-8B-Instruct"): "llama-3.1-8b-instruct",
        ("litellm", "groq/llama-3.1-8b-instant"): "llama-3.1-8b-instruct",
        ("lmarena", "Meta-Llama-3.1-70B-Instruct"): "llama-3.1-70b-instruct",
        ("litellm", "groq/llama-3.1-70b-versatile"): "llama-3.1-70b-instruct",
        ("lmarena", "Claude 3.5 Sonnet (20241022)"): "claude-3.5-sonnet-2024-10-22",
        ("litellm", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0"): "claude-3.5-sonnet-2024-10-22",
        ("lmarena", "Claude 3.5 Sonnet (20240620)"): "claude-3.5-sonnet-2024-06-20",
        ("litellm", "claude-3-5-sonnet-20240620"): "claude-3.5-sonnet-2024-06-20",
        # OpenRouter's short slug joins the Hugging Face repo it links to
        ("openrouter", "mistralai/devstral-2512"): "devstral-2-123b-instruct-2512",
        ("hf_hub", "mistralai/Devstral-2-123B-Instruct-2512"): "devstral-2-123b-instruct-2512",
    }
    for (source, name), model_id in expected.items():
        assert alias_of(con, source, name) == model_id, (source, name)
    method = con.execute("SELECT method, confidence FROM model_alias WHERE source_model = 'mistralai/devstral-2512'"
                         ).fetchone()
    assert method == ("rule", 0.9)
    model = con.execute("SELECT organization, family, version, release_date FROM model "
                        "WHERE model_id = 'gpt-4o-2024-08-06'").fetchone()
    assert model == ("OpenAI", "gpt-4o", "2024-08-06", datetime(2024, 8, 6).date())


def test_names_matching_nothing_are_kept_and_listed(con: duckdb.DuckDBPyConnection) -> None:
    seed_market(con)
    refresh_identity(con)
    unmatched = con.execute("SELECT source, source_model, normalised, openness FROM v_unmatched_names "
                            "ORDER BY source, source_model").fetchall()
    assert unmatched == [
        ("litellm", "together_ai/some-org/private-finetune-7b", "private-finetune-7b", "unknown"),
        # Arena alone names Vicuna: unmatched, but its own licence evidence still classifies the name
        ("lmarena", "Vicuna-13B", "vicuna-13b", "open-weights-restricted"),
    ]
    share = dict(con.execute("SELECT source, unmatched_pct FROM v_unmatched_share").fetchall())
    assert share["lmarena"] == round(100 / 9, 1) and share["openrouter"] == 0.0


def test_manual_alias_wins_and_the_file_is_reread_when_it_changes(con: duckdb.DuckDBPyConnection,
                                                                   tmp_path: Path) -> None:
    seed_market(con)
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[alias]]\nname = "Vicuna-13B"\nmodel = "vicuna-13b-v1.5"\nnote = "LMSYS release"\n')
    refresh_identity(con, aliases)
    assert alias_of(con, "lmarena", "Vicuna-13B") == "vicuna-13b-v1.5"
    assert con.execute("SELECT method, confidence FROM model_alias WHERE source_model = 'Vicuna-13B'"
                       ).fetchone() == ("manual", 1.0)
    # a manual alias beats the automatic match of a name that resolves on its own
    aliases.write_text('[[alias]]\nsource = "litellm"\nname = "gpt-4o-mini-2024-07-18"\nmodel = "gpt-4o-mini"\n')
    refresh_identity(con, aliases)
    assert alias_of(con, "litellm", "gpt-4o-mini-2024-07-18") == "gpt-4o-mini"
    assert alias_of(con, "lmarena", "GPT-4o-mini-2024-07-18") == "gpt-4o-mini-2024-07-18"
    assert alias_of(con, "lmarena", "Vicuna-13B") is None  # the old entry is gone with the file's edit


def test_a_broken_aliases_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.toml"
    bad.write_text('[[alias]]\nname = "x"\n')
    with pytest.raises(ValueError, match=r"aliases.toml: \[\[alias\]\] #1 needs `model` and one of `name` or `key`"):
        load_overrides(bad)
    bad.write_text('[[model]]\nid = "x"\nopenness = "sort-of-open"\n')
    with pytest.raises(ValueError, match="openness 'sort-of-open' is not one of"):
        load_overrides(bad)
    bad.write_text("[[alias]\n")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_overrides(bad)


def test_refresh_is_incremental_and_a_second_source_matches_an_earlier_name(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "lmarena", [score("Qwen2.5-72B-Instruct", 1259, "Qwen", "Alibaba")])
    assert refresh_identity(con) == 1
    assert alias_of(con, "lmarena", "Qwen2.5-72B-Instruct") is None  # only one source names it so far
    assert refresh_identity(con) == 0  # nothing new: no name normalised again
    ingest(con, "litellm", [price("deepinfra", "deepinfra/Qwen/Qwen2.5-72B-Instruct", 0.23, 0.4)])
    assert refresh_identity(con) == 1
    assert alias_of(con, "lmarena", "Qwen2.5-72B-Instruct") == "qwen-2.5-72b-instruct"
    assert alias_of(con, "litellm", "deepinfra/Qwen/Qwen2.5-72B-Instruct") == "qwen-2.5-72b-instruct"


def test_refresh_of_thousands_of_names_is_fast(con: duckdb.DuckDBPyConnection) -> None:
    names = [f"vendor{i % 40}/model-{i // 40}.{i % 7}-{8 * (i % 9 + 1)}b-instruct" for i in range(4000)]
    ingest(con, "litellm", [price("x", n, 1.0, 2.0) for n in names])
    ingest(con, "lmarena", [score(n.split("/")[1], 1000 + i) for i, n in enumerate(names[:1000])])
    started = time.perf_counter()
    assert refresh_identity(con) == 5000
    first = time.perf_counter() - started
    ingest(con, "lmarena", [score("Brand-New-Model-7B", 999)], datetime(2025, 1, 11))
    started = time.perf_counter()
    assert refresh_identity(con) == 1
    again = time.perf_counter() - started
    assert con.execute("SELECT count(*) FROM model_alias WHERE source = 'lmarena'").fetchone()[0] == 1000
    # generous bounds for a shared 2-core machine; the measured figures are in the closing report
    assert first < 20 and again < 5, (first, again)


def test_only_evidence_changes_rerun_the_matching(con: duckdb.DuckDBPyConnection) -> None:
    """A new price or a new score of a known name changes nothing identity reads; a licence change does."""
    diff_of(con, "lmarena", [score("Gemma-2-9b-it", 1190, "Gemma license", "Google")], T1)
    diff_of(con, "litellm", [price("groq", "groq/gemma2-9b-it", 0.2, 0.2)], T1)
    t2, t3, t4 = (datetime(2025, 1, d) for d in (11, 12, 13))
    assert not touches_identity(diff_of(con, "litellm", [price("groq", "groq/gemma2-9b-it", 0.1, 0.1)], t2))
    assert not touches_identity(diff_of(con, "lmarena", [score("Gemma-2-9b-it", 1195, "Gemma license", "Google")], t3))
    assert touches_identity(diff_of(con, "lmarena", [score("Gemma-2-9b-it", 1195, "Apache-2.0", "Google")], t4))
    assert touches_identity(diff_of(con, "openrouter", [ModelRow(model="google/gemma-2-9b-it", open_weights=True)], t4))


def test_an_ingest_keys_only_the_names_its_diff_added(con: duckdb.DuckDBPyConnection) -> None:
    """The hook looks for new names in the diff, not in all history, and keys exactly what a full scan would."""
    ingest(con, "lmarena", [score("Qwen2.5-72B-Instruct", 1259, "Qwen", "Alibaba")])
    assert refresh_identity(con) == 1
    t2 = datetime(2025, 1, 11)
    moved = diff_of(con, "lmarena", [score("Qwen2.5-72B-Instruct", 1262, "Qwen", "Alibaba")], t2)
    assert names_added("lmarena", moved) == {("lmarena", "Qwen2.5-72B-Instruct")}
    assert refresh_identity(con, candidates=names_added("lmarena", moved)) == 0
    catalogue = diff_of(con, "openrouter", [ModelRow(model="qwen/qwen-2.5-72b-instruct",
                                                    hugging_face_id="Qwen/Qwen2.5-72B-Instruct")], t2)
    assert names_added("openrouter", catalogue) == {("openrouter", "qwen/qwen-2.5-72b-instruct"),
                                                    ("@hugging_face", "Qwen/Qwen2.5-72B-Instruct")}
    assert refresh_identity(con, candidates=names_added("openrouter", catalogue)) == 2
    assert refresh_identity(con) == 0  # the full scan finds nothing the diff missed
    matched = alias_of(con, "lmarena", "Qwen2.5-72B-Instruct")
    assert matched is not None and matched == alias_of(con, "openrouter", "qwen/qwen-2.5-72b-instruct")
    assert names_added("lmarena", None) is None  # no diff: look everywhere
