"""One writer for the writer's whole life: a second writer is refused while `gapwatch serve` runs, in every phase.

DuckDB's own lock is a POSIX record lock that the process loses when it closes any descriptor of the file, which
publishing did (the file copy): from the first publish on, a second `collect`, `backfill` or `transforms` was let
in. These tests run a real `gapwatch serve` subprocess on loopback data and start the other writer commands as
real subprocesses after several publishes, with and without a write-ahead log, while the service idles, ingests
and waits on a slow fetch.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.jobs.test_crash import gapwatch_env
from tests.jobs.test_service import JULY, MAY, MODELS, ROOT, Origin, wait_until
from warehouse.db import WarehouseLocked
from warehouse.publish import snapshot_problem
from warehouse.writer_lock import lock_path

# Real gapwatch processes, killed (-9) or signalled.
pytestmark = pytest.mark.process


def _version(published: Path) -> int:
    if not published.exists():
        return 0
    try:
        with duckdb.connect(":memory:") as con:
            con.execute(f"ATTACH '{published}' AS s (READ_ONLY)")
            return con.execute("SELECT max(version) FROM s.snapshot_info").fetchall()[0][0] or 0
    except duckdb.Error:
        return 0


def snapshot_problem_now(settings: Settings) -> str | None:
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        return snapshot_problem(con, settings.published_file)


def _wal_bytes(warehouse: Path) -> int:
    wal = warehouse.with_name(warehouse.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def _writers(tmp_path: Path) -> dict[str, list[str]]:
    history = tmp_path / "history"
    history.mkdir(exist_ok=True)
    (history / "models_2026-05-15.json").write_bytes(MAY)
    return {
        "collect": ["collect", "openrouter"],
        "backfill": ["backfill", "openrouter", "--dir", str(history)],
        "transforms": ["transforms"],
        "reparse": ["reparse", "openrouter"],
        "capability-map": ["capability-map"],
        "alerts deliver": ["alerts", "deliver"],
    }


def _refused_everywhere(writers: dict[str, list[str]], env: dict[str, str], serve_pid: int,
                        holder: str = "serve") -> None:
    procs = {name: subprocess.Popen([sys.executable, "-m", "jobs.cli", *args], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for name, args in writers.items()}
    for name, proc in procs.items():
        out = " ".join(proc.communicate(timeout=120)[0].split())
        assert proc.returncode == 2, f"{name} was let in next to serve: {out}"
        assert f"process {serve_pid}" in out and holder in out and "since" in out, f"{name}: {out}"
        assert "Traceback" not in out, out


def test_a_second_writer_is_refused_while_serve_runs_with_and_without_a_wal(tmp_path: Path) -> None:
    origin = Origin()
    path = f"/openrouter{MODELS}"
    origin.serve(path, MAY, JULY)  # every run changes the data: every run publishes
    settings = Settings(data_dir=tmp_path / "data")
    env = gapwatch_env(tmp_path, settings, {
        "GAPWATCH_BASE_URLS__OPENROUTER": f"{origin.url}/openrouter", "GAPWATCH_ENABLED_SOURCES": '["openrouter"]',
        "GAPWATCH_SCHEDULE_EVERY_S__OPENROUTER": "1", "GAPWATCH_SCHEDULE_JITTER_S": "0",
        "GAPWATCH_HOST_MIN_INTERVAL_S": "0", "GAPWATCH_HTTP_TIMEOUT_S": "120", "GAPWATCH_FETCH_DEADLINE_S": "600"})
    writers = _writers(tmp_path)
    serve = subprocess.Popen([sys.executable, "-m", "jobs.cli", "serve"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    warehouse, published = settings.warehouse_file, settings.published_file
    try:
        # After several publishes (each one copied the file and closed that copy's descriptor).
        wait_until(lambda: _version(published) >= 4 or serve.poll() is not None, timeout_s=90)
        assert serve.poll() is None
        _refused_everywhere(writers, env, serve.pid)

        # Unchanged runs write their records and schedule without publishing: a write-ahead log is present.
        origin.serve(path, JULY)
        wait_until(lambda: _wal_bytes(warehouse) > 0 and origin.requests[path] >= 2, timeout_s=60)
        time.sleep(2)  # a few more unchanged runs
        assert _wal_bytes(warehouse) > 0
        _refused_everywhere(writers, env, serve.pid)

        # A changed run publishes (checkpoint: the log is empty), then the service waits on a slow fetch.
        version = _version(published)
        origin.serve(path, MAY)
        wait_until(lambda: _version(published) > version, timeout_s=60)
        origin.serve(path, JULY, delay_s=90)
        wait_until(lambda: origin.in_flight > 0, timeout_s=30)
        assert _wal_bytes(warehouse) == 0
        _refused_everywhere(writers, env, serve.pid)
        assert serve.poll() is None
    finally:
        serve.terminate()
        out = serve.communicate(timeout=60)[0]
        origin.close()
    assert serve.returncode == 0, out
    assert "Traceback" not in out, out
    # The warehouse opens afterwards and holds what the service wrote; the lock went with the service.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ok_runs = con.execute("SELECT count(*) FROM collection_run WHERE status = 'ok'").fetchall()[0][0]
        assert ok_runs >= 5
        assert con.execute("SELECT count(*) FROM price").fetchall()[0][0] > 0
    assert lock_path(warehouse).read_text() == ""
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "transforms"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# The service, paused (marker written, then asleep) at a moment `gapwatch serve` passes through too quickly for a
# test to aim at: inside an ingest's transaction (uncommitted facts in the log), or inside a publish (the copy made
# and stamped, not yet renamed). It has published before: its first publish at start-up, then its first run's.
SERVICE_PAUSED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import warehouse.publish
    from gapwatch.settings import Settings
    from jobs.hooks import default_hooks
    from jobs.pipeline import Pipeline
    from jobs.service import Service, stop_on_signals

    marker, where = Path(sys.argv[1]), sys.argv[2]
    runs = []

    def pause(what):
        marker.write_text(what)
        time.sleep(300)

    def in_ingest(con, source, outcome):
        runs.append(outcome.status)
        if where == "ingest" and len(runs) == 3:
            pause("ingest")

    real_link = warehouse.publish._link_version
    def in_publish(tmp, target, version):
        if where == "publish" and version >= 3:
            pause("publish")
        return real_link(tmp, target, version)
    warehouse.publish._link_version = in_publish

    settings = Settings()
    stop = stop_on_signals()
    Service(settings, pipeline=Pipeline(settings, hooks=default_hooks(settings) + [in_ingest])).start()
    stop.wait(300)
""")


