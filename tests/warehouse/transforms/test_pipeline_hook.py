"""The transforms hook inside real ingests (all hooks wired): recorded leaderboard and price documents."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from collectors.leaderboards import lmarena
from collectors.pricing import models_dev, openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes

LMARENA_CSV = dataclasses.replace(lmarena.SOURCE, paths=("/lmsys.csv",))
T1, T2 = datetime(2024, 6, 19, 12), datetime(2024, 10, 16, 12)


def doc(*parts: str) -> Document:
    body = fixture_bytes(*parts)
    return Document("http://127.0.0.1/" + parts[-1], body, hashlib.sha256(body).hexdigest())


@pytest.fixture
def pipe(tmp_path: Path) -> Pipeline:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", respect_robots=False)
    with make_pipeline(settings, publish_after_ingest=False) as p:
        yield p


def test_gap_follows_the_ingested_leaderboards(pipe: Pipeline) -> None:
    assert pipe.ingest_documents(LMARENA_CSV, [doc("lmarena", "lmsys_2024-06-19.csv")], T1).status == "ok"
    assert pipe.ingest_documents(LMARENA_CSV, [doc("lmarena", "lmsys_2024-10-16.csv")], T2).status == "ok"
    gap = pipe.con.execute(
        "SELECT board, best_open_score, best_closed_score, gap_abs, as_of FROM v_gap_by_capability "
        "WHERE definition = 'open-weights' AND capability = 'general' AND is_headline"
    ).fetchall()
    # The same figures straight from the input views: best score per openness side alive at the last collection.
    expected = pipe.con.execute(
        "SELECT s.board, max(score) FILTER (n.openness LIKE 'open-%'), max(score) FILTER (n.openness = 'closed') "
        "FROM v_capability_scores s JOIN v_model_names n ON n.source = s.source AND n.source_model = s.model "
        "WHERE s.capability = 'general' AND s.valid_to IS NULL AND s.board = ? GROUP BY s.board",
        [gap[0][0]],
    ).fetchall()
    board, best_open, best_closed, gap_abs, as_of = gap[0]
    assert [(board, best_open, best_closed)] == expected
    assert best_open is not None and best_closed is not None and gap_abs == best_closed - best_open
    assert as_of == T2.date()
    history = pipe.con.execute("SELECT min(date), count(*) FROM v_gap_over_time WHERE board = ?", [board]).fetchone()
    assert history[0] == T1.date() and history[1] >= 2


def test_prices_are_blended_after_a_price_ingest(pipe: Pipeline) -> None:
    pipe.ingest_documents(models_dev.SOURCE, [doc("models_dev", "api_2025-09-30.json")], datetime(2025, 9, 30, 12))
    pipe.ingest_documents(models_dev.SOURCE, [doc("models_dev", "api_2026-03-21.json")], datetime(2026, 3, 21, 12))
    pipe.ingest_documents(openrouter.SOURCE, [doc("openrouter", "models_2026-05-15.json")], datetime(2026, 5, 15, 12))
    pipe.ingest_documents(openrouter.SOURCE, [doc("openrouter", "models_2026-07-17.json")], datetime(2026, 7, 17, 12))
    moves = pipe.con.execute(
        "SELECT before_blended, after_blended FROM v_price_moves "
        "WHERE provider = 'deepseek' AND model = 'deepseek-chat'").fetchall()
    # DeepSeek's own list: 0.57/1.68 → 0.28/0.42 per 1M tokens, blended 3:1.
    assert moves == [(pytest.approx((3 * 0.57 + 1.68) / 4), pytest.approx((3 * 0.28 + 0.42) / 4))]
    # OpenRouter's July cut of DeepSeek V3 (0.20/0.77 → 0.18/0.72) is blended too, but a reseller's move is no
    # move of a price a buyer can count on.
    resold = pipe.con.execute("SELECT role, blended_price FROM v_price_blended "
                              "WHERE model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from").fetchall()
    assert resold == [("reseller", pytest.approx((3 * 0.2 + 0.77) / 4)),
                      ("reseller", pytest.approx((3 * 0.18 + 0.72) / 4))]
    assert pipe.con.execute("SELECT count(*) FROM v_price_moves WHERE source = 'openrouter'").fetchone() == (0,)
    assert pipe.con.execute("SELECT count(*) FROM v_tco_scenarios").fetchone() == (3,)
