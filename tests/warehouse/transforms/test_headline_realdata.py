"""The headline gap table from the real staging set alone, and the general, coding and math gaps worked out by
hand from the same real files (optional tier: skipped when ../shared/realdata is absent)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from collectors import registry
from gapwatch.settings import Settings
from jobs.backfill.backfill import backfill, dir_versions, snapshots
from jobs.backfill.dated_files import dated_files
from jobs.pipeline import make_pipeline
from tests.conftest import realdata

pytestmark = pytest.mark.realdata
LIVEBENCH = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/main"
# Arena's licence column names these models' licences; what no source says is left unknown.
PROPRIETARY = {"Proprietary", "Propretary"}
FOLDERS = {"genai_prices": "genai-prices"}


def livebench_manifest(folder: Path, out: Path) -> Path:
    """LiveBench's files are named by release, not by date: each release's final table as of its release day,
    the updated-in-place current table as of the snapshot's HEAD (2026-07-01, MANIFEST §15)."""
    lines = ["file,observed_at,url"]
    for path in sorted(folder.glob("table_*.csv")):
        if "_at_" in path.name:
            lines.append(f"{path.name},2026-01-08,{LIVEBENCH}/public/table_2026_01_08.csv")
            continue
        release = path.stem.removeprefix("table_")
        at = "2026-07-01" if release == "2026_01_08" else release.replace("_", "-")
        lines.append(f"{path.name},{at},{LIVEBENCH}/public/{path.name}")
    lines.append(f"modelLinks.js,2026-07-01,{LIVEBENCH}/src/Table/modelLinks.js")
    lines.append(f"App.js,2026-07-01,{LIVEBENCH}/src/App.js")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


BOARDS = ("arena_catalog", "livebench", "swebench", "lmarena", "aider")


def build(base: Path, source_ids: tuple[str, ...]) -> Iterator[duckdb.DuckDBPyConnection]:
    manifests = {"livebench": livebench_manifest(realdata("livebench"), base / "livebench.csv")}
    settings = Settings(_env_file=None, data_dir=base / "data")
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for source_id in source_ids:
            source = registry.get(source_id)
            found, _ = dated_files(realdata(FOLDERS.get(source_id, source_id)), manifests.get(source_id))
            report = backfill(pipe, source, snapshots(source, dir_versions(found)))
            assert report.count("rejected") == 0, [o.error for o in report.outcomes if o.status == "rejected"]
        yield pipe.con


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from build(tmp_path_factory.mktemp("realdata"), BOARDS)


