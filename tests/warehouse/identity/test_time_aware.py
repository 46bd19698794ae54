"""Time-aware aliases, variants and vendor spellings: an undated name is the snapshot in force at each time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.rows import ModelRow, PriceRow, ScoreRow
from tests.warehouse.identity.test_identity import ingest
from warehouse import db
from warehouse.identity import normalise, refresh_identity

# Vendor spellings: (name as the host or board writes it, the key of the model it serves, the variant recorded)
VENDOR_SPELLINGS = [
    ("vertex_ai/claude-3-5-sonnet-v2@20241022", "claude-3.5-sonnet-2024-10-22", None),           # Vertex
    ("vertex_ai/meta/llama-3.1-405b-instruct-maas", "llama-3.1-405b-instruct", "maas"),
    ("bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3.5-haiku-2024-10-22", None),  # Bedrock
    ("bedrock/us-east-1/mistral.mixtral-8x7b-instruct-v0:1", "mixtral-8x7b-instruct-v0.1", None),
    ("meta.llama2-70b-chat-v1", "llama-2-70b-instruct", None),
    ("azure_ai/Meta-Llama-3.1-405B-Instruct", "llama-3.1-405b-instruct", None),                   # Azure
    ("azure/gpt-4.1-2025-04-14", "gpt-4.1-2025-04-14", None),
    ("together_ai/meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", "llama-3.1-405b-instruct", "turbo"),  # Together
    ("together_ai/deepseek-ai/DeepSeek-V3-tput", "deepseek-v3", "tput"),
    ("cloudflare/@cf/meta/llama-3.3-70b-instruct-fp8-fast", "llama-3.3-70b-instruct", "fp8+fast"),
    ("together_ai/meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick-17b-128e-instruct",
     "fp8"),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct", "llama-3.1-405b-instruct", None),
    ("fireworks_ai/accounts/fireworks/models/qwen2p5-72b-instruct", "qwen-2.5-72b-instruct", None),
    ("groq/llama-3.3-70b-versatile", "llama-3.3-70b-instruct", "versatile"),                     # Groq
    ("groq/llama-3.1-8b-instant", "llama-3.1-8b-instruct", "instant"),
    ("groq/llama3-70b-8192", "llama-3-70b-instruct", "8192"),
    ("groq/qwen-qwq-32b", "qwq-32b", None),
    ("mistral/open-mixtral-8x22b", "mixtral-8x22b-instruct", None),                              # Mistral API
    ("Amazon Nova Pro 1.0", "nova-pro", None),                                                    # Amazon
    ("amazon-nova-pro-v1.0", "nova-pro", None),
    ("amazon.nova-pro-v1:0", "nova-pro", None),
    ("Command R+ (08-24)", "command-r-plus-2024-08", None),                                       # Cohere
    ("command-r-plus-08-2024", "command-r-plus-2024-08", None),
    ("qwen-max-2025-01-25", "qwen-max-2025-01-25", None),                                         # Qwen API
    ("Qwen2.5-Max", "qwen-2.5-max", None),  # the aliases file maps this key to qwen-max-2025-01-25
    ("claude-4-sonnet-20250514", "claude-sonnet-4-2025-05-14", None),                             # old order
    ("mistralai/Mistral-Large-Instruct-2411", "mistral-large-2411", None),
]

# Reasoning effort and mode: one model, the setting as the variant.
EFFORT = [
    ("o3-mini-high", "o3-mini", "high"),
    ("o3-2025-04-16-medium", "o3-2025-04-16", "medium"),
    ("gpt-5 (xhigh)", "gpt-5", "xhigh"),
    ("claude-4-sonnet-20250514-thinking-64k", "claude-sonnet-4-2025-05-14", "thinking-64k"),
    ("claude-sonnet-4-6-thinking-auto-high-effort", "claude-sonnet-4.6", "thinking-auto-high-effort"),
    ("DeepSeek-V3.2-Exp (Reasoner)", "deepseek-v3.2-exp", "reasoner"),
    ("Claude Sonnet 4 (thinking-32k)", "claude-sonnet-4", "thinking-32k"),
    ("gemini-2.5-flash-lite-highthinking", "gemini-2.5-flash-lite", "highthinking"),
    ("grok-4-fast-non-reasoning", "grok-4-fast", "non-reasoning"),
]


@pytest.mark.parametrize(("name", "key", "variant"), VENDOR_SPELLINGS + EFFORT)
def test_vendor_spellings_and_variants(name: str, key: str, variant: str | None) -> None:
    found = normalise(name)
    assert (found.key, found.variant) == (key, variant)


@pytest.mark.parametrize(("a", "b"), [
    ("mistralai/Mixtral-8x7B-v0.1", "Mixtral-8x7B-Instruct-v0.1"),  # base vs instruct
    ("Qwen/Qwen2-72B", "Qwen2-72B-Instruct"),
    ("gemini-2.5-flash", "gemini-2.5-flash-lite"),                  # tiers
    ("o3-mini-high", "o3"),                                         # effort strips, the tier stays
    ("kimi-k2-thinking", "kimi-k2"),                                # a bare -thinking is a name, not a setting
    ("Qwen3-235B-A22B-Instruct-2507", "Qwen3-235B-A22B-Thinking-2507"),
    ("x-ai/grok-4-fast", "x-ai/grok-4"),                            # `fast` is a tier, not a serving
    ("microsoft/Phi-4-reasoning", "microsoft/phi-4"),
])
def test_checkpoints_stay_apart(a: str, b: str) -> None:
    assert normalise(a).key != normalise(b).key


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = db.connect(tmp_path / "w.duckdb")
    yield c
    c.close()


def intervals(con: duckdb.DuckDBPyConnection, source: str, name: str) -> list[tuple]:
    return con.execute("SELECT model_id, valid_from, valid_to, method FROM v_model_names_history "
                       "WHERE source = ? AND source_model = ? ORDER BY valid_from NULLS FIRST",
                       [source, name]).fetchall()


def test_an_undated_name_is_the_snapshot_in_force_at_each_time(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "Claude 3.5 Sonnet (20240620)", 1270.0)],
           datetime(2024, 6, 25))
    ingest(con, "litellm", [PriceRow("anthropic", "claude-3-5-sonnet-20240620", 3.0, 15.0)], datetime(2024, 6, 21))
    ingest(con, "litellm", [PriceRow("anthropic", "claude-3-5-sonnet-20240620", 3.0, 15.0),
                            PriceRow("anthropic", "claude-3-5-sonnet-20241022", 3.0, 15.0),
                            PriceRow("anthropic", "claude-3-5-sonnet-latest", 3.0, 15.0)], datetime(2024, 10, 23))
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "Claude 3.5 Sonnet (20240620)", 1270.0),
                            ScoreRow("lmarena-text", "overall", "Claude 3.5 Sonnet (20241022)", 1283.0)],
           datetime(2024, 11, 1))
    refresh_identity(con)
    assert intervals(con, "litellm", "claude-3-5-sonnet-latest") == [
        ("claude-3.5-sonnet-2024-06-20", None, datetime(2024, 10, 22), "snapshot in force"),
        ("claude-3.5-sonnet-2024-10-22", datetime(2024, 10, 22), None, "snapshot in force"),
    ]
    # the current alias is the snapshot in force now, and v_model_names (what transforms join) says so
    assert con.execute("SELECT model_id, variant FROM v_model_names WHERE source_model = 'claude-3-5-sonnet-latest'"
                       ).fetchone() == ("claude-3.5-sonnet-2024-10-22", None)
    # a price joins the alias in force at its own time
    joined = con.execute("""
        SELECT p.valid_from, h.model_id FROM price p JOIN v_model_names_history h
          ON h.source = p.source AND h.source_model = p.model
         AND p.valid_from >= coalesce(h.valid_from, '-infinity'::TIMESTAMP)
         AND p.valid_from < coalesce(h.valid_to, 'infinity'::TIMESTAMP)
        WHERE p.model = 'claude-3-5-sonnet-latest'""").fetchall()
    assert joined == [(datetime(2024, 10, 23), "claude-3.5-sonnet-2024-10-22")]
    low = con.execute("SELECT source_model FROM v_low_confidence_aliases").fetchall()
    assert ("claude-3-5-sonnet-latest",) in low


def test_a_name_with_one_snapshot_resolves_to_it(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "openrouter", [ModelRow("openai/o3"), PriceRow("openai", "openai/o3", 2.0, 8.0)],
           datetime(2025, 6, 1))
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "o3-2025-04-16", 1450.0)], datetime(2025, 6, 1))
    ingest(con, "litellm", [PriceRow("openai", "o3-2025-04-16", 2.0, 8.0)], datetime(2025, 6, 1))
    refresh_identity(con)
    assert intervals(con, "openrouter", "openai/o3") == [("o3-2025-04-16", None, None, "snapshot")]


def test_weights_under_the_undated_name_keep_it_a_checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "openrouter", [ModelRow("deepseek/deepseek-chat", hugging_face_id="deepseek-ai/DeepSeek-V3"),
                               ModelRow("deepseek/deepseek-chat-v3-0324",
                                        hugging_face_id="deepseek-ai/DeepSeek-V3-0324")], datetime(2025, 4, 1))
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "DeepSeek-V3", 1300.0),
                            ScoreRow("lmarena-text", "overall", "DeepSeek-V3-0324", 1370.0)], datetime(2025, 4, 1))
    refresh_identity(con)
    assert intervals(con, "lmarena", "DeepSeek-V3") == [("deepseek-v3", None, None, "normalised")]


def test_declared_aliases_move_with_time(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest(con, "litellm", [PriceRow("openai", "gpt-4o", 5.0, 15.0),
                            PriceRow("openai", "gpt-4o-2024-05-13", 5.0, 15.0),
                            PriceRow("openai", "gpt-4o-2024-08-06", 2.5, 10.0)], datetime(2024, 9, 1))
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[alias]]\nkey = "gpt-4o"\nmodel = "gpt-4o-2024-05-13"\n'
                       '[[alias]]\nkey = "gpt-4o"\nmodel = "gpt-4o-2024-08-06"\nvalid_from = 2024-10-02\n',
                       encoding="utf-8")
    refresh_identity(con, aliases)
    assert intervals(con, "litellm", "gpt-4o") == [
        ("gpt-4o-2024-05-13", None, datetime(2024, 10, 2), "manual"),
        ("gpt-4o-2024-08-06", datetime(2024, 10, 2), None, "manual"),
    ]


def test_effort_variants_share_one_model_and_its_openness(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "aider", [ScoreRow("aider-polyglot", "overall", "DeepSeek-V3.2-Exp (Reasoner)", 74.2, "pass_rate"),
                          ScoreRow("aider-polyglot", "overall", "DeepSeek-V3.2-Exp (Chat)", 70.2, "pass_rate")],
           datetime(2025, 10, 4))
    ingest(con, "openrouter", [ModelRow("deepseek/deepseek-v3.2-exp", hugging_face_id="deepseek-ai/DeepSeek-V3.2-Exp")],
           datetime(2025, 10, 4))
    ingest(con, "hf_hub", [ModelRow("deepseek-ai/DeepSeek-V3.2-Exp", hugging_face_id="deepseek-ai/DeepSeek-V3.2-Exp",
                                    open_weights=True, license="mit")], datetime(2025, 10, 4))
    refresh_identity(con)
    rows = con.execute("SELECT source_model, model_id, variant, openness FROM v_model_names WHERE source = 'aider' "
                       "ORDER BY 1").fetchall()
    assert rows == [("DeepSeek-V3.2-Exp (Chat)", "deepseek-v3.2-exp", "chat", "open-source"),
                    ("DeepSeek-V3.2-Exp (Reasoner)", "deepseek-v3.2-exp", "reasoner", "open-source")]


def test_a_board_name_is_the_snapshot_in_force_when_the_board_listed_it(con: duckdb.DuckDBPyConnection) -> None:
    # Arena listed `Command R+` in spring 2024: the 04-2024 model, though the API name later moved to 08-2024.
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "Command R+", 1190.0),
                            ScoreRow("lmarena-text", "overall", "Command R+ (04-2024)", 1190.0)], datetime(2024, 6, 1))
    ingest(con, "litellm", [PriceRow("cohere", "command-r-plus", 3.0, 15.0),
                            PriceRow("cohere", "command-r-plus-04-2024", 3.0, 15.0)], datetime(2024, 6, 1))
    ingest(con, "lmarena", [ScoreRow("lmarena-text", "overall", "Command R+", 1190.0),
                            ScoreRow("lmarena-text", "overall", "Command R+ (04-2024)", 1190.0),
                            ScoreRow("lmarena-text", "overall", "Command R+ (08-2024)", 1200.0)], datetime(2024, 9, 1))
    ingest(con, "litellm", [PriceRow("cohere", "command-r-plus", 2.5, 10.0),
                            PriceRow("cohere", "command-r-plus-04-2024", 3.0, 15.0),
                            PriceRow("cohere", "command-r-plus-08-2024", 2.5, 10.0)], datetime(2024, 9, 1))
    refresh_identity(con)
    assert intervals(con, "lmarena", "Command R+") == [("command-r-plus-2024-04", None, None, "snapshot")]
    assert intervals(con, "litellm", "command-r-plus") == [
        ("command-r-plus-2024-04", None, datetime(2024, 8, 1), "snapshot in force"),
        ("command-r-plus-2024-08", datetime(2024, 8, 1), None, "snapshot in force"),
    ]


def test_a_board_name_takes_the_declared_snapshot_of_its_first_listing(con: duckdb.DuckDBPyConnection,
                                                                       tmp_path: Path) -> None:
    ingest(con, "aider", [ScoreRow("aider-edit", "overall", "gpt-4o", 72.9, "pass_rate")], datetime(2024, 5, 15))
    ingest(con, "litellm", [PriceRow("openai", "gpt-4o", 5.0, 15.0)], datetime(2024, 5, 15))
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[alias]]\nkey = "gpt-4o"\nmodel = "gpt-4o-2024-05-13"\n'
                       '[[alias]]\nkey = "gpt-4o"\nmodel = "gpt-4o-2024-08-06"\nvalid_from = 2024-10-02\n',
                       encoding="utf-8")
    refresh_identity(con, aliases)
    assert intervals(con, "aider", "gpt-4o") == [("gpt-4o-2024-05-13", None, None, "manual")]
    assert [m for m, *_ in intervals(con, "litellm", "gpt-4o")] == ["gpt-4o-2024-05-13", "gpt-4o-2024-08-06"]
