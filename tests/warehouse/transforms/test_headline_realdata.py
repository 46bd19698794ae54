"""The headline gap table from the real staging set alone, and the general, coding and math gaps worked out by
hand from the same real files (optional tier: skipped when ../shared/realdata is absent)."""

from __future__ import annotations

import json
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    base = tmp_path_factory.mktemp("realdata")
    manifests = {"livebench": livebench_manifest(realdata("livebench"), base / "livebench.csv")}
    settings = Settings(_env_file=None, data_dir=base / "data")
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        for source_id in ("arena_catalog", "livebench", "swebench", "lmarena", "aider"):
            source = registry.get(source_id)
            found, _ = dated_files(realdata(source_id), manifests.get(source_id))
            report = backfill(pipe, source, snapshots(source, dir_versions(found)))
            assert report.count("rejected") == 0, [o.error for o in report.outcomes if o.status == "rejected"]
        yield pipe.con


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


def test_the_top_10_are_the_best_distinct_models_of_arenas_overall_category(
        warehouse: duckdb.DuckDBPyConnection) -> None:
    """Distinct models: two of Arena's names that identity resolved to one model count once, at the better."""
    ratings = json.loads(realdata("arena_catalog", "leaderboard-text_2025-12-11_ea8297b54.json").read_text())["full"]
    canonical = dict(warehouse.execute("SELECT source_model, model_id FROM v_model_names "
                                       "WHERE source = 'arena_catalog' AND model_id IS NOT NULL").fetchall())
    best: dict[str, float] = {}
    for name, entry in ratings.items():
        model = canonical.get(name, name)
        best[model] = max(best.get(model, entry["rating"]), entry["rating"])
    expected = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:10]
    top = warehouse.execute("SELECT board, rank, model, score FROM v_main_board_top ORDER BY rank").fetchall()
    assert {board for board, *_ in top} == {"arena-catalog-text"}
    assert [rank for _, rank, *_ in top] == list(range(1, 11))
    assert [model for _, _, model, _ in top] == [model for model, _ in expected]
    assert [score for *_, score in top] == pytest.approx([score for _, score in expected])


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


@pytest.mark.parametrize("capability, category", [("general", "full")])
def test_arena_gaps_by_hand(warehouse: duckdb.DuckDBPyConnection, capability: str, category: str) -> None:
    row = headline(warehouse, capability)
    open_model, open_score, closed_model, closed_score = arena_by_hand(category)
    assert row["board"] == "arena-catalog-text"
    assert (row["best_open_score"], row["best_closed_score"]) == pytest.approx((open_score, closed_score))
    assert row["gap_abs"] == pytest.approx(closed_score - open_score)
    assert str(row["as_of"]).startswith("2025-12-11")  # the file's commit day, not the refresh time
    canonical = dict(warehouse.execute(
        "SELECT source_model, model_id FROM v_model_names WHERE source = 'arena_catalog' AND source_model IN (?, ?)",
        [open_model, closed_model]).fetchall())
    assert (row["best_open_model"], row["best_closed_model"]) == (canonical[open_model], canonical[closed_model])


def test_math_reads_livebench_once_its_closed_models_have_known_openness(warehouse: duckdb.DuckDBPyConnection) -> None:
    # LiveBench (first for math) lists GPT-5.x, Claude and Gemini without any licence; the makers' closed families
    # and LiveBench's missing open-weights mark (identity, issue 25) make both its sides known, so it qualifies.
    row = headline(warehouse, "math")
    assert row["board"] == "livebench-2026-01-08"
    sides = warehouse.execute("SELECT model_id, openness FROM model WHERE model_id IN (?, ?)",
                              [row["best_open_model"], row["best_closed_model"]]).fetchall()
    assert dict(sides)[row["best_closed_model"]] == "closed"
    assert dict(sides)[row["best_open_model"]].startswith("open-")


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
    row = headline(warehouse, "coding")
    assert row["board"] == "swebench-bash-only"
    assert (row["best_open_score"], row["best_closed_score"], row["gap_abs"]) == pytest.approx(
        (best_open, best_closed, best_closed - best_open))
    assert (best_open, best_closed) == (55.4, 74.2)