@pytest.fixture(scope="module")
def priced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The boards with LiteLLM's and genai-prices' price lists (genai-prices' newest is of 2026-07-25, later than
    the boards: the warehouse's as-of moves, so the boards' own tests read the warehouse above)."""
    yield from build(tmp_path_factory.mktemp("realdata_priced"), (*BOARDS, "litellm", "genai_prices"))


def headline(con: duckdb.DuckDBPyConnection, capability: str) -> dict:
    cur = con.execute("SELECT * FROM v_gap_headline WHERE definition = 'open-weights' AND capability = ?",
                      [capability])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_six_capabilities_with_both_sides_under_open_weights(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "SELECT capability, board, best_open_model, best_closed_model, gap_abs FROM v_gap_headline "
        "WHERE definition = 'open-weights' ORDER BY capability").fetchall()
    assert [r[0] for r in rows] == sorted(["general", "coding", "math", "instruction_following", "multilingual",
                                           "long_context"])
    assert all(board and open_model and closed_model and gap is not None
               for _, board, open_model, closed_model, gap in rows), rows
    # each capability's main board is its headline board under open-weights; general's is the one every
    # board-wide figure reads
    main = dict(warehouse.execute("SELECT capability, board FROM v_main_board").fetchall())
    assert main == {capability: board for capability, board, *_ in rows}


def livebench_by_hand() -> dict[str, dict[str, float]]:
    """LiveBench's 2026-01-08 release as of 2026-07-01, averaged as the site does: each category over the tasks a
    model was scored on (categories_2026_01_08.json), the global average over the categories; per raw row name."""
    categories = json.loads(realdata("livebench", "categories_2026_01_08.json").read_text())
    rows = list(csv.DictReader(realdata("livebench", "table_2026_01_08.csv").read_text().splitlines()))
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        averages = {}
        for category, tasks in categories.items():
            known = [float(row[t]) for t in tasks if row.get(t) not in (None, "")]
            if known:
                averages[category] = sum(known) / len(known)
        if len(averages) == len(categories):
            averages["global_average"] = sum(averages.values()) / len(averages)
            out[row["model"]] = averages
    return out


def livebench_sides() -> dict[str, str]:
    """Each raw name's side by LiveBench's own mark in modelLinks.js: `openweight: true` is open; a listed model
    without it is LiveBench's "not open weights" (its variants, by rawName, share their model's mark)."""
    side: dict[str, str] = {}
    key, mark = None, "closed"
    for line in realdata("livebench", "modelLinks.js").read_text().splitlines():
        top = re.match(r'^    "([^"]+)": \{', line)
        if top:
            key, mark = top.group(1), "open" if "openweight: true" in line else "closed"
            side[key] = mark
        elif key and "openweight: true" in line:
            side[key] = mark = "open"
        for raw in re.findall(r'rawName: "([^"]+)"', line):
            side[raw] = mark if key else "closed"
    return side


LIVEBENCH_CATEGORY = {"general": "global_average", "coding": "Coding", "math": "Mathematics",
                      "instruction_following": "IF"}


@pytest.mark.parametrize("capability", list(LIVEBENCH_CATEGORY))
def test_livebench_heads_today_and_its_gap_is_the_hand_computed_one(warehouse: duckdb.DuckDBPyConnection,
                                                                   capability: str) -> None:
    """The freshest board that can answer heads the four capabilities LiveBench measures: its 2026-01-08 release
    in its 2026-07-01 version (Arena's December data are more than the 60-day lag older), both sides known (the
    makers' closed families, LiveBench's own open-weights mark), the gap equal to the raw file's."""
    row = headline(warehouse, capability)
    assert row["board"] == "livebench-2026-01-08" and row["data_date"] == date(2026, 7, 1)
    assert row["age_days"] == 0 and row["stale"] is False
    scores, side = livebench_by_hand(), livebench_sides()
    category = LIVEBENCH_CATEGORY[capability]
    rated = sorted(((v[category], name) for name, v in scores.items() if name in side), reverse=True)
    best_open = next((score, name) for score, name in rated if side[name] == "open")
    best_closed = next((score, name) for score, name in rated if side[name] == "closed")
    # the board keeps LiveBench's averages to three decimals, as the site shows them
    assert (row["best_open_score"], row["best_closed_score"]) == pytest.approx((best_open[0], best_closed[0]),
                                                                               abs=1e-3)
    assert row["gap_abs"] == pytest.approx(best_closed[0] - best_open[0], abs=2e-3)
    canonical = dict(warehouse.execute("SELECT source_model, model_id FROM v_model_names WHERE source = 'livebench' "
                                       "AND source_model IN (?, ?)", [best_open[1], best_closed[1]]).fetchall())
    assert (row["best_open_model"], row["best_closed_model"]) == (canonical[best_open[1]], canonical[best_closed[1]])
    if capability == "general":  # the worked figure
        assert (row["best_open_model"], row["best_closed_model"], round(row["gap_abs"], 1)) == (
            "glm-5.2", "gpt-5.5", 4.5)
    assert "more than the 60-day lag" in row["note"] or "its first preference" in row["note"]


@pytest.mark.parametrize("capability", ["multilingual", "long_context"])
def test_what_only_arena_measures_keeps_arena_marked_stale(warehouse: duckdb.DuckDBPyConnection,
                                                            capability: str) -> None:
    row = headline(warehouse, capability)
    assert row["board"] == "arena-catalog-text" and row["data_date"] == date(2025, 12, 11)
    assert row["stale"] is True and row["age_days"] == (date(2026, 7, 1) - date(2025, 12, 11)).days


def test_the_top_10_are_the_best_distinct_models_of_the_main_boards_category(
        warehouse: duckdb.DuckDBPyConnection) -> None:
    """Distinct models: LiveBench's effort variants that identity resolved to one model count once, at the best."""
    canonical = dict(warehouse.execute("SELECT source_model, model_id FROM v_model_names "
                                       "WHERE source = 'livebench' AND model_id IS NOT NULL").fetchall())
    best: dict[str, float] = {}
    for name, averages in livebench_by_hand().items():
        model = canonical.get(name, name)
        best[model] = max(best.get(model, averages["global_average"]), averages["global_average"])
    expected = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:10]
    top = warehouse.execute("SELECT board, rank, model, score FROM v_main_board_top ORDER BY rank").fetchall()
    assert {board for board, *_ in top} == {"livebench-2026-01-08"}
    assert [rank for _, rank, *_ in top] == list(range(1, 11))
    assert [model for _, _, model, _ in top] == [model for model, _ in expected]
    assert [score for *_, score in top] == pytest.approx([score for _, score in expected], abs=1e-3)


