from __future__ import annotations

from datetime import date, datetime

import pytest

from collectors.leaderboards import aider
from gapwatch.rows import ScoreRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes


def parse(name: str, url_file: str) -> list[ScoreRow]:
    meta = DocMeta(source="aider", url=f"https://raw.githubusercontent.com/x/{url_file}",
                   observed_at=datetime(2025, 9, 1))
    return aider.parse(fixture_bytes("aider", name), meta).rows


def test_polyglot_keeps_the_best_run_per_model_and_ranks_by_pass_rate_2() -> None:
    meta = DocMeta(source="aider", url="https://x/polyglot_leaderboard.yml", observed_at=datetime(2025, 9, 1))
    result = aider.parse(fixture_bytes("aider", "polyglot_leaderboard_2025-08-25.yml"), meta)
    by_model = {r.model: r for r in result.rows}
    # three gpt-5 runs (88.0, 86.7, 81.3) and two Qwen2.5-Coder runs (8.0, 16.4): the best of each is kept
    gpt5 = by_model["openai/gpt-5"]
    assert (gpt5.board, gpt5.category, gpt5.score, gpt5.score_unit, gpt5.rank) == (
        "aider-polyglot", "overall", 88.0, "pass_rate", 1)
    assert (gpt5.votes, gpt5.publish_date) == (225, date(2025, 8, 23))
    assert by_model["Qwen2.5-Coder-32B-Instruct"].score == 16.4
    assert by_model["DeepSeek R1 (0528)"].rank == 4 and by_model["DeepSeek R1 (0528)"].votes == 224
    assert len(result.rows) == 12
    assert result.skipped == ["3 runs superseded by a better run of the same model"]


def test_edit_board_uses_pass_rate_2_and_refactor_pass_rate_1() -> None:
    edit = {r.model: r for r in parse("edit_leaderboard_2024-05-15.yml", "edit_leaderboard.yml")}
    assert edit["claude-3-opus-20240229"].score == 68.4 and edit["claude-3-opus-20240229"].board == "aider-edit"
    refactor = {r.model: r for r in parse("refactor_leaderboard_2024-10-22.yml", "refactor_leaderboard.yml")}
    opus = refactor["claude-3-opus-20240229"]
    assert (opus.board, opus.score, opus.votes) == ("aider-refactor", 72.3, 83)


def test_source_urls_name_the_three_boards() -> None:
    assert [aider.board_for(u)[0] for u in aider.SOURCE.urls()] == ["aider-polyglot", "aider-edit", "aider-refactor"]
    assert aider.SOURCE.urls()[0] == (
        "https://raw.githubusercontent.com/Aider-AI/aider/main/aider/website/_data/polyglot_leaderboard.yml")


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        (b"<html><body>404: Not Found</body></html>", "got HTML"),
        (b"- dirname: x\n  model: [unclosed\n", "malformed YAML"),
        (b"models:\n  gpt: 1\n", "expected a YAML list"),
    ],
)
def test_bad_documents_raise_parse_errors(body: bytes, expect: str) -> None:
    with pytest.raises(ParseError, match=expect):
        aider.parse(body, DocMeta(source="aider", url="https://x/polyglot_leaderboard.yml",
                                  observed_at=datetime(2025, 1, 1)))


def test_unknown_file_is_refused() -> None:
    with pytest.raises(ParseError, match="unknown leaderboard file"):
        aider.parse(b"[]", DocMeta(source="aider", url="https://x/other.yml", observed_at=datetime(2025, 1, 1)))
