"""A model's two prices: the list price from its maker's own API and the market price from hosts of the same
weights; resellers and grey markets are never either, and models that are not token models stay out of every
per-token table."""

from __future__ import annotations

import shutil
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

from collectors import registry
from collectors.pricing import models_dev, openrouter
from gapwatch.settings import Settings
from jobs.backfill.backfill import backfill, dir_versions, snapshots
from jobs.backfill.dated_files import dated_files
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes, realdata
from warehouse import db
from warehouse.model_price import price_of_models

PER_TOKEN = ("v_price_blended", "v_model_listings", "v_model_price", "v_price_of_model")


def ingest(pipe: Pipeline, source, name: str, at: datetime) -> None:
    body = fixture_bytes(source.id, name)
    outcome = pipe.ingest_documents(source, [Document(name, body, sha256(body).hexdigest())], at)
    assert outcome.status == "ok", outcome.error


def model_of(con: duckdb.DuckDBPyConnection, source: str, name: str) -> str:
    [(model_id,)] = con.execute("SELECT model_id FROM v_model_names WHERE source = ? AND source_model = ?",
                                [source, name]).fetchall()
    assert model_id is not None, f"{source} {name} is not matched to a model"
    return model_id


@pytest.mark.parametrize(("model_id", "organization", "maker"), [
    # the sources' own spellings of a maker the roles file lists (`google-deepmind`, `zai`, `deepseek-ai`)
    ("gemini-3-pro-preview-2025-11", "Google DeepMind", "google"),
    ("glm-5", "Z.AI", "zhipu"),
    ("deepseek-llm-67b-instruct", "DeepSeek AI", "deepseek"),
    # an organisation that names no maker (SWE-bench's agent teams): the id's prefix says
    ("gpt-4o-2024-08-06", "GUIRepair", "openai"),
    ("deepseek-chat", "Moatless Tools", "deepseek"),
    # no organisation: the prefix; an organisation the file knows wins over the prefix
    ("claude-opus-4-5-2025-11-01", None, "anthropic"),
    ("qwen-3-235b-a22b", "Alibaba", "alibaba"),
    # neither: no maker, so no listing of it is a list price
    ("phi-4", "Microsoft", None),
])
def test_a_models_maker_from_its_organisation_or_its_id(tmp_path: Path, model_id: str, organization: str | None,
                                                        maker: str | None) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    try:
        con.execute("INSERT INTO model (model_id, organization, openness) VALUES (?, ?, 'closed')",
                    [model_id, organization])
        found = con.execute("SELECT maker FROM v_model_maker WHERE model_id = ?", [model_id]).fetchall()
        assert found == ([(maker,)] if maker else [])
    finally:
        con.close()