def board_row(con: duckdb.DuckDBPyConnection, capability: str, board: str) -> dict:
    cur = con.execute("SELECT * FROM v_gap_by_capability WHERE definition = 'open-weights' AND capability = ? "
                      "AND board = ?", [capability, board])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def arena_by_hand(category: str) -> tuple[str, float, str, float]:
    """Best open and best closed of one category of Arena's newest text file, sided by Arena's own licence
    column (its newest catalogue), without Qwen3-Max whose 'Apache 2.0' label is Arena's slip (API only)."""
    ratings = json.loads(realdata("arena_catalog", "leaderboard-text_2025-12-11_ea8297b54.json").read_text())[category]
    catalogue = json.loads(realdata("arena_catalog", "scatterplot-data_2025-12-17_a7ae8627e.json").read_text())
    licence = {e["model_api_name"]: e["license"] for e in catalogue if e["model_api_name"] != "qwen3-max-preview"}
    rated = sorted(((entry["rating"], model) for model, entry in ratings.items() if model in licence), reverse=True)
    best_open = next((m, r) for r, m in rated if licence[m] not in PROPRIETARY)
    best_closed = next((m, r) for r, m in rated if licence[m] in PROPRIETARY)
    return (*best_open, *best_closed)


def test_arena_general_gap_by_hand(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Arena no longer heads general (it is months older than LiveBench), but its own gap row stays exact."""
    row = board_row(warehouse, "general", "arena-catalog-text")
    open_model, open_score, closed_model, closed_score = arena_by_hand("full")
    assert (row["best_open_score"], row["best_closed_score"]) == pytest.approx((open_score, closed_score))
    assert row["gap_abs"] == pytest.approx(closed_score - open_score)
    canonical = dict(warehouse.execute(
        "SELECT source_model, model_id FROM v_model_names WHERE source = 'arena_catalog' AND source_model IN (?, ?)",
        [open_model, closed_model]).fetchall())
    assert (row["best_open_model"], row["best_closed_model"]) == (canonical[open_model], canonical[closed_model])


def test_coding_gap_by_hand(warehouse: duckdb.DuckDBPyConnection) -> None:
    """SWE-bench bash-only of 2025-11-19: of its 23 models these have published weights (their makers' Hugging
    Face releases); every other one is API-only."""
    board = next(b for b in json.loads(realdata("swebench", "leaderboards_2025-11-19_d6e0839.json").read_text())
                 ["leaderboards"] if b["name"] == "bash-only")
    open_weights = {"Qwen3-Coder-480B-A35B-Instruct", "GLM-4.5", "Kimi-K2-Instruct", "gpt-oss-120b",
                    "Qwen2.5-Coder-32B-Instruct", "llama-4-maverick-instruct", "llama-4-scout-instruct"}
    scores = {t.removeprefix("Model: "): r["resolved"] for r in board["results"] for t in r["tags"]
              if t.startswith("Model: ")}
    best_open = max(v for m, v in scores.items() if m in open_weights)
    best_closed = max(v for m, v in scores.items() if m not in open_weights)
    row = board_row(warehouse, "coding", "swebench-bash-only")
    assert (row["best_open_score"], row["best_closed_score"], row["gap_abs"]) == pytest.approx(
        (best_open, best_closed, best_closed - best_open))
    assert (best_open, best_closed) == (55.4, 74.2)


def test_each_sides_best_model_has_the_price_a_buyer_pays(priced: duckdb.DuckDBPyConnection) -> None:
    """The Landscape's price columns on real data: each side's best model joined to `v_price_of_model` by its
    model_id, as `app.data.with_side_prices` does. By hand from genai-prices' 2026-07-25 file: GPT-5.5 at OpenAI
    $5 in / $30 out per 1M tokens, blended 3:1 = $11.25; DeepSeek-V4-Pro at DeepSeek $0.435 / $0.87 = $0.54375.
    From LiteLLM's 2026-03-03 file: Gemini 3 Pro, the arena's best closed model for multilingual (`gemini-3-pro`,
    the preview Google sells as `gemini/gemini-3-pro-preview`), at $2 / $12 = $4.50."""
    rows = priced.execute(
        "SELECT h.capability, h.best_open_model, po.blended_per_mtok, h.best_closed_model, pc.blended_per_mtok "
        "FROM v_gap_headline h "
        "LEFT JOIN v_price_of_model po ON po.model_id = h.best_open_model AND po.tier = 'standard' "
        "LEFT JOIN v_price_of_model pc ON pc.model_id = h.best_closed_model AND pc.tier = 'standard' "
        "WHERE h.definition = 'open-weights'").fetchall()
    by_model = {model: price for _, *sides in rows for model, price in (sides[:2], sides[2:])}
    assert by_model["gpt-5.5"] == pytest.approx(11.25)
    assert by_model["deepseek-v4-pro"] == pytest.approx(0.54375)
    assert by_model["gemini-3-pro-preview-2025-11"] == pytest.approx(4.5)
    # The makers and hosts these lists carry price every side's best model (10 of 10 here); a drop means prices
    # stopped reaching the headline's model ids.
    with_price = sum(price is not None for price in by_model.values())
    assert with_price >= len(by_model) - 1, rows
