"""Openness of models no collected file gives a licence for: the makers' closed families and a leaderboard's
missing open-weights mark (weak evidence that any licence or weights evidence overrides), and experimental
checkpoints that a licence column calls open although their weights were never published."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.rows import ModelRow, ScoreRow
from tests.warehouse.identity.test_identity import ingest, price, score
from warehouse import db
from warehouse.identity import refresh_identity
from warehouse.identity.families import _parse, load_families

T = datetime(2026, 7, 1)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = db.connect(tmp_path / "w.duckdb")
    yield c
    c.close()


def openness(con: duckdb.DuckDBPyConnection, source: str, name: str) -> str:
    return con.execute("SELECT openness FROM v_model_names WHERE source = ? AND source_model = ?",
                       [source, name]).fetchone()[0]


def evidence(con: duckdb.DuckDBPyConnection, model_id: str) -> list[tuple]:
    return con.execute("SELECT kind, openness, rank FROM openness_evidence WHERE model_id = ? ORDER BY rank, kind",
                       [model_id]).fetchall()


def test_a_closed_family_closes_models_no_file_gives_a_licence_for(con: duckdb.DuckDBPyConnection) -> None:
    # LiveBench's 2026 table: GPT-5.5 and Claude Opus 4.8 have no licence anywhere; gpt-oss is OpenAI's open family
    ingest(con, "livebench", [ScoreRow("livebench-2026-01-08", "global_average", name, 70.0, "score")
                              for name in ("gpt-5.5-xhigh", "claude-opus-4-8-xhigh-effort", "gpt-oss-120b")], T)
    ingest(con, "genai_prices", [price("openai", "gpt-5.5", 5.0, 40.0), price("openai", "gpt-oss-120b", 0.1, 0.5),
                                 price("anthropic", "claude-opus-4-8", 5.0, 25.0)], T)
    refresh_identity(con)
    assert openness(con, "livebench", "gpt-5.5-xhigh") == "closed"
    assert openness(con, "livebench", "claude-opus-4-8-xhigh-effort") == "closed"
    assert openness(con, "livebench", "gpt-oss-120b") == "unknown"
    url, rule = con.execute("SELECT value, rule FROM openness_evidence WHERE model_id = 'gpt-5.5' AND rank = 6"
                            ).fetchone()
    assert url == "https://platform.openai.com/docs/pricing" and "OpenAI publishes no weights" in rule


def test_a_closed_family_loses_to_any_licence(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # arena-catalog labels Qwen3-Max's preview "Apache 2.0": licence-column evidence beats the family list (the
    # shipped aliases file corrects this one by hand; an empty one shows the rule alone)
    aliases = tmp_path / "aliases.toml"
    aliases.write_text("", encoding="utf-8")
    ingest(con, "arena_catalog", [ModelRow("qwen3-max-preview", name="Qwen3-Max", organization="Alibaba",
                                           license="Apache 2.0")], datetime(2025, 12, 17))
    ingest(con, "lmarena", [score("qwen3-max-preview", 1420.0)], datetime(2025, 12, 17))
    refresh_identity(con, aliases)
    assert openness(con, "lmarena", "qwen3-max-preview") == "open-source"
    assert ("maker: no weights for the family", "closed", 6) in evidence(con, "qwen-3-max-preview")
    # weak evidence is no conflict with a licence
    assert con.execute("SELECT count(*) FROM v_openness_conflicts").fetchone()[0] == 0


def test_a_missing_open_weights_mark_on_livebench_is_weak_closed_evidence(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "livebench", [ModelRow("gpt-5.4", name="GPT-5.4", organization="OpenAI"),
                              ModelRow("glm-5.2", name="GLM 5.2", organization="Z.AI", open_weights=True),
                              # real LiveBench marks MiniMax M2; this entry is left unmarked to show the override
                              ModelRow("minimax-m2", name="Minimax M2", organization="Minimax")], T)
    ingest(con, "openrouter", [ModelRow("minimax/minimax-m2", hugging_face_id="MiniMaxAI/MiniMax-M2",
                                        open_weights=True)], T)
    refresh_identity(con)
    assert evidence(con, "gpt-5.4") == [("maker: no weights for the family", "closed", 6),
                                        ("no open-weights mark", "closed", 6)]
    assert openness(con, "livebench", "gpt-5.4") == "closed"
    assert openness(con, "livebench", "glm-5.2") == "open-weights-restricted"  # its mark: weights, licence unstated
    # a model LiveBench forgot to mark, with published weights elsewhere: the weights evidence decides
    assert openness(con, "livebench", "minimax-m2") == "open-weights-restricted"


def test_an_experimental_checkpoint_is_open_only_with_its_own_weights(con: duckdb.DuckDBPyConnection) -> None:
    ingest(con, "arena_catalog", [
        ModelRow("llama-4-maverick-03-26-experimental", name="Llama-4-Maverick", organization="Meta", license="Llama"),
        ModelRow("deepseek-v3.2-exp", name="DeepSeek-V3.2-Exp", organization="DeepSeek", license="MIT"),
    ], datetime(2025, 12, 17))
    ingest(con, "lmarena", [score("Llama-4-Maverick-03-26-Experimental", 1417.0, None, "Meta")], datetime(2025, 7, 18))
    ingest(con, "openrouter", [ModelRow("deepseek/deepseek-v3.2-exp", hugging_face_id="deepseek-ai/DeepSeek-V3.2-Exp",
                                        open_weights=True)], datetime(2025, 12, 17))
    refresh_identity(con)
    assert openness(con, "lmarena", "Llama-4-Maverick-03-26-Experimental") == "closed"
    kind, cls, rule = con.execute("SELECT kind, openness, rule FROM openness_evidence WHERE "
                                  "source_model = 'llama-4-maverick-03-26-experimental'").fetchone()
    assert (kind, cls) == ("leaderboard licence of an unreleased checkpoint", "closed") and "Llama" in rule
    # DeepSeek published V3.2-Exp's weights: the licence column stands
    assert openness(con, "arena_catalog", "deepseek-v3.2-exp") == "open-source"


def test_the_family_file_is_checked(tmp_path: Path) -> None:
    assert len(load_families().entries) >= 5
    bad = tmp_path / "families.toml"
    for body, message in [
        ('[[family]]\nmaker = "X"\npattern = "^x("\nurl = "https://x.example/models"\ndate = 2025-01-01\n',
         "pattern is not a regular expression"),
        ('[[family]]\nmaker = "X"\npattern = "^x"\nurl = "http://x.example"\ndate = 2025-01-01\n', "https"),
        ('[[family]]\nmaker = "X"\npattern = "^x"\nurl = "https://x.example/models"\n', "needs date"),
    ]:
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=message) as raised:
            _parse(bad, bad.read_bytes())
        assert str(bad) in str(raised.value)


def test_a_new_name_of_a_closed_family_is_decided_on_the_ingest_that_brings_it(
        con: duckdb.DuckDBPyConnection) -> None:
    # A name only one source lists matches no model, so the matching script could be skipped for it; its maker's
    # family still gives it evidence, on the same ingest (as a whole-batch refresh would).
    ingest(con, "litellm", [price("openai", "gpt-4o-2024-08-06", 2.5, 10.0)], datetime(2025, 6, 1))
    refresh_identity(con)
    ingest(con, "litellm", [price("openai", "gpt-4o-2024-08-06", 2.5, 10.0),
                            price("anthropic", "claude-sonnet-4-20250514", 3.0, 15.0)], datetime(2025, 6, 28))
    refresh_identity(con, evidence_changed=False, candidates={("litellm", "claude-sonnet-4-20250514")})
    assert openness(con, "litellm", "claude-sonnet-4-20250514") == "closed"
