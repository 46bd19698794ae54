"""`gapwatch collect/status/sql/reparse/sources` as a user runs them, against loopback HTTP and temp files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result
from werkzeug import Response

from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.pipeline import Pipeline
from tests.conftest import fixture_bytes

Run = Callable[..., Result]


@pytest.fixture
def cli(settings: Settings, origin: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    docs = iter([fixture_bytes("openrouter", name) for name in ("models_2026-05-15.json", "models_2026-07-17.json")])
    current = {"body": next(docs)}
    origin.expect_request("/api/v1/models").respond_with_handler(
        lambda request: Response(current["body"], content_type="application/json"))
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GAPWATCH_BASE_URLS__OPENROUTER", settings.base_urls["openrouter"])
    monkeypatch.setenv("GAPWATCH_HOST_MIN_INTERVAL_S", "0")

    def run(*args: str) -> Result:
        get_settings.cache_clear()  # a fresh process reads the environment afresh
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})

    run.advance = lambda: current.update(body=next(docs))  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


def test_collect_as_of_then_status_and_sql(cli: Run) -> None:
    first = cli("collect", "openrouter", "--as-of", "2026-05-15T12:00:00Z")
    assert first.exit_code == 0, first.output
    assert "openrouter: ok" in first.output
    cli.advance()
    second = cli("collect", "openrouter", "--as-of", "2026-07-17T12:00:00Z")
    assert second.exit_code == 0 and "openrouter: ok" in second.output

    status = cli("status")
    assert status.exit_code == 0, status.output
    line = next(row for row in status.output.splitlines() if "openrouter" in row)
    assert "2026-" in line and " ok " in line

    history = cli("sql", "SELECT input_per_mtok, valid_from, valid_to FROM v_price_history "
                  "WHERE model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from", "--format", "csv")
    assert history.exit_code == 0, history.output
    assert history.stdout.splitlines() == [
        "input_per_mtok,valid_from,valid_to",
        "0.2,2026-05-15 12:00:00,2026-07-17 12:00:00",
        "0.18,2026-07-17 12:00:00,",
    ]


def test_sql_is_read_only_and_errors_are_clear(cli: Run) -> None:
    assert cli("collect", "openrouter").exit_code == 0
    write = cli("sql", "DELETE FROM price")
    assert write.exit_code == 1 and "read-only" in write.output.lower()
    bad = cli("sql", "SELECT * FROM no_such_view")
    assert bad.exit_code == 1 and "no_such_view" in bad.output


def test_sql_and_status_without_a_snapshot_say_what_to_do(cli: Run) -> None:
    for args in (("status",), ("sql", "SELECT 1")):
        result = cli(*args)
        assert result.exit_code == 1 and "gapwatch collect" in result.output


def test_reparse_and_unknown_source(cli: Run) -> None:
    assert cli("collect", "openrouter").exit_code == 0
    result = cli("reparse", "openrouter")
    assert result.exit_code == 0 and "re-parsed 1 runs (1 ok, 0 rejected)" in result.output
    unknown = cli("collect", "nosuchsource")
    assert unknown.exit_code == 2 and "unknown source 'nosuchsource'" in unknown.output


def collect_while_held(cli: Run, settings: Settings, connect_args: str = "") -> tuple[object, int]:
    """`gapwatch collect` while another process holds the writer's file open (`duckdb.connect(path, <args>)`):
    the command's result and the holder's pid."""
    with Pipeline(settings):  # creates the warehouse file
        pass
    with subprocess.Popen(  # leaving the block closes the holder's pipe and waits for it
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(settings.warehouse_file)!r}"
         f"{connect_args}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "ready"
            return cli("collect", "openrouter"), holder.pid
        finally:
            holder.kill()


def test_a_second_writer_is_refused_with_advice(cli: Run, settings: Settings) -> None:
    # Another process (as `gapwatch serve` would be) holds the writer's lock.
    result, pid = collect_while_held(cli, settings)
    assert result.exit_code == 2 and f"held by process {pid}" in " ".join(result.output.split())


@pytest.mark.parametrize("read_only", [True, False])
def test_the_lock_message_names_the_holder_and_points_readers_at_the_snapshot(
    cli: Run, settings: Settings, read_only: bool,
) -> None:
    # A reader that opened the writer's file instead of the published snapshot (a notebook, a script).
    result, pid = collect_while_held(cli, settings, f", read_only={read_only}")
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"held by process {pid}" in text
    assert "published snapshot" in text and "gapwatch serve" not in text


def test_sources_lists_urls_with_overrides(cli: Run, settings: Settings) -> None:
    result = cli("sources")
    assert result.exit_code == 0 and settings.base_urls["openrouter"] in result.output
