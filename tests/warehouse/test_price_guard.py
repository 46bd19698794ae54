"""The 100× unit mix-up guard, end to end: loopback HTTP → Pipeline → price history."""

from __future__ import annotations

import json
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from collectors.pricing import litellm
from gapwatch.rows import ParseResult, PriceRow
from gapwatch.settings import Settings
from jobs.pipeline import Document, Pipeline
from tests.collectors.pricing.serving import serve, settings_for
from tests.conftest import fixture_bytes, realdata
from warehouse import db
from warehouse.price_guard import comparison_name, listings

JUNE = fixture_bytes("litellm", "prices_2025-06-28.json")
T1, T2, T3 = datetime(2025, 6, 28, 12), datetime(2025, 7, 5, 12), datetime(2025, 7, 12, 12)


def scaled(models: list[str] | None, factor: float) -> bytes:
    """The June document with some (or all) token prices multiplied, like a per-100-tokens unit slip."""
    doc = json.loads(JUNE)
    for key, entry in doc.items():
        if not isinstance(entry, dict) or key == "sample_spec" or (models is not None and key not in models):
            continue
        for field in ("input_cost_per_token", "output_cost_per_token"):
            if isinstance(entry.get(field), int | float | str) and float(entry[field]):
                entry[field] = float(entry[field]) * factor
    return json.dumps(doc).encode()


def gpt4o(pipe: Pipeline) -> list[tuple]:
    return pipe.con.execute(
        "SELECT input_per_mtok, output_per_mtok, valid_from, valid_to FROM price "
        "WHERE source = 'litellm' AND model = 'gpt-4o' AND tier = 'standard' ORDER BY valid_from").fetchall()


def test_an_isolated_jump_keeps_the_previous_price_open(settings: Settings, origin: HTTPServer) -> None:
    doc = serve(origin, litellm.SOURCE, JUNE)
    with Pipeline(settings_for(settings, origin, litellm.SOURCE)) as pipe:
        assert pipe.collect(litellm.SOURCE, T1).status == "ok"
        body = json.loads(scaled(["gpt-4o"], 100))
        body["mistral/mistral-large-latest"]["input_cost_per_token"] = 1e-06  # a genuine cut in the same document
        doc.body = json.dumps(body).encode()
        outcome = pipe.collect(litellm.SOURCE, T2)
        assert outcome.status == "ok", outcome.error
        assert gpt4o(pipe) == [(2.5, 10.0, T1, None)]  # neither changed to 250 nor closed as removed
        assert not [c for c in outcome.diff.removed + outcome.diff.changed if c.key.get("model") == "gpt-4o"]
        large = pipe.con.execute(
            "SELECT input_per_mtok FROM v_prices_current WHERE model = 'mistral/mistral-large-latest'").fetchall()
        assert large == [(1.0,)]
        jumps = pipe.con.execute("SELECT model, tier, field, previous, found, action FROM v_price_jumps "
                                 "ORDER BY field").fetchall()
        assert jumps == [("gpt-4o", "standard", "input", 2.5, 250.0, "kept_previous"),
                         ("gpt-4o", "standard", "output", 10.0, 1000.0, "kept_previous")]
        # The next document repeats the value: the source means it, so it is taken then.
        doc.body = doc.body.replace(b'"max_tokens"', b'"max_tokens" ', 1)
        assert pipe.collect(litellm.SOURCE, T3).status == "ok"
        assert gpt4o(pipe) == [(2.5, 10.0, T1, T3), (250.0, 1000.0, T3, None)]


@pytest.mark.realdata
def test_real_litellm_history_ingests_without_rejections(settings: Settings) -> None:
    files = sorted(realdata("litellm").glob("*.json")) + sorted(realdata("litellm_mirror_rocry").glob("*.json"))
    with Pipeline(settings, publish_after_ingest=False) as pipe:
        for path in files:
            body = path.read_bytes()
            at = datetime.fromisoformat(path.name[:10])
            outcome = pipe.ingest_documents(litellm.SOURCE, [Document(path.name, body, sha256(body).hexdigest())], at)
            assert outcome.status == "ok", f"{path.name}: {outcome.error}"
        # LiteLLM's 2024-12-29 file made Gemini 1.5 Flash exp ÷107 for a while: held back, then confirmed.
        held = pipe.con.execute("SELECT DISTINCT model FROM price_jump WHERE action = 'kept_previous'").fetchall()
        assert ("gemini-1.5-flash-exp-0827",) in held


def test_many_jumps_reject_the_whole_document(settings: Settings, origin: HTTPServer) -> None:
    doc = serve(origin, litellm.SOURCE, JUNE)
    with Pipeline(settings_for(settings, origin, litellm.SOURCE)) as pipe:
        assert pipe.collect(litellm.SOURCE, T1).status == "ok"
        before = pipe.con.execute("SELECT * FROM price ORDER BY provider, model, tier").fetchall()
        doc.body = scaled(None, 100)
        outcome = pipe.collect(litellm.SOURCE, T2)
        assert outcome.status == "rejected"
        assert "models jumped ≥100×" in outcome.error and "unit mix-up" in outcome.error
        assert "document quarantined, history unchanged" in outcome.error
        assert pipe.con.execute("SELECT * FROM price ORDER BY provider, model, tier").fetchall() == before
        run = pipe.con.execute("SELECT status, error FROM collection_run ORDER BY run_id DESC LIMIT 1").fetchone()
        assert run[0] == "rejected" and "jumped" in run[1]
        actions = pipe.con.execute("SELECT DISTINCT action FROM price_jump").fetchall()
        assert actions == [("rejected_document",)]


def test_the_listings_read_are_every_one_a_row_of_the_document_is_compared_with(tmp_path: Path) -> None:
    """The guard reads only the other sources' listings named as the document's rows are (the database names
    printable ASCII names, Python every other): the same witnesses as reading every listing alive then."""
    con = db.connect(tmp_path / "w.duckdb")
    names = ["openai/GPT-4o-2024-08-06", "gpt-4o-latest", "azure/gpt-4o-20240513", "gpt-4o-mini", "Gpt-4o-Latest\n",
             "gpt-4ö", "GPT-4Ö-latest", "İgpt-4o", "mistral-large-2407", "claude"]
    con.executemany("INSERT INTO price (source, provider, model, tier, input_per_mtok, output_per_mtok, currency, "
                    "valid_from) VALUES ('other', 'p', ?, 'standard', 1.0, 2.0, 'USD', ?)",
                    [[n, datetime(2025, 1, 1)] for n in names])
    at = datetime(2025, 6, 1)
    parsed = ParseResult([PriceRow("openai", m, 1.0, 2.0) for m in ("gpt-4o", "gpt-4ö", "mistral-large", "i̇gpt-4o")])
    wanted = {(comparison_name(r.model), r.tier) for r in parsed.rows}
    found = {k: {key: v for key, v in by.items() if key[0] == "other"} for k, by in listings(con, "litellm", parsed,
                                                                                             at).items()}
    every = {}
    for name in names:
        every.setdefault((comparison_name(name), "standard"), {})[("other", "p", name)] = (1.0, 2.0)
    assert {k: v for k, v in found.items() if k in wanted and v} == {k: v for k, v in every.items() if k in wanted}
    assert ("gpt-4o", "standard") in wanted and len(found[("gpt-4o", "standard")]) == 3
