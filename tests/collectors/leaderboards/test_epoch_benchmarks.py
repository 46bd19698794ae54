from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from collectors.leaderboards import epoch_benchmarks as epoch
from gapwatch.rows import ModelRow, ScoreRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes


def parse(body: bytes, url: str = "https://epoch.ai/data/benchmark_data.zip"):
    result = epoch.parse(body, DocMeta(source="epoch_benchmarks", url=url, observed_at=datetime(2024, 10, 23)))
    scores = {(r.category, r.model): r for r in result.rows if isinstance(r, ScoreRow)}
    models = {r.model: r for r in result.rows if isinstance(r, ModelRow)}
    return result, scores, models


def test_zip_of_per_benchmark_csvs_with_model_metadata() -> None:
    result, scores, models = parse(fixture_bytes("epoch_benchmarks", "benchmark_data_2024-10-22.zip"))
    gpqa = scores[("gpqa", "Claude 3.5 Sonnet")]
    assert (gpqa.board, gpqa.score, gpqa.score_unit, gpqa.rank) == ("epoch-benchmarks", 0.562, "fraction", 1)
    assert (gpqa.publish_date, gpqa.organization) == (date(2024, 6, 20), "Anthropic")
    assert scores[("chatbot_arena_external", "GPT-4o")].score_unit == "elo"
    assert scores[("chatbot_arena_external", "GPT-4o")].score == 1286
    assert {c for c, _ in scores} == {"gpqa", "mmlu", "bbh", "chatbot_arena_external"}
    # accessibility → openness evidence
    assert (models["Gemma 2 27B"].open_weights, models["Gemma 2 27B"].license) == (
        True, "Open weights (restricted use)")
    assert models["Mistral Large 2"].license == "Open weights (non-commercial)"
    assert (models["GPT-4o"].open_weights, models["GPT-4o"].license) == (False, None)
    assert len(models) == 19 and not result.skipped


def test_accessibility_column_inside_a_benchmark_csv_and_unknown_files_reported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("swe_bench_verified.csv", "Model version,mean_score,Release date,Model accessibility\n"
                                             "Qwen2-72B,0.1,2024-06-06,Open weights (unrestricted)\n"
                                             "Qwen2-72B,0.2,2024-06-06,Open weights (unrestricted)\n"
                                             "GPT-4o,0.3,2024-05-13,API access\n")
        z.writestr("frontierswe_external.csv", "Model version,Implementation rank\nGPT-4o,3\n")
    result, scores, models = parse(buf.getvalue())
    assert scores[("swe_bench_verified", "Qwen2-72B")].score == 0.2  # best of two runs
    assert models["Qwen2-72B"].open_weights is True and models["GPT-4o"].open_weights is False
    assert any("frontierswe_external.csv" in s for s in result.skipped)


def test_wide_csv_of_the_open_model_trends_study() -> None:
    body = fixture_bytes("epoch_benchmarks", "benchmarks_with_model_accessibility_2024-10-22.csv")
    result, scores, models = parse(body, "https://x/benchmarks_with_model_accessibility.csv")
    assert scores[("mmlu", "BLOOM-176B")].score == 0.3913
    assert scores[("bbh", "BLOOM-176B")].board == "epoch-open-model-trends"
    assert scores[("lmsys_elo", "GPT-4o")].score_unit == "elo"
    # notes, CI, compute and size columns are not benchmarks
    assert not {c for c, _ in scores} & {"lmsys_elo_95_ci", "lmsys_elo_notes", "training_compute_flop"}
    assert models["BLOOM-176B"].open_weights is True and models["GPT-4o"].open_weights is False
    assert models["BLOOM-176B"].released == date(2022, 7, 11)


@pytest.mark.parametrize(
    ("body", "expect"),
    [(b"PK\x03\x04truncated", "not a readable zip"), (b"<html></html>", "got HTML"), (b"a,b\n1,2\n", "Open/Closed")],
)
def test_bad_documents(body: bytes, expect: str) -> None:
    with pytest.raises(ParseError, match=expect):
        parse(body)


@pytest.mark.parametrize(
    ("access", "expect"),
    [("Open weights (unrestricted)", (True, "Open weights (unrestricted)")), ("API access", (False, None)),
     ("Hosted access (no API)", (False, None)), ("Unreleased", (False, None)), ("Open", (True, None)),
     ("Closed", (False, None)), ("", (None, None)), (None, (None, None))],
)
def test_openness_from_accessibility(access: str | None, expect: tuple) -> None:
    assert epoch.openness(access) == expect
