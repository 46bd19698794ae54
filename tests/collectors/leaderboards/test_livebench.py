from __future__ import annotations

from datetime import date, datetime

import pytest

from collectors.leaderboards import livebench
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes

URL = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/main/public/table_{}.csv"


def parse(release: str):
    meta = DocMeta(source="livebench", url=URL.format(release), observed_at=datetime(2026, 7, 1))
    return livebench.parse(fixture_bytes("livebench", f"table_{release}.csv"), meta)


def test_category_averages_and_global_average_of_the_2026_release() -> None:
    result = parse("2026_01_08")
    assert not result.skipped
    scores = {(r.model, r.category): r for r in result.rows if r.board == "livebench-2026-01-08"}
    maths = scores[("deepseek-v4-pro", "mathematics")]  # AMPS_Hard, integrals_with_game, math_comp, olympiad
    assert maths.score == pytest.approx((98.0 + 78.0 + 96.078 + 90.624) / 4, abs=1e-3)
    assert (maths.score_unit, maths.publish_date) == ("pct", date(2026, 1, 8))
    agentic = scores[("deepseek-v4-pro", "agentic_coding")]  # javascript, typescript, python
    assert agentic.score == pytest.approx((54.545 + 23.333 + 50.0) / 3, abs=1e-3)
    categories = {c for _, c in scores}
    assert categories == {"reasoning", "coding", "agentic_coding", "mathematics", "data_analysis", "language",
                          "instruction_following", "global_average"}
    overall = scores[("gpt-5.5-xhigh", "global_average")]
    per_category = [scores[("gpt-5.5-xhigh", c)].score for c in categories - {"global_average"}]
    assert overall.score == pytest.approx(sum(per_category) / 7, abs=1e-2)
    assert overall.rank == 1


def test_per_task_scores_are_kept_on_the_tasks_board() -> None:
    result = parse("2026_01_08")
    tasks = {(r.model, r.category): r for r in result.rows if r.board == "livebench-tasks-2026-01-08"}
    assert tasks[("gpt-5.5", "olympiad")].score == 0.0  # a real zero is a score, not a missing value
    assert tasks[("glm-5.2", "zebra_puzzle")].score == 65.5
    assert len(tasks) == 8 * 23


def test_older_release_has_other_tasks() -> None:
    result = parse("2025_04_25")
    scores = {(r.model, r.category): r.score for r in result.rows if r.board == "livebench-2025-04-25"}
    # 2025-04-25 reasoning = web_of_lies_v3, zebra_puzzle, spatial
    assert scores[("o3-2025-04-16-high", "reasoning")] == pytest.approx((93.0 + 87.0 + 100.0) / 3, abs=1e-3)
    assert ("o3-2025-04-16-high", "agentic_coding") not in scores


def test_unknown_task_is_reported_and_left_out_of_averages() -> None:
    body = b"model,code_generation,code_completion,brand_new_task\nm1,80,60,10\nm2,70,50,20\n"
    meta = DocMeta(source="livebench", url=URL.format("2027_01_01"), observed_at=datetime(2027, 1, 2))
    result = livebench.parse(body, meta)
    assert any("brand_new_task" in s for s in result.skipped)
    coding = {r.model: r.score for r in result.rows if r.board == "livebench-2027-01-01" and r.category == "coding"}
    assert coding == {"m1": 70.0, "m2": 60.0}
    assert {r.category for r in result.rows if r.board == "livebench-tasks-2027-01-01"} == {
        "code_generation", "code_completion", "brand_new_task"}


def test_the_current_release_is_read_from_the_sites_app_js() -> None:
    paths = livebench.current_release_paths(fixture_bytes("livebench", "App.js"))
    assert paths == ["/LiveBench/livebench.github.io/main/public/table_2026_01_08.csv",
                     "/LiveBench/livebench.github.io/main/src/Table/modelLinks.js"]


@pytest.mark.parametrize("app_js", [b"function App() { return null; }",
                                    b"useState('2026-01-08'); useState('2026-02-01');"])
def test_app_js_without_one_release_date_fails_clearly(app_js: bytes) -> None:
    with pytest.raises(ParseError, match="current release"):
        livebench.current_release_paths(app_js)


def test_model_links_are_catalogue_rows_with_variants_inheriting_the_base() -> None:
    meta = DocMeta(source="livebench", url="https://raw.githubusercontent.com" + livebench.MODEL_LINKS,
                   observed_at=datetime(2026, 7, 1))
    rows = {r.model: r for r in livebench.parse(fixture_bytes("livebench", "modelLinks.js"), meta).rows}
    assert (rows["deepseek-v4-pro"].organization, rows["deepseek-v4-pro"].open_weights) == ("DeepSeek", True)
    xhigh = rows["gpt-5.5-xhigh"]  # a reasoning-effort variant listed under the base entry
    assert (xhigh.name, xhigh.organization, xhigh.open_weights) == ("GPT-5.5 Thinking xHigh Effort", "OpenAI", None)
    assert rows["gpt-5.5"].name == "GPT-5.5"
    # a Hub link named as the model is its repo (hf_hub then fetches its licence); a link to the base is not
    assert rows["deepseek-v3.2"].hugging_face_id == "deepseek-ai/DeepSeek-V3.2"
    assert rows["gemma-2-27b-it"].hugging_face_id is None
    assert rows["gpt-5.5"].hugging_face_id is None


@pytest.mark.parametrize("body", [b"<!DOCTYPE html><html></html>", b"name,score\nx,1\n", b"model\nx\n", b""])
def test_bad_documents(body: bytes) -> None:
    with pytest.raises(ParseError):
        livebench.parse(body, DocMeta(source="livebench", url=URL.format("2026_01_08"),
                                      observed_at=datetime(2026, 7, 1)))


def test_model_links_of_2024_map_names_to_urls_only() -> None:
    meta = DocMeta(source="livebench", url="https://x" + livebench.MODEL_LINKS, observed_at=datetime(2024, 12, 2))
    old = b'// modelLinks.js\nexport const modelLinks = {\n    "chatgpt-4o-latest-0903": "https://openai.com/",\n};\n'
    result = livebench.parse(old, meta)
    assert result.rows == [] and "URLs only" in result.skipped[0]
    with pytest.raises(ParseError, match="no `modelLinks` object"):
        livebench.parse(b"<!DOCTYPE html><html>404</html>", meta)
