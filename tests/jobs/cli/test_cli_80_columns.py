"""At 80 columns (what a pipe gets) the CLI's tables cut no name and break no word: a table when every column
fits its longest word, else one field per line. CSV lines end in LF."""

from __future__ import annotations

import re

from typer.testing import CliRunner, Result

from collectors.registry import SOURCES
from gapwatch.settings import get_settings
from jobs.cli.main import app
from tests.jobs.cli.test_cli import Run, cli  # noqa: F401  (the fixture)


def narrow(*args: str) -> Result:
    get_settings.cache_clear()
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})


def collected(cli: Run) -> None:  # noqa: F811
    assert cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z").exit_code == 0
    cli.advance()
    assert cli("collect", "openrouter", "--as-of", "2026-07-17T12:00:00Z").exit_code == 0


def words(text: str) -> set[str]:
    return set(re.split(r"[\s│┃|]+", text))


def test_status_breaks_no_word(cli: Run) -> None:  # noqa: F811
    collected(cli)
    shown = narrow("status")
    assert shown.exit_code == 0, shown.output
    found = words(shown.stdout)
    assert {s.id for s in SOURCES} <= found, sorted({s.id for s in SOURCES} - found)
    assert {"2026-07-17", "12:00:00", "unchanged"} & found or {"ok"} <= found


def test_alerts_list_shows_each_change_whole(cli: Run) -> None:  # noqa: F811
    collected(cli)
    wide = cli("sql", "SELECT kind, entity FROM v_changes", "--format", "csv").stdout.splitlines()[1:]
    assert wide, "the two collections raised no event"
    shown = narrow("alerts", "list", "--limit", "100")
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.stdout
    found = words(shown.stdout)
    for kind, entity in (line.split(",", 1) for line in wide):
        assert kind in found and all(w in found for w in entity.split()), entity


def test_models_show_and_unmatched_print_whole_names(cli: Run) -> None:  # noqa: F811
    collected(cli)
    name = "deepseek/deepseek-chat-v3-0324"
    shown = narrow("models", "show", name)
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.stdout and any(line.rstrip().endswith(name) for line in shown.stdout.splitlines())
    unmatched = cli("sql", "SELECT source_model FROM v_unmatched_names WHERE source = 'openrouter' "
                    "ORDER BY source_model LIMIT 5", "--format", "csv").stdout.splitlines()[1:]
    listed = narrow("models", "unmatched", "--source", "openrouter", "--limit", "5")
    assert listed.exit_code == 0, listed.output
    assert "…" not in listed.stdout
    assert set(unmatched) <= words(listed.stdout), unmatched


def test_csv_lines_end_in_lf(cli: Run) -> None:  # noqa: F811
    collected(cli)
    out = narrow("sql", "SELECT model, input_per_mtok FROM v_prices_current ORDER BY model LIMIT 3", "--format", "csv")
    assert out.exit_code == 0, out.output
    # The bytes written: click's `Result.stdout` turns CRLF into LF itself.
    assert b"\r" not in out.stdout_bytes and out.stdout_bytes.count(b"\n") == 4
