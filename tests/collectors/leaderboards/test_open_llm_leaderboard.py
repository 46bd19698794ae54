from __future__ import annotations

from datetime import date, datetime

import pytest

from collectors.leaderboards import open_llm_leaderboard as oll
from gapwatch.rows import ModelRow, ScoreRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes


def parse(name: str):
    meta = DocMeta(source="open_llm_leaderboard", url=f"https://huggingface.co/x/{name}",
                   observed_at=datetime(2025, 4, 1))
    result = oll.parse(fixture_bytes("open_llm_leaderboard", name), meta)
    scores = {(r.model, r.category): r for r in result.rows if isinstance(r, ScoreRow)}
    models = {r.model: r for r in result.rows if isinstance(r, ModelRow)}
    return result, scores, models


def test_2024_csv_schema_short_column_names() -> None:
    result, scores, models = parse("contents_2024-07-13.csv")
    qwen = scores[("Qwen/Qwen2-72B-Instruct", "ifeval")]
    assert (qwen.board, qwen.score, qwen.score_unit, qwen.license) == (
        "open-llm-leaderboard", 79.89, "norm_pct", "other")
    assert scores[("Qwen/Qwen2-72B-Instruct", "average")].rank == 1
    assert scores[("meta-llama/Meta-Llama-3-70B-Instruct", "mmlu_pro")].score == 46.74
    llama = models["meta-llama/Meta-Llama-3-70B-Instruct"]
    assert (llama.license, llama.open_weights, llama.organization, llama.released) == (
        "llama3", True, "meta-llama", date(2024, 4, 17))
    assert len(models) == 8 and len(scores) == 8 * 7 and not result.skipped


def test_2025_csv_schema_and_duplicate_precisions_keep_the_best_average() -> None:
    result, scores, models = parse("contents_2025-03-21.csv")
    # phi-4 is listed in float16 (29.48) and bfloat16 (30.36): the better entry stands for the model
    assert scores[("microsoft/phi-4", "average")].score == pytest.approx(30.3581278113462)
    assert scores[("Qwen/Qwen2.5-72B-Instruct", "math_lvl_5")].publish_date is not None
    assert models["google/gemma-2-27b-it"].license == "gemma"
    assert models["deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"].license == "mit"
    assert len(models) == 7 and not result.skipped


def test_parquet_from_the_hf_dataset_matches_the_csv_export() -> None:
    _, from_parquet, parquet_models = parse("contents_2025-03-21.parquet")
    _, from_csv, csv_models = parse("contents_2025-03-21.csv")
    assert {k: v.score for k, v in from_parquet.items()} == {k: v.score for k, v in from_csv.items()}
    assert {m.license for m in parquet_models.values()} == {m.license for m in csv_models.values()}


@pytest.mark.parametrize("body", [b"<html>rate limited</html>", b"model,score\nx,1\n", b"PAR1broken"])
def test_bad_documents(body: bytes) -> None:
    with pytest.raises(ParseError):
        oll.parse(body, DocMeta(source="open_llm_leaderboard", url="https://x/c.parquet",
                                observed_at=datetime(2025, 1, 1)))
