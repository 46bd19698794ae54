"""What `gapwatch sql`, `status` and `sources` print for a reader: readable at 80 columns, CSV/JSON/Markdown,
times to the second, schedules in words, and a missing snapshot explained (the demo's data found)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from gapwatch.settings import Settings, get_settings
from jobs.cli import output, snapshot
from jobs.cli.main import app
from tests.jobs.cli.test_cli import Run, cli  # noqa: F401  (the fixture)

QUERY = ("SELECT provider, model, tier, input_per_mtok, output_per_mtok, valid_from, valid_to FROM v_price_history "
         "WHERE model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from")


def narrow(run: Run, *args: str):
    get_settings.cache_clear()
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})


def test_sql_at_80_columns_prints_whole_values(cli: Run) -> None:  # noqa: F811
    assert cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z").exit_code == 0
    result = narrow(cli, "sql", QUERY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    # Seven columns do not fit 80 characters: one field per line, nothing cut.
    assert "model           | deepseek/deepseek-chat-v3-0324" in lines
    assert "valid_from      | 2026-05-15 12:00:00" in lines
    assert "…" not in result.stdout


def test_sql_few_columns_stay_a_table_and_wrap(cli: Run) -> None:  # noqa: F811
    assert cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z").exit_code == 0
    result = narrow(cli, "sql", "SELECT model, input_per_mtok FROM v_prices_current WHERE model LIKE 'deepseek/%' "
                    "ORDER BY model LIMIT 3")
    assert result.exit_code == 0, result.output
    assert "┃ model" in result.stdout and "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_sql_json_and_markdown(cli: Run) -> None:  # noqa: F811
    assert cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z").exit_code == 0
    as_json = cli("sql", QUERY, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    (record,) = json.loads(as_json.stdout)
    assert record["model"] == "deepseek/deepseek-chat-v3-0324" and record["input_per_mtok"] == 0.2
    assert record["valid_from"] == "2026-05-15T12:00:00" and record["valid_to"] is None
    as_md = cli("sql", QUERY, "--format", "markdown")
    lines = as_md.stdout.splitlines()
    assert lines[0].startswith("| provider | model |") and set(lines[1]) == {"|", "-"}
    assert "| 2026-05-15 12:00:00 |" in lines[2]


def test_status_times_to_the_second_and_schedules_in_words(cli: Run) -> None:  # noqa: F811
    assert cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z").exit_code == 0
    status = cli("status")
    line = next(row for row in status.output.splitlines() if "openrouter" in row)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line) and not re.search(r":\d\d\.\d", line)
    sources = cli("sources")
    assert "every 6 h" in sources.output or "every day" in sources.output
    assert ":00:00" not in sources.output.split("http")[0]


def test_output_helpers() -> None:
    assert output.every(timedelta(hours=6)) == "every 6 h"
    assert output.every(timedelta(days=1)) == "every day"
    assert output.every(timedelta(days=7)) == "every 7 days"
    assert output.every(timedelta(minutes=15)) == "every 15 min"
    assert output.when(datetime(2026, 5, 15, 12, 0, 1, 123456)) == "2026-05-15 12:00:01"
    assert output.when(date(2026, 5, 15)) == "2026-05-15" and output.when(None) == "never"
    console = Console(width=80, record=True)
    output.print_rows(["a", "b"], [("x" * 100, None)], output.Format.table, console)
    assert "x" * 30 in console.export_text()  # wrapped, not cut


def test_missing_snapshot_names_the_demo_and_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["sql", "SELECT 1"], env={"COLUMNS": "200"})
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "gapwatch collect" in result.output and "GAPWATCH_DATA_DIR" in result.output
    assert str(snapshot.DEMO_DATA) in result.output.replace("\n", "")


def test_without_a_chosen_data_dir_the_demos_snapshot_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = tmp_path / "demo"
    Settings(data_dir=demo).published_file.parent.mkdir(parents=True)
    Settings(data_dir=demo).published_file.write_bytes(b"")
    monkeypatch.setattr(snapshot, "DEMO_DATA", demo)
    monkeypatch.chdir(tmp_path)  # the default data_dir `data` is empty here
    for name in ("GAPWATCH_DATA_DIR", "GAPWATCH_PUBLISHED_PATH", "GAPWATCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    assert snapshot.snapshot_path(Settings()) == (Settings(data_dir=demo).published_file, True)
    chosen = Settings(data_dir=tmp_path / "mine")
    assert snapshot.snapshot_path(chosen) == (chosen.published_file, False)
