"""`gapwatch evals import` and the service's watched folder: own evaluations as boards of kind `own`, their gap in
`v_own_gap`, history per evaluation and model, own capabilities from the user's map, nothing partial ingested."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from gapwatch.settings import get_settings
from jobs.cli.main import app
from jobs.service import Service
from tests.conftest import FIXTURES, realdata

runner = CliRunner()
OWN = FIXTURES / "own_evals"
# A team declares the openness of the models it evaluates (rank 0 evidence, docs/identity.md).
ALIASES = """
[[model]]
id = "qwen2.5-0.5b-instruct"
openness = "open-source"
[[alias]]
name = "ollama/qwen2.5:0.5b"
model = "qwen2.5-0.5b-instruct"
[[model]]
id = "claude-sonnet-4-20250514"
openness = "closed"
[[alias]]
name = "anthropic/claude-sonnet-4-0"
model = "claude-sonnet-4-20250514"
"""
MAP = """
[capabilities]
science-qa = "Grade-school science questions (ARC) on our prompts"

[headline]
science-qa = ["own-arc_easy"]

[[map]]
board = "own-arc_easy"
category = "accuracy"
capability = "science-qa"
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "aliases.toml").write_text(ALIASES, encoding="utf-8")
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GAPWATCH_ALIASES_PATH", str(tmp_path / "aliases.toml"))
    monkeypatch.setenv("GAPWATCH_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _read(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "gapwatch.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _published(data_dir: Path, sql: str) -> list[tuple]:
    snapshot = next((data_dir / "published").glob("*.duckdb"))
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_open_and_closed_runs_of_one_task_give_its_gap(data_dir: Path) -> None:
    result = runner.invoke(app, ["evals", "import", str(OWN / "inspect_arc_easy_qwen.json"),
                                 str(OWN / "inspect_arc_easy_sonnet.json")])
    assert result.exit_code == 0, result.output
    assert result.output.count("imported") == 2 and "own-arc_easy" in result.output
    rows = _published(data_dir, "SELECT board, category, best_open_model, best_open_score, best_closed_model, "
                                "best_closed_score, gap_abs FROM v_own_gap")
    assert rows == [("own-arc_easy", "accuracy", "qwen2.5-0.5b-instruct", pytest.approx(1 / 3),
                     "claude-sonnet-4-20250514", 1.0, pytest.approx(2 / 3))]
    # The raw files are stored like any fetched document.
    assert _read(data_dir, "SELECT count(*) FROM collection_run WHERE source = 'own_evals' AND status = 'ok'") == [(2,)]


def test_reimporting_the_same_file_is_a_no_op(data_dir: Path) -> None:
    files = [str(OWN / "inspect_arc_easy_qwen.json"), str(OWN / "eee_0.2_llama_pro.json")]
    assert runner.invoke(app, ["evals", "import", *files]).exit_code == 0
    before = _read(data_dir, "SELECT count(*) FROM collection_run")
    again = runner.invoke(app, ["evals", "import", *files])
    assert again.exit_code == 0 and again.output.count("already imported") == 2
    assert _read(data_dir, "SELECT count(*) FROM collection_run") == before


def test_a_newer_run_of_the_same_eval_and_model_is_history(tmp_path: Path, data_dir: Path) -> None:
    newer = json.loads((OWN / "inspect_arc_easy_qwen.json").read_text())
    newer["stats"]["started_at"] = newer["eval"]["created"] = "2025-11-02T09:00:00+00:00"
    newer["results"]["scores"][0]["metrics"]["accuracy"]["value"] = 0.5
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    assert runner.invoke(app, ["evals", "import", str(OWN / "inspect_arc_easy_qwen.json")]).exit_code == 0
    assert runner.invoke(app, ["evals", "import", str(tmp_path / "newer.json")]).exit_code == 0
    assert _read(data_dir, "SELECT score, valid_from::VARCHAR, valid_to::VARCHAR FROM leaderboard_score "
                           "WHERE source = 'own_evals' ORDER BY valid_from") == [
        (pytest.approx(1 / 3), "2025-10-20 23:12:04", "2025-11-02 09:00:00"), (0.5, "2025-11-02 09:00:00", None)]


def test_one_broken_file_refuses_the_whole_import(tmp_path: Path, data_dir: Path) -> None:
    broken = json.loads((OWN / "eee_0.2_llama_pro.json").read_text())
    del broken["model_info"]
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = runner.invoke(app, ["evals", "import", str(OWN / "inspect_arc_easy_qwen.json"),
                                 str(tmp_path / "broken.json")])
    assert result.exit_code == 2
    assert "nothing imported" in result.output and "broken.json" in result.output
    assert "model_info: Field required" in result.output
    assert not (data_dir / "gapwatch.duckdb").exists() or _read(
        data_dir, "SELECT count(*) FROM leaderboard_score") == [(0,)]


def test_an_own_capability_gets_a_headline_but_never_replaces_a_public_one(tmp_path: Path, data_dir: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "map.toml").write_text(MAP, encoding="utf-8")
    monkeypatch.setenv("GAPWATCH_CAPABILITY_MAP_PATH", str(tmp_path / "map.toml"))
    get_settings.cache_clear()
    result = runner.invoke(app, ["evals", "import", str(OWN / "inspect_arc_easy_qwen.json"),
                                 str(OWN / "inspect_arc_easy_sonnet.json")])
    assert result.exit_code == 0, result.output
    rows = _published(data_dir, "SELECT capability, board, best_open_model, best_closed_model, gap_abs "
                                "FROM v_gap_headline WHERE definition = 'open-weights' AND board IS NOT NULL")
    assert rows == [("science-qa", "own-arc_easy", "qwen2.5-0.5b-instruct", "claude-sonnet-4-20250514",
                     pytest.approx(2 / 3))]


def test_the_service_imports_the_watched_folder(tmp_path: Path, data_dir: Path) -> None:
    """A real scheduler: files dropped into `evals_dir` are imported on its cadence; a broken one is a rejected run
    of own_evals (a source-health event), the good ones land."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "qwen.json").write_bytes((OWN / "inspect_arc_easy_qwen.json").read_bytes())
    (folder / "broken.json").write_text('{"status": "success", "eval": {}, "results"')
    settings = get_settings().model_copy(update={"evals_dir": folder, "evals_every_s": 0.5})
    service = Service(settings, sources=[])
    service.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and service.outcomes[("own_evals", "ok")] < 1:
            time.sleep(0.1)
        (folder / "sonnet.json").write_bytes((OWN / "inspect_arc_easy_sonnet.json").read_bytes())
        while time.monotonic() < deadline and service.outcomes[("own_evals", "ok")] < 2:
            time.sleep(0.1)
    finally:
        service.stop()
    assert service.outcomes[("own_evals", "ok")] == 2
    assert service.outcomes[("own_evals", "rejected")] == 1  # once: a judged file is never read again
    assert _published(data_dir, "SELECT gap_abs FROM v_own_gap") == [(pytest.approx(2 / 3),)]


def test_stopping_waits_for_an_import_to_save_its_schedule(tmp_path: Path, data_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`stop` closes the pipeline only once the watched-folder job is done, schedule saved included: a stop that
    came while it saved once closed the connection under it (DuckDB: "connection is busy with another call")."""
    import threading

    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "qwen.json").write_bytes((OWN / "inspect_arc_easy_qwen.json").read_bytes())
    saving, saved = threading.Event(), []
    original = Service._save_schedule

    def slow_save(self: Service) -> None:
        if threading.current_thread() is not threading.main_thread():  # the job's save, not start()'s
            saving.set()
            time.sleep(1.0)  # stop() is called meanwhile
            original(self)
            saved.append(True)
        else:
            original(self)

    monkeypatch.setattr(Service, "_save_schedule", slow_save)
    settings = get_settings().model_copy(update={"evals_dir": folder, "evals_every_s": 60})
    service = Service(settings, sources=[])
    service.start()
    assert saving.wait(20), "the watched folder was not imported"
    service.stop()  # raised ResourceInUseException (or the save failed on a closed connection) before the fix
    assert saved == [True]
    assert service.outcomes[("own_evals", "ok")] == 1


