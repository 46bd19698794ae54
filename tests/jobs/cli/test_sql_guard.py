"""`gapwatch sql` (a real process) and the app's SQL page share one guard: the attacks that ran on the CLI."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from app import readonly_sql
from gapwatch.settings import get_settings
from jobs.cli.main import app
from warehouse import db, sql_guard
from warehouse.publish import open_snapshot, publish


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    con = db.connect(root / "gapwatch.duckdb")
    con.execute("CREATE TABLE wide AS SELECT range AS i, repeat('x', 10000) AS blob FROM range(2000)")
    publish(con, root / "published" / "gapwatch.duckdb")
    con.close()
    return root


def gapwatch_sql(data_dir: Path, query: str, *options: str) -> subprocess.CompletedProcess:
    """`gapwatch sql` as a real process."""
    env = {**os.environ, "GAPWATCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "jobs.cli", "sql", query, "--format", "csv", *options], env=env,
                          capture_output=True, text=True, timeout=60)


def cli_sql(data_dir: Path, query: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """`gapwatch sql` in this process (the same command, without a Python start-up per attack)."""
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["sql", query, "--format", "csv"])
    finally:
        get_settings.cache_clear()


ATTACKS = {
    "copy_to_file": "COPY (SELECT 1) TO '{out}'",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "glob": "SELECT * FROM glob('/etc/*')",
    "export": "EXPORT DATABASE '{dir}'",
    "stacked": "SELECT 1; COPY (SELECT 1) TO '{out}'",
    "set": "SET enable_external_access = true",
    "pragma": "PRAGMA enable_profiling",
    "call": "CALL pragma_version()",
    "install": "INSTALL httpfs",
    "attach": "ATTACH '{dir}/other.duckdb' AS other",
    "reset_lock": "SELECT * FROM read_text('/etc/hostname') WHERE current_setting('lock_configuration')",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_cli_sql_refuses_what_is_not_one_read_only_query(data_dir: Path, tmp_path: Path, name: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.csv"
    query = ATTACKS[name].format(out=out, dir=tmp_path / "export")
    done = cli_sql(data_dir, query, monkeypatch)
    assert done.exit_code != 0, f"{name} ran: {done.output}"
    assert not out.exists() and not (tmp_path / "export").exists() and not (tmp_path / "export.duckdb").exists()
    assert "root:" not in done.output


def test_cli_sql_process_refuses_a_stacked_copy_and_still_answers_a_query(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    stacked = gapwatch_sql(data_dir, f"SELECT 1; COPY (SELECT 1) TO '{out}'")
    assert stacked.returncode == 1 and "one statement at a time" in stacked.stderr and not out.exists()
    done = gapwatch_sql(data_dir, "SELECT count(*) AS n FROM wide")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "2000"]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_app_guard_refuses_the_same(data_dir: Path, tmp_path: Path, name: str) -> None:
    query = ATTACKS[name].format(out=tmp_path / "out.csv", dir=tmp_path / "export")
    with pytest.raises((readonly_sql.RejectedQuery, duckdb.Error)):
        readonly_sql.run(data_dir / "published" / "gapwatch.duckdb", query)


def test_app_query_is_interrupted_at_its_time_limit(data_dir: Path) -> None:
    started = time.monotonic()
    with pytest.raises(readonly_sql.QueryStopped, match="longer than 0.5 s"):
        readonly_sql.run(data_dir / "published" / "gapwatch.duckdb",
                         "SELECT count(*) FROM range(1000000000000) a", timeout_s=0.5)
    assert time.monotonic() - started < 5


def test_app_result_is_capped_in_bytes(data_dir: Path) -> None:
    result = readonly_sql.run(data_dir / "published" / "gapwatch.duckdb", "SELECT * FROM wide",
                              max_bytes=2 * 1024 * 1024)
    assert result.truncated and 0 < result.frame.height < 2000
    assert result.frame.estimated_size() < 4 * 1024 * 1024


def test_app_hides_server_paths(data_dir: Path) -> None:
    path = data_dir / "published" / "gapwatch.duckdb"
    for query in ("SELECT path FROM duckdb_databases() WHERE path IS NOT NULL",
                  "SELECT value FROM duckdb_settings() WHERE value LIKE '%/%'"):
        shown = readonly_sql.run(path, query).frame.to_series().to_list()
        assert not any(str(data_dir) in v or str(Path.home()) in v for v in shown if v), shown


def test_a_long_lived_reader_sees_each_new_snapshot(data_dir: Path) -> None:
    published = data_dir / "published" / "gapwatch.duckdb"
    held = open_snapshot(published)  # the app keeps connections: one still open while a new version lands
    before = held.execute("SELECT max(version) FROM snapshot_info").fetchone()[0]
    con = db.connect(data_dir / "gapwatch.duckdb")
    con.execute("INSERT INTO wide VALUES (2000, 'y')")  # new data: a publish without any makes no new version
    publish(con, published)
    con.close()
    with open_snapshot(published) as fresh:
        assert fresh.execute("SELECT max(version) FROM snapshot_info").fetchone()[0] == before + 1
    held.close()


def test_the_sql_page_and_other_pages_read_the_snapshot_at_the_same_time(data_dir: Path) -> None:
    published = data_dir / "published" / "gapwatch.duckdb"
    with open_snapshot(published) as page:  # another page's plain connection, open meanwhile
        result = readonly_sql.run(published, "SELECT count(*) AS n FROM wide")
        assert result.frame["n"].to_list() == [2000]
        with pytest.raises(duckdb.Error):  # and the guard still holds
            readonly_sql.run(published, "SELECT * FROM read_text('/etc/hostname')")
        assert page.execute("SELECT count(*) FROM wide").fetchone() == (2000,)


# 2,048 rows of 1 MB strings: DuckDB builds a whole chunk (2 GB) before the first row can be counted, whatever
# the reader's batch size or DuckDB's memory_limit; the query's own process must be what bounds it.
HUGE_CHUNK = "SELECT repeat('x', 1000000) AS s FROM range(3000)"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_app_query_is_stopped_at_its_memory_limit_outside_the_app(data_dir: Path) -> None:
    before = _peak_rss_mb()
    started = time.monotonic()
    with pytest.raises(readonly_sql.QueryStopped, match="memory"):
        readonly_sql.run(data_dir / "published" / "gapwatch.duckdb", HUGE_CHUNK)
    assert time.monotonic() - started < 30
    assert _peak_rss_mb() - before < 300, "the query's result grew the app's own process"


def test_queries_beyond_the_concurrency_limit_wait_then_are_refused(data_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_guard, "WAIT_FOR_SLOT_S", 0.5)
    slow = "SELECT count(*) FROM range(1000000000000) a"
    path = data_dir / "published" / "gapwatch.duckdb"

    def one(_: int) -> str:
        try:
            sql_guard.run(path, slow, sql_guard.Limits(timeout_s=4))
        except sql_guard.QueryStopped as exc:
            return str(exc)
        return "finished"

    with ThreadPoolExecutor(sql_guard.MAX_CONCURRENT + 2) as pool:
        said = list(pool.map(one, range(sql_guard.MAX_CONCURRENT + 2)))
    assert sum("already running" in s for s in said) == 2, said
    assert sum("longer than 4 s" in s for s in said) == sql_guard.MAX_CONCURRENT, said


def test_cli_sql_has_time_memory_and_row_limits(data_dir: Path) -> None:
    started = time.monotonic()
    endless = gapwatch_sql(data_dir, "SELECT count(*) FROM range(1000000000000) a", "--timeout", "1")
    assert endless.returncode == 1 and "longer than 1 s" in endless.stderr, endless.stderr
    assert time.monotonic() - started < 20
    huge = gapwatch_sql(data_dir, HUGE_CHUNK)
    assert huge.returncode == 1 and "memory" in huge.stderr, huge.stderr[-500:]
    many = gapwatch_sql(data_dir, "SELECT range AS i FROM range(1000000)", "--max-rows", "10")
    assert many.returncode == 0, many.stderr
    assert many.stdout.splitlines() == ["i", *map(str, range(10))]
    assert "Only the first 10 rows" in many.stderr