def test_list_and_market_prices_from_recorded_documents(settings: Settings) -> None:
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        ingest(pipe, models_dev.SOURCE, "api_2026-03-21.json", datetime(2026, 3, 21, 12))
        ingest(pipe, openrouter.SOURCE, "models_2026-05-15.json", datetime(2026, 5, 15, 12))
        con = pipe.con
        chat = model_of(con, "models_dev", "deepseek-chat")
        llama = model_of(con, "models_dev", "llama-3.3-70b-versatile")
        prices = {(m, k): (p, i, o) for m, k, p, i, o in con.execute(
            "SELECT model_id, kind, provider, input_per_mtok, output_per_mtok FROM v_model_price "
            "WHERE tier = 'standard'").fetchall()}
        assert prices[(chat, "list")] == ("deepseek", 0.28, 0.42)  # DeepSeek's own API, not OpenRouter's
        assert prices[(llama, "market")][0] == "groq"  # a host of the open weights, named
        assert (llama, "list") not in prices  # Meta sells no API here: no list price
        # OpenRouter resells every model it lists: never a list or a market price.
        assert not [k for k, v in prices.items() if v[0] == "openrouter"]
        roles = dict(con.execute("SELECT DISTINCT source, role FROM v_model_listings WHERE source = 'openrouter'"
                                 ).fetchall())
        assert roles == {"openrouter": "reseller"}
        paid = price_of_models(con, [chat, llama])
        assert paid.select("model_id", "kind").rows() == sorted([(chat, "list"), (llama, "market")])


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real price source backfilled from the realdata staging set (copies in a temp dir)."""
    files = {"litellm": ("litellm/*.json", "litellm_mirror_rocry/*.json"), "models_dev": ("models.dev/tree_*",),
             "genai_prices": ("genai-prices/data_*.json",), "openrouter": ("openrouter/modelsdev_api-v1-*.json",)}
    root = realdata()
    base = tmp_path_factory.mktemp("realdata-prices")
    settings = Settings(_env_file=None, data_dir=base / "data")
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for source_id, patterns in files.items():
            folder = base / source_id
            folder.mkdir()
            for pattern in patterns:
                for path in root.glob(pattern):
                    shutil.copy(path, folder)
            source = registry.get(source_id)
            found, _ = dated_files(folder)
            backfill(pipe, source, snapshots(source, dir_versions(found, source.tree)))
    return settings.warehouse_file


# The makers' own price pages (standard tier, USD per 1M input / output tokens, prompts up to 200k tokens):
# anthropic.com/pricing (Claude Opus 4.5), openai.com/api/pricing (GPT-4o), ai.google.dev/pricing
# (Gemini 2.5 Pro; $2.50/$15 above 200k), as the real files quote the maker as provider.
MAKERS_PAGES = {("genai_prices", "claude-opus-4-5"): ("anthropic", {"standard": (5.0, 25.0)}),
                ("litellm", "gpt-4o"): ("openai", {"standard": (2.5, 10.0)}),
                ("genai_prices", "gemini-2.5-pro"): ("google", {"standard": (1.25, 10.0), "above_200k": (2.5, 15.0)})}


@pytest.mark.realdata
def test_real_list_prices_equal_the_makers_pages(real_warehouse: Path) -> None:
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        for (source, name), (maker, tiers) in MAKERS_PAGES.items():
            model_id = model_of(con, source, name)
            for tier, page in tiers.items():
                found = con.execute("SELECT provider, input_per_mtok, output_per_mtok FROM v_model_price "
                                    "WHERE model_id = ? AND kind = 'list' AND tier = ?", [model_id, tier]).fetchall()
                assert found == [(maker, *page)], f"{name} [{tier}]"


@pytest.mark.realdata
def test_no_real_closed_models_list_price_comes_from_a_reseller(real_warehouse: Path) -> None:
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        listed = con.execute("SELECT count(*) FROM v_model_price p JOIN v_model_openness o USING (model_id) "
                             "WHERE p.kind = 'list' AND o.openness = 'closed'").fetchall()[0][0]
        assert listed > 50
        foreign = con.execute(
            "SELECT p.model_id, p.provider, p.source FROM v_model_price p WHERE p.kind = 'list' AND ("
            "  p.source IN (SELECT source FROM source_info WHERE reseller) "
            "  OR p.provider IN (SELECT provider FROM price_provider_role WHERE role = 'reseller') "
            "  OR NOT EXISTS (SELECT 1 FROM v_model_maker m JOIN price_maker_provider k USING (maker) "
            "                 WHERE m.model_id = p.model_id AND k.provider = p.provider))").fetchall()
        assert foreign == []


@pytest.mark.realdata
def test_no_real_image_model_in_a_per_token_table(real_warehouse: Path) -> None:
    media = "(image|dall-e|imagen|flux|whisper|-tts|sora)"
    with duckdb.connect(str(real_warehouse), read_only=True) as con:
        for view in PER_TOKEN:
            found = con.execute(f"SELECT DISTINCT model_id FROM {view} WHERE regexp_matches(model_id, ?)",
                                [media]).fetchall()
            assert found == [], view
        kept = {m for (m,) in con.execute("SELECT DISTINCT model_id FROM v_prices_non_token").fetchall()}
        assert {"gpt-image-1", "gemini-2.5-flash-image"} <= kept  # kept apart, not dropped
