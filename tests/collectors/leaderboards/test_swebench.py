from __future__ import annotations

from datetime import date, datetime

import pytest

from collectors.leaderboards import swebench
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes

URL = swebench.SOURCE.urls()[0]


def parsed() -> dict[tuple[str, str], object]:
    result = swebench.parse(fixture_bytes("swebench", "leaderboards_2025-11-19.json"),
                            DocMeta("swebench", URL, datetime(2025, 11, 19)))
    return {(r.board, r.model): r for r in result.rows}


def test_bash_only_rows_name_the_model_from_its_tag() -> None:
    rows = parsed()
    gemini = rows[("swebench-bash-only", "gemini-3-pro-preview")]  # "Gemini 3 Pro Preview (2025-11-18)"
    assert (gemini.score, gemini.score_unit, gemini.rank, gemini.category) == (74.2, "pct", 1, "resolved")
    assert (gemini.publish_date, gemini.organization) == (date(2025, 11, 18), "Google DeepMind")
    assert rows[("swebench-bash-only", "Qwen3-Coder-480B-A35B-Instruct")].score == 55.4
    assert rows[("swebench-bash-only", "Qwen3-Coder-480B-A35B-Instruct")].license is None  # os_model is no evidence


def test_agent_systems_are_boards_of_their_own_and_multi_model_systems_keep_their_name() -> None:
    rows = parsed()
    assert rows[("swebench-verified", "TRAE + Doubao-Seed-Code")].score == 78.8  # two Model tags
    # two systems on one model: the board keeps the model's best run
    assert rows[("swebench-verified", "claude-sonnet-4-20250514")].score == 76.8
    # a system's `Org:` tag is the team that submitted it (EPAM, Warp), not the model's maker
    assert {r.organization for (b, _), r in rows.items() if b != "swebench-bash-only"} == {None}
    assert {b for b, _ in rows} == {"swebench-bash-only", "swebench-verified"}


@pytest.mark.parametrize("body", [b"{}", b'{"leaderboards": {}}', b"[]", b"<html>"])
def test_bad_documents(body: bytes) -> None:
    with pytest.raises(ParseError):
        swebench.parse(body, DocMeta("swebench", URL, datetime(2025, 11, 19)))
