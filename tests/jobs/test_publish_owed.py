"""A publish is owed until done: a writer that finds the snapshot missing, damaged or behind the warehouse
publishes before anything else, and readers of a damaged snapshot get a clear error without paths.

Before: a kill -9 between a batch's end and its publish left readers with no snapshot or a stale one, and rerunning
the same command published nothing (its documents were already judged); a truncated, emptied or overwritten
snapshot stayed broken after the next collect (which found nothing new, so did not publish), and every reader
showed a raw traceback with server paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from gapwatch.settings import Settings
from jobs.pipeline import Pipeline, make_pipeline
from jobs.service import Service
from tests.jobs.test_crash import gapwatch_env
from tests.jobs.test_service import JULY, MAY, MODELS, ROOT, Origin, clone, service_settings, wait_until
from warehouse.publish import fingerprint, snapshot_problem

# Real gapwatch processes, killed (-9) or signalled.
pytestmark = pytest.mark.process

# Runs a gapwatch command in this process, pausing at one point of the publish path (marker written, then a long
# sleep) so the test's kill -9 lands exactly there. Nothing else changes: the real publish runs when not paused.
PAUSE_AT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import jobs.writer, warehouse.publish
    marker, where, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]

    def pausing(module, name):
        real = getattr(module, name)
        def pause(*a, **k):
            marker.write_text(name)
            time.sleep(120)
            return real(*a, **k)
        setattr(module, name, pause)

    if where == "before-publish":
        pausing(jobs.writer, "publish")          # the batch ended and committed; nothing published yet
    else:
        pausing(warehouse.publish, "_link_version")  # the copy is made and stamped; not yet renamed into place
    from jobs.cli.main import app
    app(args)
""")


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jobs.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def _in_step(settings: Settings) -> None:
    """The snapshot is the warehouse's last publish of its current state, and it reads."""
    con = duckdb.connect(str(settings.warehouse_file), read_only=True)
    try:
        assert snapshot_problem(con, settings.published_file) is None
        with duckdb.connect(str(settings.published_file), read_only=True) as snap:
            assert fingerprint(snap) == fingerprint(con)
            assert snap.execute("SELECT count(*) FROM price").fetchall()[0][0] > 0
    finally:
        con.close()


def _history(tmp_path: Path) -> Path:
    history = tmp_path / "history"
    history.mkdir(exist_ok=True)
    (history / "models_2026-05-15.json").write_bytes(MAY)
    (history / "models_2026-07-17.json").write_bytes(JULY)
    return history


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "collect": lambda tmp: ["collect", "openrouter", "--as-of", "2026-07-20T00:00Z"],
    "backfill": lambda tmp: ["backfill", "openrouter", "--dir", str(_history(tmp))],
    "transforms": lambda tmp: ["transforms"],
    "capability-map": lambda tmp: ["capability-map"],
}