@pytest.mark.parametrize("where", ["ingest", "publish"])
def test_a_second_writer_is_refused_while_the_service_is_inside_an_ingest_or_a_publish(
        where: str, tmp_path: Path) -> None:
    origin = Origin()
    origin.serve(f"/openrouter{MODELS}", MAY, JULY)
    settings = Settings(data_dir=tmp_path / "data")
    env = gapwatch_env(tmp_path, settings, {
        "GAPWATCH_BASE_URLS__OPENROUTER": f"{origin.url}/openrouter", "GAPWATCH_ENABLED_SOURCES": '["openrouter"]',
        "GAPWATCH_SCHEDULE_EVERY_S__OPENROUTER": "1", "GAPWATCH_SCHEDULE_JITTER_S": "0",
        "GAPWATCH_HOST_MIN_INTERVAL_S": "0"})
    marker = tmp_path / "paused"
    service = subprocess.Popen([sys.executable, "-c", SERVICE_PAUSED, str(marker), where], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: marker.exists() or service.poll() is not None, timeout_s=120)
        assert marker.exists(), service.communicate()[0]
        assert _version(settings.published_file) >= 2
        _refused_everywhere(_writers(tmp_path), env, service.pid, holder="-c")
    finally:
        service.kill()  # kill -9 where it stands: the warehouse must still open, the lock must go with it
        service.communicate(timeout=30)  # reaped, its pipe closed
    try:
        done = subprocess.run([sys.executable, "-m", "jobs.cli", "collect", "openrouter"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        origin.close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot_problem_now(settings) is None
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM collection_run WHERE status = 'ok'").fetchall()[0][0] >= 2


def test_the_lock_outlives_every_publish_within_one_process(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    with Pipeline(settings) as pipe:
        for _ in range(3):
            pipe.publish()
        with pytest.raises(WarehouseLocked, match=r"another writer holds .*process \d+"):
            Pipeline(settings)
    with Pipeline(settings):  # released on close
        pass
