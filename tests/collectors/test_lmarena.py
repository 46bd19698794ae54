from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
import pytest

from collectors.leaderboards import lmarena
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes, realdata


def meta(url: str) -> DocMeta:
    return DocMeta(source="lmarena", url=url, observed_at=datetime(2025, 1, 1))


def test_csv_with_arena_elo_header() -> None:
    result = lmarena.parse(fixture_bytes("lmarena", "lmsys_2024-06-19.csv"), meta("https://x/csv/lmsys.csv"))
    top = result.rows[0]
    assert (top.board, top.category, top.model, top.score, top.rank) == (
        "lmarena-text", "overall", "GPT-4o-2024-05-13", 1287.0, 1)
    assert (top.ci_low, top.ci_high, top.votes, top.license) == (1284.0, 1290.0, 42046, "Proprietary")


def test_csv_with_arena_score_and_stylectrl() -> None:
    result = lmarena.parse(fixture_bytes("lmarena", "lmsys_2024-10-16.csv"), meta("https://x/csv/lmsys.csv"))
    by_model = {r.model: r for r in result.rows if r.board == "lmarena-text"}
    assert by_model["o1-preview"].score == 1335 and by_model["o1-preview"].ci_low == 1330
    assert by_model["Qwen2.5-72b-Instruct"].license == "Qwen"
    assert len(result.rows) == 32 and not result.skipped


def test_rank_stylectrl_becomes_rank_rows_on_the_style_control_board() -> None:
    """From 2024-10-16 the CSV adds `rank_stylectrl` (no style-controlled score): kept as a rank, unit `rank`."""
    result = lmarena.parse(fixture_bytes("lmarena", "lmsys_2024-10-16.csv"), meta("https://x/csv/lmsys.csv"))
    styled = {r.model: r for r in result.rows if r.board == "lmarena-text-style-control"}
    plain = {r.model: r for r in result.rows if r.board == "lmarena-text"}
    assert styled.keys() == plain.keys() and len(styled) == 16
    gemini = styled["Gemini-1.5-Pro-002"]
    assert (gemini.score, gemini.score_unit, gemini.rank, gemini.category) == (3.0, "rank", 3, "overall_rank")
    assert gemini.votes == plain["Gemini-1.5-Pro-002"].votes == 11430 and gemini.ci_low is None


def test_old_csv_without_rank_stylectrl_has_no_style_control_rows() -> None:
    result = lmarena.parse(fixture_bytes("lmarena", "lmsys_2024-06-19.csv"), meta("https://x/csv/lmsys.csv"))
    assert {r.board for r in result.rows} == {"lmarena-text"}
    assert all(r.score_unit == "elo" for r in result.rows)


def test_parquet_from_hf_dataset_takes_newest_publication_per_category() -> None:
    frame = pl.DataFrame({
        "model_name": ["gemini-2.5-pro", "deepseek-r1-0528", "gemini-2.5-pro", "deepseek-r1-0528"],
        "organization": ["Google", "DeepSeek", "Google", "DeepSeek"],
        "license": ["Proprietary", "MIT", "Proprietary", "MIT"],
        "rating": [1460.1, 1424.5, 1470.2, 1430.0],
        "rating_lower": [1455.0, 1419.9, 1466.0, 1425.5],
        "rating_upper": [1465.0, 1429.1, 1474.4, 1434.5],
        "vote_count": [20000, 15000, 22000, 16000],
        "rank": [1, 2, 1, 2],
        "category": ["coding", "coding", "coding", "coding"],
        "leaderboard_publish_date": ["2025-06-01", "2025-06-01", "2025-07-01", "2025-07-01"],
    })
    buf = io.BytesIO()
    frame.write_parquet(buf)
    url = "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/full-00000-of-00001.parquet"
    result = lmarena.parse(buf.getvalue(), meta(url))
    assert [(r.model, r.score, r.publish_date) for r in result.rows] == [
        ("gemini-2.5-pro", 1470.2, date(2025, 7, 1)), ("deepseek-r1-0528", 1430.0, date(2025, 7, 1))]
    assert result.rows[0].board == "lmarena-text" and result.rows[0].category == "coding"
    assert result.rows[1].ci_low == 1425.5 and result.rows[1].license == "MIT"


def test_board_from_url() -> None:
    assert lmarena.board_from_url(lmarena.SOURCE.urls()[1]) == "lmarena-text-style-control"
    assert lmarena.board_from_url("https://x/lmarena_vision_2025-08-06_data2025.08.04.csv") == "lmarena-vision"


@pytest.mark.parametrize("body", [b"<html><body>Maintenance</body></html>", b"name,score\nx,1\n", b"PAR1garbage"])
def test_bad_documents(body: bytes) -> None:
    with pytest.raises(ParseError):
        lmarena.parse(body, meta("https://x/csv/lmsys.csv"))


def test_every_real_lmarena_file_parses() -> None:
    folder = realdata("lmarena")
    for path in sorted(folder.glob("*.csv")):
        result = lmarena.parse(path.read_bytes(), meta(f"https://x/{path.name}"))
        assert len(result.rows) >= 15, path.name
        assert not result.skipped, (path.name, result.skipped[:3])


def test_latest_parquet_of_a_subset_with_real_rows() -> None:
    url = "https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset/resolve/main/text/latest-00000-of-00001.parquet"
    result = lmarena.parse(fixture_bytes("lmarena", "text_latest_2025-07-27.parquet"), meta(url))
    top = result.rows[0]
    assert (top.board, top.category, top.model, top.score, top.rank) == (
        "lmarena-text", "overall", "Gemini-2.5-Pro", 1472.0, 1)
    assert (top.ci_low, top.ci_high, top.votes, top.publish_date) == (1467.0, 1477.0, 22146, date(2025, 7, 27))
    assert len(result.rows) == 12 and not result.skipped


def test_every_subset_url_names_its_board() -> None:
    boards = [lmarena.board_from_url(u) for u in lmarena.SOURCE.urls()]
    assert boards == ["lmarena-text", "lmarena-text-style-control", "lmarena-vision", "lmarena-webdev",
                      "lmarena-search", "lmarena-document"]
