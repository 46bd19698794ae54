"""kill -9 in the middle of an ingest: the warehouse is as before that ingest, and a restarted service goes on.

The service runs in a real subprocess with one extra ingest hook that marks the moment it is inside the
ingest transaction (facts and run record already written, not committed) and then waits, so the kill
lands there deterministically. Nothing in production code knows about it: hooks are the pipeline's seam.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Document, make_pipeline
from jobs.reparse import reparse
from jobs.service import Service
from tests.jobs.test_service import JULY, MAY, MODELS, Origin, wait_until
from warehouse import db
from warehouse.facts import FACT_TABLES
from warehouse.publish import open_snapshot

ROOT = Path(__file__).resolve().parents[2]
T1 = datetime(2026, 5, 15, 12)
# Written outside the ingest transaction on purpose: what was fetched, and the service's own bookkeeping.
NOT_INGEST = {"fetch_log", "raw_document", "source_schedule", "publish_log", "schema_migration", "alert_delivery"}

SERVICE_STUCK_IN_INGEST = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gapwatch.settings import Settings
    from jobs.pipeline import Pipeline
    from jobs.service import Service, stop_on_signals
    from jobs.hooks import default_hooks

    marker = Path(sys.argv[1])

    def stuck(con, source, outcome):
        if outcome.status == "ok":
            marker.write_text(str(outcome.run_id))
            time.sleep(120)

    settings = Settings()
    stop = stop_on_signals()
    Service(settings, pipeline=Pipeline(settings, hooks=default_hooks(settings) + [stuck])).start()
    stop.wait(180)
""")


def ingest_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    names = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()
    return [n for (n,) in names if n not in NOT_INGEST]


def dump(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in ingest_tables(con)}


def overlapping_intervals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    found = {}
    for spec in FACT_TABLES.values():
        same_key = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in ("source", *spec.key))
        found[spec.name] = con.execute(
            f"SELECT count(*) FROM {spec.name} a JOIN {spec.name} b ON {same_key} AND a.rowid < b.rowid "
            "AND a.valid_from < coalesce(b.valid_to, 'infinity'::TIMESTAMP) "
            "AND b.valid_from < coalesce(a.valid_to, 'infinity'::TIMESTAMP)"
        ).fetchone()[0]
    return found


def gapwatch_env(tmp_path: Path, settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a gapwatch subprocess: this test's warehouse, none of the caller's GAPWATCH_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")} | {
        "GAPWATCH_CONFIG": str(tmp_path / "none.toml"), "GAPWATCH_DATA_DIR": str(settings.data_dir), **(extra or {})}


