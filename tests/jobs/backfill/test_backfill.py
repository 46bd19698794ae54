"""`gapwatch backfill SOURCE --dir DIR`: dated files through the live pipeline, idempotent, fitted around live data."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result

from collectors.pricing import openrouter
from gapwatch.rows import ParseResult
from gapwatch.settings import Settings, get_settings
from gapwatch.source import DocMeta
from jobs.backfill.backfill import backfill, dir_versions, snapshots
from jobs.backfill.dated_files import date_in_name, dated_files
from jobs.cli.main import app
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes, realdata
from warehouse.bulk import BulkWriter

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")
DEEPSEEK = "deepseek/deepseek-chat-v3-0324"
T1, T2, T3 = datetime(2026, 5, 15), datetime(2026, 6, 1), datetime(2026, 7, 17, 12)
TABLES = ("collection_run", "raw_document", "price", "source_model", "leaderboard_score", "publish_log", "fetch_log",
          "change_event", "alert_delivery")

Cli = Callable[..., Result]


def repriced(body: bytes, model: str, prompt: str, completion: str) -> bytes:
    """`body` with one model's per-token prices changed, as the next version of the upstream list would be."""
    doc = json.loads(body)
    for entry in doc["data"]:
        if entry["id"] == model:
            entry["pricing"].update(prompt=prompt, completion=completion)
    return json.dumps(doc).encode()