@pytest.mark.parametrize("where", ["before-publish", "before-rename"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_kill_9_between_a_commands_end_and_its_publish_is_healed_by_rerunning_it(
        command: str, where: str, tmp_path: Path, origin: HTTPServer, settings: Settings) -> None:
    origin.expect_request(MODELS).respond_with_handler(lambda request: Response(JULY, content_type="application/json"))
    env = gapwatch_env(tmp_path, settings, {"GAPWATCH_BASE_URLS__OPENROUTER": settings.base_urls["openrouter"],
                                            "GAPWATCH_HOST_MIN_INTERVAL_S": "0"})
    if command in ("transforms", "capability-map"):  # something to recompute or map: a first collection
        done = _cli(env, "collect", "openrouter", "--as-of", "2026-05-15T12:00Z")
        assert done.returncode == 0, done.stdout + done.stderr
        if command == "capability-map":  # an edited map: loading it changes the warehouse
            custom = tmp_path / "map.toml"
            custom.write_text('[[map]]\nboard = "*"\ncategory = "*"\ncapability = "general"\n')
            env["GAPWATCH_CAPABILITY_MAP_PATH"] = str(custom)
    args = COMMANDS[command](tmp_path)
    _kill_9_paused_at(where, args, tmp_path / "paused", env)

    if command in ("collect", "backfill"):  # what the killed command committed is not what readers see
        with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
            assert snapshot_problem(con, settings.published_file) is not None
    done = _cli(env, *args)  # the same command again
    assert done.returncode == 0, done.stdout + done.stderr
    _in_step(settings)
    leftovers = list(settings.published_file.parent.glob(".*.tmp*"))
    assert leftovers == []


def _kill_9_paused_at(where: str, args: list[str], marker: Path, env: dict[str, str]) -> None:
    """Run the gapwatch command `args` until it pauses at `where`, then kill -9 it there."""
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_AT, str(marker), where, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: marker.exists() or proc.poll() is not None, timeout_s=120)
        assert marker.exists(), proc.communicate()[0]
    finally:
        proc.kill()  # SIGKILL: no handler, no cleanup
        proc.communicate(timeout=30)  # reaped, its pipe closed


def _damage(kind: str, target: Path, older: Path) -> None:
    data = target.read_bytes()
    if kind == "missing":
        target.unlink()
    elif kind == "zero bytes":
        target.write_bytes(b"")
    elif kind == "truncated to half":
        target.write_bytes(data[: len(data) // 2])
    elif kind == "truncated to 4 KiB":
        target.write_bytes(data[:4096])
    elif kind == "truncated to 90 %":
        target.write_bytes(data[: len(data) * 9 // 10])
    elif kind == "garbage":
        target.write_bytes(os.urandom(len(data)))
    elif kind == "a text file":
        target.write_text("this is not a database\n" * 100)
    elif kind == "an older version put back":
        shutil.copyfile(older, target)
    elif kind == "without snapshot_info":
        with duckdb.connect(str(target)) as con:
            con.execute("DROP TABLE snapshot_info")
    else:
        raise AssertionError(kind)


DAMAGE = ["missing", "zero bytes", "truncated to half", "truncated to 4 KiB", "truncated to 90 %", "garbage",
          "a text file", "an older version put back", "without snapshot_info"]


@pytest.fixture
def published_twice(tmp_path: Path, origin: HTTPServer, settings: Settings) -> tuple[Settings, Path, dict]:
    """A warehouse with two publishes (an older copy kept aside) and the env of a gapwatch subprocess for it."""
    bodies = iter([MAY, JULY])
    current = {"body": next(bodies)}
    origin.expect_request(MODELS).respond_with_handler(
        lambda request: Response(current["body"], content_type="application/json"))
    env = gapwatch_env(tmp_path, settings, {"GAPWATCH_BASE_URLS__OPENROUTER": settings.base_urls["openrouter"],
                                            "GAPWATCH_HOST_MIN_INTERVAL_S": "0"})
    assert _cli(env, "collect", "openrouter", "--as-of", "2026-05-15T12:00Z").returncode == 0
    older = tmp_path / "older.duckdb"
    shutil.copyfile(settings.published_file, older)
    current["body"] = next(bodies)
    assert _cli(env, "collect", "openrouter", "--as-of", "2026-07-17T12:00Z").returncode == 0
    return settings, older, env


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_snapshot_is_repaired_by_the_next_collect_that_finds_nothing_new(
        kind: str, published_twice: tuple[Settings, Path, dict]) -> None:
    settings, older, env = published_twice
    _damage(kind, settings.published_file, older)
    done = _cli(env, "collect", "openrouter")  # the same document: unchanged, which used to publish nothing
    assert done.returncode == 0, done.stdout + done.stderr
    _in_step(settings)


# Damage no reader can get past: the file is not a database, or its header's first blocks are gone. A snapshot cut
# further on may still answer a query from the blocks it kept; either way no reader shows a traceback or a path.
UNREADABLE = ("zero bytes", "truncated to 4 KiB", "garbage", "a text file")


@pytest.mark.parametrize("kind", [k for k in DAMAGE if k not in ("missing", "an older version put back")])
def test_readers_of_a_damaged_snapshot_get_a_clear_error_without_paths(
        kind: str, published_twice: tuple[Settings, Path, dict]) -> None:
    settings, older, env = published_twice
    _damage(kind, settings.published_file, older)
    readers = [["sql", "SELECT count(*) FROM price"], ["status"]]
    if kind == "garbage":
        readers += [["models", "unmatched"], ["alerts", "list"]]
    for args in readers:
        done = _cli(env, *args)
        text = " ".join((done.stdout + done.stderr).split())
        assert "Traceback" not in text and str(settings.data_dir) not in text, (args, text)
        if kind in UNREADABLE or done.returncode != 0:
            assert done.returncode == 1, (args, text)
            assert "snapshot cannot be read" in text and "gapwatch collect" in text, (args, text)


def test_a_fresh_data_dir_publishes_nothing_before_its_first_collection(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with make_pipeline(settings):
        pass
    assert not settings.published_file.exists()


def test_a_running_service_repairs_a_damaged_snapshot_at_its_next_run_even_an_unchanged_one(tmp_path: Path) -> None:
    origin = Origin()
    origin.serve(f"/good{MODELS}", MAY)  # the same document every time: every run after the first is unchanged
    try:
        settings = service_settings(tmp_path, origin, ["good"])
        service = Service(settings, sources=[clone("good")], pipeline=Pipeline(settings))
        service.start()
        try:
            wait_until(lambda: service.outcomes[("good", "unchanged")] >= 1, timeout_s=30)
            settings.published_file.write_bytes(b"")
            runs = service.outcomes[("good", "unchanged")]
            wait_until(lambda: service.outcomes[("good", "unchanged")] > runs, timeout_s=30)
            with service.pipe.locked() as con:
                assert snapshot_problem(con, settings.published_file) is None
        finally:
            service.stop()
    finally:
        origin.close()