def kill_9_at_marker(script: str, marker: Path, env: dict[str, str]) -> None:
    """Run `script` until it writes `marker` (it then waits at the moment under test), then kill -9 it."""
    with subprocess.Popen([sys.executable, "-c", script, str(marker)], cwd=ROOT, env=env,  # exit closes the pipe
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        try:
            wait_until(lambda: marker.exists() or proc.poll() is not None, timeout_s=60)
            assert marker.exists(), proc.communicate()[0]
        finally:
            proc.kill()  # SIGKILL: no handler, no cleanup, no checkpoint
            proc.wait(timeout=30)


@pytest.mark.process  # kills a gapwatch process with SIGKILL
def test_kill_9_mid_ingest_rolls_back_and_the_restarted_service_continues(tmp_path: Path) -> None:
    origin = Origin()
    path = f"/openrouter{MODELS}"
    origin.serve(path, MAY)
    settings = Settings(data_dir=tmp_path / "data", base_urls={"openrouter": f"{origin.url}/openrouter"},
                        enabled_sources=["openrouter"], host_min_interval_s=0, http_attempts=2)
    try:
        with make_pipeline(settings) as pipe:
            assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
            before = dump(pipe.con)
        assert before["price"] and before["collection_run"]

        origin.serve(path, JULY)
        marker = tmp_path / "inside-ingest"
        kill_9_at_marker(SERVICE_STUCK_IN_INGEST, marker, gapwatch_env(tmp_path, settings, {
            "GAPWATCH_BASE_URLS__OPENROUTER": f"{origin.url}/openrouter",
            "GAPWATCH_ENABLED_SOURCES": '["openrouter"]',
            "GAPWATCH_HOST_MIN_INTERVAL_S": "0",
        }))
        killed_run = int(marker.read_text())

        con = db.connect(settings.warehouse_file)  # recovery: DuckDB replays its WAL, dropping the open transaction
        try:
            assert dump(con) == before
            assert con.execute("SELECT count(*) FROM collection_run WHERE run_id = ?", [killed_run]).fetchone()[0] == 0
        finally:
            con.close()

        # What a kill during a publish would leave: the temporary copy (publish writes it, then renames it).
        leftover = settings.published_file.with_name(f".{settings.published_file.name}.999999.tmp")
        leftover.write_bytes(b"half a copy")
        started = time.monotonic()
        service = Service(settings)  # restart: the source's data (T1) is stale, so it runs at once
        service.start()
        wait_until(lambda: service.outcomes[("openrouter", "ok")] >= 1, timeout_s=60)
        service.stop()
        print(f"restarted and re-collected in {time.monotonic() - started:.1f}s")
        assert not leftover.exists()

        con = db.connect(settings.warehouse_file)
        try:
            assert overlapping_intervals(con) == dict.fromkeys((s.name for s in FACT_TABLES.values()), 0)
            runs = con.execute("SELECT status, observed_at, started_at, finished_at FROM collection_run "
                               "WHERE source = 'openrouter' ORDER BY run_id").fetchall()
            assert [r[0] for r in runs] == ["ok", "ok"] and runs[1][1] > T1
            assert all(r[2] <= r[3] for r in runs)
            history = con.execute("SELECT input_per_mtok, valid_to IS NULL FROM price "
                                  "WHERE model = 'deepseek/deepseek-chat-v3-0324' ORDER BY valid_from").fetchall()
            assert history == [(0.2, False), (0.18, True)]
        finally:
            con.close()
        with open_snapshot(settings.published_file) as snap:
            assert snap.execute("SELECT count(*) FROM v_prices_current WHERE model = 'moonshotai/kimi-k3'"
                                ).fetchone()[0] == 1
    finally:
        origin.close()


# Two OpenRouter lists, May and July, as documents ingested at their dates (what the reparse tests replay).
OPENROUTER_HISTORY = [(at, Document(f"https://openrouter.ai/api/v1{MODELS}", body, hashlib.sha256(body).hexdigest()))
                      for at, body in ((T1, MAY), (datetime(2026, 7, 17, 12), JULY))]

REPARSE_KILLED_MID_WAY = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from collectors.pricing import openrouter
    from gapwatch.settings import Settings
    from jobs.pipeline import Pipeline
    from jobs.reparse import reparse
    from jobs.hooks import default_hooks

    marker, seen = Path(sys.argv[1]), []

    def stuck_on_second_run(con, source, outcome):
        seen.append(outcome.status)
        if len(seen) == 2:  # the source's facts are dropped and its first run replayed by now
            marker.write_text("inside")
            time.sleep(120)

    settings = Settings()
    reparse(Pipeline(settings, hooks=default_hooks(settings) + [stuck_on_second_run]), openrouter.SOURCE)
""")


@pytest.mark.process  # kills a gapwatch process with SIGKILL
def test_kill_9_mid_reparse_leaves_the_old_history_whole(tmp_path: Path) -> None:
    """Reparse drops a source's history and replays it in one transaction: killed half way, nothing changed."""
    settings = Settings(data_dir=tmp_path / "data")
    with make_pipeline(settings) as pipe:
        for at, doc in OPENROUTER_HISTORY:
            assert pipe.ingest_documents(openrouter.SOURCE, [doc], at).status == "ok"
        before = dump(pipe.con)
    marker = tmp_path / "inside-reparse"
    kill_9_at_marker(REPARSE_KILLED_MID_WAY, marker, gapwatch_env(tmp_path, settings))
    con = db.connect(settings.warehouse_file)
    try:
        assert dump(con) == before
    finally:
        con.close()


def test_a_failing_reparse_rolls_back_and_the_pipeline_goes_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    calls: list[str] = []

    def fails_on_second_run(con: duckdb.DuckDBPyConnection, source: object, outcome: object) -> None:
        calls.append("run")
        if len(calls) == 4:  # runs 1-2: the original ingests; 3-4: the reparse
            raise RuntimeError("disk full (simulated)")

    with make_pipeline(settings) as pipe:
        pipe.hooks.append(fails_on_second_run)
        for at, doc in OPENROUTER_HISTORY:
            pipe.ingest_documents(openrouter.SOURCE, [doc], at)
        before = dump(pipe.con)
        with pytest.raises(RuntimeError, match="disk full"):
            reparse(pipe, openrouter.SOURCE)
        assert dump(pipe.con) == before
        # Not left inside the failed transaction: the next ingest commits on its own.
        later = datetime(2026, 8, 1)
        assert pipe.ingest_documents(openrouter.SOURCE, [OPENROUTER_HISTORY[0][1]], later).status == "ok"
        assert pipe.con.execute("SELECT max(observed_at) FROM collection_run").fetchone()[0] == later


BACKFILL_KILLED_BEFORE_DERIVE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from collectors.pricing import openrouter
    from gapwatch.settings import Settings
    from jobs.pipeline import Pipeline
    from jobs.hooks import default_hooks
    from tests.jobs.test_crash import OPENROUTER_HISTORY

    marker = Path(sys.argv[1])

    class KilledBeforeDerive(Pipeline):
        def _finish(self, batch):  # every snapshot committed, the derive stage not started
            marker.write_text("between")
            time.sleep(120)

    settings = Settings()
    pipe = KilledBeforeDerive(settings, hooks=default_hooks(settings))
    with pipe.batch():
        for at, doc in OPENROUTER_HISTORY:
            pipe.ingest_documents(openrouter.SOURCE, [doc], at, trigger="backfill")
""")


@pytest.mark.process  # kills a gapwatch process with SIGKILL
def test_kill_9_between_a_batchs_last_snapshot_and_its_derive_stage_is_recovered_by_the_next_command(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    marker = tmp_path / "between"
    kill_9_at_marker(BACKFILL_KILLED_BEFORE_DERIVE, marker, gapwatch_env(tmp_path, settings))
    con = db.connect(settings.warehouse_file)
    try:  # the crash window: snapshots in, derived tables empty, the debt on record
        assert con.execute("SELECT count(*) FROM collection_run WHERE status = 'ok'").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM price_blended").fetchone()[0] == 0
        assert con.execute("SELECT source FROM derive_owed").fetchall() == [("openrouter",)]
    finally:
        con.close()
    assert not settings.published_file.exists()

    # The next command (any writer: here the pipeline every command opens) pays the debt, then publishes.
    with make_pipeline(settings) as pipe:
        assert pipe.con.execute("SELECT count(*) FROM price_blended").fetchone()[0] > 0
        assert pipe.con.execute("SELECT count(*) FROM derive_owed").fetchone()[0] == 0
    with open_snapshot(settings.published_file) as snap:
        assert snap.execute("SELECT count(*) FROM price_blended").fetchone()[0] > 0