@pytest.mark.realdata
def test_the_real_inspect_logs_give_the_gap_of_their_accuracies(data_dir: Path) -> None:
    qwen, sonnet = realdata("evals", "data_arc_qwen.json"), realdata("evals", "data_arc_sonnet.json")
    assert runner.invoke(app, ["evals", "import", str(qwen), str(sonnet)]).exit_code == 0
    logs = [json.loads(p.read_text()) for p in (qwen, sonnet)]
    accuracy = {log["eval"]["model"]: log["results"]["scores"][0]["metrics"]["accuracy"]["value"] for log in logs}
    [(open_score, closed_score, gap)] = _published(
        data_dir, "SELECT best_open_score, best_closed_score, gap_abs FROM v_own_gap WHERE board = 'own-arc_easy'")
    assert (open_score, closed_score) == (accuracy["ollama/qwen2.5:0.5b"], accuracy["anthropic/claude-sonnet-4-0"])
    assert gap == pytest.approx(closed_score - open_score)


@pytest.mark.realdata
def test_the_real_lm_eval_and_every_eval_ever_files_import(data_dir: Path) -> None:
    files = [realdata("evals", "results_2026-01-21T03-44-18.458309.json"),
             realdata("evals", "98ea850e-7019-4728-a558-8b1819ec47c2.json")]
    assert runner.invoke(app, ["evals", "import", *map(str, files)]).exit_code == 0
    boards = {b for (b,) in _published(data_dir, "SELECT DISTINCT board FROM v_own_gap")}
    assert {"own-math_perturbed_full", "own-ifeval", "own-mmlu-pro"} <= boards