def write(root: Path, name: str, body: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """Run `gapwatch backfill ...` against the test's warehouse, as a user would."""
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))

    def invoke(*args: object) -> Result:
        get_settings.cache_clear()  # each invocation reads the environment afresh, as a new process would
        return CliRunner().invoke(app, ["backfill", *map(str, args)], env={"COLUMNS": "200"})

    yield invoke
    get_settings.cache_clear()


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def counts(settings: Settings) -> dict[str, int]:
    return {t: query(settings, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def deepseek_history(settings: Settings) -> list[tuple]:
    return query(settings, "SELECT input_per_mtok, output_per_mtok, valid_from, valid_to FROM v_price_history "
                           "WHERE model = ? ORDER BY valid_from", [DEEPSEEK])


@pytest.fixture
def dated_dir(tmp_path: Path) -> Path:
    root = tmp_path / "openrouter-history"
    write(root, "models_2026-05-15_aaaa.json", MAY)
    write(root, "models_2026-06-01_bbbb.json", repriced(MAY, DEEPSEEK, "0.00000019", "0.00000077"))
    write(root, "models_2026-07-17_cccc.json", JULY)
    write(root, "README.md", b"how these files were collected")
    return root


def test_dir_backfill_writes_history_at_file_dates(settings: Settings, cli: Cli, dated_dir: Path) -> None:
    result = cli("openrouter", "--dir", dated_dir)
    assert result.exit_code == 0, result.output
    assert "no date in README.md" in result.output
    assert "3 documents in 3 snapshots — 3 ok" in result.output
    july = datetime(2026, 7, 17)
    assert deepseek_history(settings) == [(0.2, 0.77, T1, T2), (0.19, 0.77, T2, july), (0.18, 0.72, july, None)]
    runs = query(settings, "SELECT observed_at, status, trigger FROM collection_run ORDER BY observed_at")
    assert runs == [(T1, "ok", "backfill"), (T2, "ok", "backfill"), (july, "ok", "backfill")]
    # Published once at the end, not after each document.
    assert query(settings, "SELECT count(*) FROM publish_log") == [(1,)]
    with duckdb.connect(str(settings.published_file), read_only=True) as published:
        assert published.execute("SELECT count(*) FROM v_price_history WHERE model = ?", [DEEPSEEK]).fetchone() == (3,)
    # The document URL is the file it came from, so provenance points at what was read.
    urls = query(settings, "SELECT first_url FROM raw_document ORDER BY first_url")
    assert [u[0].rsplit("/", 1)[1] for u in urls] == sorted(p.name for p in dated_dir.glob("*.json"))
    assert all(u[0].startswith("file:///") for u in urls)


def test_second_run_adds_nothing(settings: Settings, cli: Cli, dated_dir: Path) -> None:
    assert cli("openrouter", "--dir", dated_dir).exit_code == 0
    before, raw_files = counts(settings), sorted(settings.raw_root.rglob("*.gz"))
    again = cli("openrouter", "--dir", dated_dir)
    assert again.exit_code == 0, again.output
    assert "0 ok, 0 unchanged, 0 rejected, 3 already ingested" in again.output
    assert counts(settings) == before
    assert sorted(settings.raw_root.rglob("*.gz")) == raw_files


def test_backfill_fits_under_newer_live_data(settings: Settings, origin: HTTPServer, tmp_path: Path) -> None:
    """Collected live at T3, then the past (T1, T2) backfilled: intervals split exactly at T1, T2, T3."""
    origin.expect_request("/api/v1/models").respond_with_data(JULY, content_type="application/json")
    root = tmp_path / "past"
    write(root, "models_2026-05-15.json", MAY)
    write(root, "models_2026-06-01.json", repriced(MAY, DEEPSEEK, "0.00000019", "0.00000077"))
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T3).status == "ok"
        found, _ = dated_files(root)
        report = backfill(pipe, openrouter.SOURCE, snapshots(openrouter.SOURCE, dir_versions(found)))
        assert [o.status for o in report.outcomes] == ["ok", "ok"]
    assert deepseek_history(settings) == [(0.2, 0.77, T1, T2), (0.19, 0.77, T2, T3), (0.18, 0.72, T3, None)]
    granite = query(settings, "SELECT valid_from, valid_to FROM price WHERE model = 'ibm-granite/granite-4.1-8b'")
    assert granite == [(T1, T3)]  # unchanged at T2, gone from the live list at T3
    kimi = query(settings, "SELECT valid_from, valid_to FROM price WHERE model = 'moonshotai/kimi-k3'")
    assert kimi == [(T3, None)]
    overlaps = query(settings, "SELECT count(*) FROM price a JOIN price b USING (source, provider, model, tier) "
                               "WHERE a.valid_from < b.valid_from "
                               "AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)")
    assert overlaps == [(0,)]


def test_rejected_document_is_judged_once(settings: Settings, cli: Cli, dated_dir: Path) -> None:
    write(dated_dir, "models_2026-06-15.json", MAY[: len(MAY) // 2])
    first = cli("openrouter", "--dir", dated_dir)
    assert first.exit_code == 1 and "truncated JSON" in first.output
    before = counts(settings)
    second = cli("openrouter", "--dir", dated_dir)
    assert second.exit_code == 0 and "4 already ingested" in second.output
    assert counts(settings) == before
    rejected = query(settings, "SELECT observed_at FROM collection_run WHERE status = 'rejected'")
    assert rejected == [(datetime(2026, 6, 15),)]
    # The quarantined document changed nothing: the June price runs on to July.
    assert deepseek_history(settings)[1][2:] == (T2, datetime(2026, 7, 17))


def test_boards_of_one_date_form_one_snapshot(settings: Settings, cli: Cli, tmp_path: Path) -> None:
    june = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
    root = tmp_path / "arena"
    write(root, "lmsys_2024-06-19_3792cf00e8.csv", june)
    write(root, "lmsys_2024-10-16_c05d3e1fbc.csv", june.replace(b"GPT-4o-2024-05-13,1287", b"GPT-4o-2024-05-13,1290"))
    write(root, "lmarena_vision_2024-10-16_e964e252a1.csv", b"\n".join(june.splitlines()[:7]))
    write(root, "lmsys_2024-12-31_fd1f48b039.csv", june)
    result = cli("lmarena", "--dir", root)
    assert result.exit_code == 0, result.output
    runs = query(settings, "SELECT observed_at, len(documents) FROM collection_run ORDER BY observed_at")
    assert runs == [(datetime(2024, 6, 19), 1), (datetime(2024, 10, 16), 2), (datetime(2024, 12, 31), 1)]
    # A text-only document later does not end the vision board: each board is its own scope.
    vision = query(settings, "SELECT count(*), min(valid_from), max(valid_to) FROM leaderboard_score "
                             "WHERE board = 'lmarena-vision'")
    assert vision == [(6, datetime(2024, 10, 16), None)]
    gpt4o = query(settings, "SELECT score, valid_from, valid_to FROM leaderboard_score WHERE board = 'lmarena-text' "
                            "AND model = 'GPT-4o-2024-05-13' ORDER BY valid_from")
    assert gpt4o == [(1287, datetime(2024, 6, 19), datetime(2024, 10, 16)),
                     (1290, datetime(2024, 10, 16), datetime(2024, 12, 31)),
                     (1287, datetime(2024, 12, 31), None)]


def test_manifest_sets_times_and_urls(settings: Settings, cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "snapshots"
    write(root, "a.json", MAY)
    write(root, "b_2020-01-01.json", JULY)
    manifest = write(tmp_path, "manifest.csv", (
        b"file,observed_at,url\n"
        b"a.json,2026-05-15T10:30:00-07:00,https://openrouter.ai/api/v1/models\n"
        b"b_2020-01-01.json,2026-07-17T09:00:00Z,\n"
    ))
    result = cli("openrouter", "--dir", root, "--manifest", manifest)
    assert result.exit_code == 0, result.output
    runs = query(settings, "SELECT observed_at FROM collection_run ORDER BY observed_at")
    assert runs == [(datetime(2026, 5, 15, 17, 30),), (datetime(2026, 7, 17, 9),)]
    urls = {u for (u,) in query(settings, "SELECT first_url FROM raw_document")}
    assert urls == {"https://openrouter.ai/api/v1/models", (root / "b_2020-01-01.json").resolve().as_uri()}


def test_one_document_source_refuses_two_files_of_one_date(settings: Settings, cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "dup"
    write(root, "models_2026-05-15_a.json", MAY)
    write(root, "models_2026-05-15_b.json", JULY)
    result = cli("openrouter", "--dir", root)
    assert result.exit_code == 2
    assert "publishes one document, but 2 are dated 2026-05-15" in result.output
    assert not settings.warehouse_file.exists()


def test_two_exports_of_one_board_on_one_date_are_refused_naming_both(settings: Settings, cli: Cli,
                                                                      tmp_path: Path) -> None:
    """Two text-arena exports committed the same day (data versions 07.27 and 08.04): merging them would keep
    whichever row came first, so the backfill stops and names both files."""
    june = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
    root = tmp_path / "arena"
    write(root, "lmarena_text_2025-08-06_283321b9c6_data2025.07.27.csv", june)
    write(root, "lmarena_text_2025-08-06_e964e252a1_data2025.08.04.csv",
          june.replace(b"GPT-4o-2024-05-13,1287", b"GPT-4o-2024-05-13,1290"))
    result = cli("lmarena", "--dir", root)
    assert result.exit_code == 2, result.output
    assert "both publish board lmarena-text" in result.output
    assert "283321b9c6" in result.output and "e964e252a1" in result.output
    assert query(settings, "SELECT count(*) FROM leaderboard_score") == [(0,)]


def test_a_board_is_compared_only_with_its_own_previous_state(settings: Settings, cli: Cli, tmp_path: Path) -> None:
    june = fixture_bytes("lmarena", "lmsys_2024-06-19.csv")
    root = tmp_path / "arena"
    write(root, "lmsys_2024-06-19_3792cf00e8.csv", june)
    # a small vision board alone on a later day is not a collapse of the text board
    write(root, "lmarena_vision_2024-07-01_e964e252a1.csv", b"\n".join(june.splitlines()[:7]))
    # the text board shrinking to a sixth of itself is
    write(root, "lmsys_2024-08-01_c05d3e1fbc.csv", b"\n".join(june.splitlines()[:6]))
    result = cli("lmarena", "--dir", root)
    assert result.exit_code == 1, result.output  # one snapshot was quarantined
    runs = query(settings, "SELECT observed_at, status, error FROM collection_run ORDER BY observed_at")
    assert [r[1] for r in runs] == ["ok", "ok", "rejected"]
    assert "board lmarena-text collapsed from" in runs[2][2]


def test_versions_of_one_document_in_a_directory_are_carried_forward(settings: Settings, cli: Cli,
                                                                     tmp_path: Path) -> None:
    """A file named after a source document (`polyglot_leaderboard_<date>.yml`) is a version of it: each snapshot
    holds every document's newest version, as a live collection would have fetched them."""
    root = tmp_path / "aider"
    write(root, "polyglot_leaderboard_2025-03-29.yml", fixture_bytes("aider", "polyglot_leaderboard_2025-03-29.yml"))
    write(root, "edit_leaderboard_2025-04-01.yml", fixture_bytes("aider", "edit_leaderboard_2024-05-15.yml"))
    result = cli("aider", "--dir", root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 snapshots, 3 documents" in result.output


def test_dry_run_lists_snapshots_and_writes_nothing(settings: Settings, cli: Cli, dated_dir: Path) -> None:
    result = cli("openrouter", "--dir", dated_dir, "--dry-run", "--since", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "2 snapshots, 2 documents" in result.output and "models_2026-05-15" not in result.output
    assert not settings.warehouse_file.exists()


def test_since_and_every_apply_to_directories(settings: Settings, cli: Cli, dated_dir: Path) -> None:
    write(dated_dir, "models_2026-06-03_dddd.json", repriced(MAY, DEEPSEEK, "0.00000021", "0.00000077"))
    result = cli("openrouter", "--dir", dated_dir, "--since", "2026-05-20", "--every", "1w")
    assert result.exit_code == 0, result.output
    # 2026-06-01 and 06-03 share the epoch-aligned week starting Thursday 2026-05-28: the later one is kept.
    runs = query(settings, "SELECT observed_at FROM collection_run ORDER BY observed_at")
    assert runs == [(datetime(2026, 6, 3),), (datetime(2026, 7, 17),)]


@pytest.mark.realdata
def test_realdata_lmarena_history(settings: Settings, cli: Cli, tmp_path: Path) -> None:
    source_dir = realdata("lmarena")
    result = cli("lmarena", "--dir", source_dir)
    assert result.exit_code == 0, result.output
    runs = query(settings, "SELECT observed_at, len(documents), status FROM collection_run ORDER BY observed_at")
    assert [r[0] for r in runs] == sorted({date_in_name(p.name) for p in source_dir.glob("*.csv")})
    assert runs[-1] == (datetime(2025, 8, 6), 3, "ok") and all(r[2] == "ok" for r in runs)
    boards = {b for (b,) in query(settings, "SELECT DISTINCT board FROM leaderboard_score WHERE valid_to IS NULL")}
    assert {"lmarena-text", "lmarena-vision"} <= boards


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nosuch", "--dir", "."), "unknown source 'nosuch'"),
        (("openrouter",), "give exactly one of --dir DIR or --git REPO"),
        (("openrouter", "--git", "."), "--git needs --path FILE"),
        (("openrouter", "--git", ".", "--path", "x", "--manifest", __file__), "--manifest dates the files"),
        (("openrouter", "--dir", ".", "--since", "last week"), "is not an ISO date"),
    ],
)
def test_usage_errors_are_explained(settings: Settings, cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not settings.warehouse_file.exists()


def test_a_parser_crash_on_the_worker_thread_is_judged_like_a_live_one(settings: Settings, dated_dir: Path) -> None:
    """Snapshots are parsed ahead on a worker thread; a crash there quarantines that snapshot only."""
    def crash_in_june(body: bytes, meta: DocMeta) -> ParseResult:
        if meta.observed_at == T2:
            raise KeyError("pricing")
        return openrouter.SOURCE.parse(body, meta)

    source = dataclasses.replace(openrouter.SOURCE, parse=crash_in_june)
    snaps = snapshots(source, dir_versions(dated_files(dated_dir)[0]))
    with make_pipeline(settings) as pipe:
        report = backfill(pipe, source, snaps)
        june_sha = pipe.con.execute("SELECT documents[1] FROM collection_run WHERE observed_at = ?", [T2]).fetchone()[0]
        assert pipe.raw.has(june_sha)  # stored verbatim by the worker, so `gapwatch reparse` can re-judge it
    assert [o.status for o in report.outcomes] == ["ok", "rejected", "ok"]
    assert "parser crashed: KeyError: 'pricing'" in report.outcomes[1].error
    july = datetime(2026, 7, 17)
    assert deepseek_history(settings) == [(0.2, 0.77, T1, july), (0.18, 0.72, july, None)]


def test_ctrl_c_keeps_and_publishes_what_was_ingested(settings: Settings, cli: Cli, dated_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # An empty warehouse: the backfill only appends, so it judges snapshots in bulk (`BulkWriter.add`).
    ingest = BulkWriter.add
    calls: list[datetime] = []

    def interrupted_at_the_third(self: BulkWriter, docs: list, observed_at: datetime, parse: object) -> object:
        calls.append(observed_at)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return ingest(self, docs, observed_at, parse)

    monkeypatch.setattr(BulkWriter, "add", interrupted_at_the_third)
    result = cli("openrouter", "--dir", dated_dir)
    assert result.exit_code == 130, result.output
    assert "interrupted after 2 of 3 snapshots (up to 2026-06-01 00:00)" in result.output
    assert "run the same command again to continue" in result.output
    with duckdb.connect(str(settings.published_file), read_only=True) as published:  # the app sees both
        assert published.execute("SELECT count(*) FROM collection_run").fetchone() == (2,)
    monkeypatch.setattr(BulkWriter, "add", ingest)
    again = cli("openrouter", "--dir", dated_dir)
    assert again.exit_code == 0, again.output
    assert "1 ok, 0 unchanged, 0 rejected, 2 already ingested" in again.output
