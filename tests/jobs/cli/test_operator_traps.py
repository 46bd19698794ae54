"""Operator traps: a command in the wrong data directory, a damaged raw document, a damaged git clone, a mistyped
or malformed gapwatch.toml. Each gets a clear error naming what is wrong and what to do, never a traceback, and
nothing is created or lost on the way."""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from tests.conftest import fixture_bytes

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")


def run(settings: Settings, tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    environ = {"GAPWATCH_DATA_DIR": str(settings.data_dir), "GAPWATCH_CONFIG": str(tmp_path / "none.toml"),
               "GAPWATCH_HOST_MIN_INTERVAL_S": "0", "COLUMNS": "300"}
    environ |= {f"GAPWATCH_BASE_URLS__{sid.upper()}": url for sid, url in settings.base_urls.items()}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env=environ | env)
    finally:
        get_settings.cache_clear()
    text = " ".join(result.output.split())
    assert "Traceback" not in text and "Aborted" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, text


READERS = [["status"], ["sql", "SELECT 1"], ["models", "unmatched"], ["alerts", "list"], ["licenses", "--help"],
           ["capability-map", "--check"], ["sources"]]
NEED_DATA = [["capability-map"], ["transforms"], ["reparse", "openrouter"], ["alerts", "deliver"]]


@pytest.mark.parametrize("args", READERS + NEED_DATA, ids=" ".join)
def test_no_command_but_a_collection_creates_a_warehouse(args: list[str], settings: Settings,
                                                         tmp_path: Path) -> None:
    code, text = run(settings, tmp_path, *args)
    assert not settings.data_dir.exists(), sorted(settings.data_dir.rglob("*"))
    if args in NEED_DATA:
        assert code == 1 and f"No warehouse in {settings.data_dir}" in text and "gapwatch collect" in text, text
    elif args[0] in ("status", "sql", "models", "alerts"):
        assert code == 1 and f"No published snapshot at {settings.published_file}" in text, text


def _etag_origin(origin: HTTPServer) -> None:
    """OpenRouter's catalogue with an ETag, answering 304 to a request that names it."""
    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"may"':
            return Response(status=304, headers={"ETag": '"may"'})
        return Response(MAY, content_type="application/json", headers={"ETag": '"may"'})
    origin.expect_request("/api/v1/models").respond_with_handler(answer)


def _truncate_raw(settings: Settings) -> Path:
    [stored] = [p for p in settings.raw_root.rglob("*.gz")]
    stored.write_bytes(stored.read_bytes()[:200])
    return stored


def test_a_truncated_raw_document_is_fetched_whole_again_on_a_304(settings: Settings, origin: HTTPServer,
                                                                   tmp_path: Path) -> None:
    _etag_origin(origin)
    assert run(settings, tmp_path, "collect", "openrouter", "--as-of", "2026-05-15T12:00Z")[0] == 0
    stored = _truncate_raw(settings)
    code, text = run(settings, tmp_path, "collect", "openrouter", "--as-of", "2026-05-16T12:00Z")
    assert code == 0, text
    assert gzip.decompress(stored.read_bytes()) == MAY  # a good copy again, under its name
    assert stored.with_name(stored.name + ".damaged").exists()  # the damaged one kept aside, not silently lost
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        fetches = con.execute("SELECT status, outcome FROM fetch_log WHERE url LIKE '%models' "
                              "ORDER BY fetched_at").fetchall()
        runs = con.execute("SELECT status FROM collection_run ORDER BY run_id").fetchall()
    assert fetches == [(200, "new"), (200, "same")]  # the second asked for the whole document, not a 304
    assert runs == [("ok",), ("unchanged",)]


def test_reparse_names_a_damaged_raw_document_and_keeps_the_history(settings: Settings, origin: HTTPServer,
                                                                     tmp_path: Path) -> None:
    _etag_origin(origin)
    assert run(settings, tmp_path, "collect", "openrouter", "--as-of", "2026-05-15T12:00Z")[0] == 0
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM price").fetchall()
    stored = _truncate_raw(settings)
    code, text = run(settings, tmp_path, "reparse", "openrouter")
    assert code == 2, text
    assert stored.stem[:12] in text and "nothing changed" in text and "gapwatch collect" in text, text
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM price").fetchall() == before


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    env = os.environ | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_backfill_git_with_a_missing_object_says_so(settings: Settings, tmp_path: Path) -> None:
    repo = tmp_path / "clone"
    repo.mkdir()
    _git(repo, "init", "-q")
    for body, date in ((MAY, "2026-05-15T12:00:00Z"), (JULY, "2026-07-17T12:00:00Z")):
        (repo / "models.json").write_bytes(body)
        _git(repo, "add", "models.json")
        _git(repo, "commit", "-qm", date, date=date)
    blob = _git(repo, "rev-parse", "HEAD~1:models.json")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    code, text = run(settings, tmp_path, "backfill", "openrouter", "--git", str(repo), "--path", "models.json")
    assert code == 2, text
    assert "models.json is missing from the repository's objects" in text and "git fetch" in text, text


@pytest.mark.parametrize(("toml", "expected"), [
    ('data_dri = "elsewhere"\n', "no setting is called `data_dri` (did you mean `data_dir`?)"),
    ('http_timeout_s = 30\nmax_body_bytes = \n', "is not valid TOML: Invalid value (at line 2, column 18)"),
    ('http_timeout_s = "soon"\n', "`http_timeout_s`: Input should be a valid number"),
    ("[base_urls\nopenrouter = 'x'\n", "is not valid TOML"),
])
def test_a_mistyped_or_malformed_gapwatch_toml_is_refused_naming_file_and_line(
        toml: str, expected: str, settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "gapwatch.toml"
    config.write_text(toml)
    for args in (["status"], ["collect", "openrouter"]):
        code, text = run(settings, tmp_path, *args, GAPWATCH_CONFIG=str(config))
        assert code == 2 and expected in text and str(config) in text, text
    assert not settings.data_dir.exists()
