"""The scheduler service over real HTTP on 127.0.0.1: concurrency, overlap, next runs, readers, SIGTERM."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from gapwatch.source import Schedule, Source
from jobs.pipeline import Pipeline
from jobs.service import Service, first_run_at, trigger_for
from tests.conftest import fixture_bytes
from warehouse import schedule_file
from warehouse.publish import open_snapshot
from warehouse.runs import source_status

pytestmark = pytest.mark.process  # starts gapwatch processes and signals or kills them

ROOT = Path(__file__).resolve().parents[2]
MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
JULY = fixture_bytes("openrouter", "models_2026-07-17.json")
MODELS = "/api/v1/models"


class Origin:
    """A threaded loopback origin: per path a cycle of documents, a delay or a fault; counts requests in flight.

    Faults: `timeout` (answers after the client gave up), `5xx` (503 every time), `truncate` (the connection
    closes half way through a declared Content-Length), `oversize` (a body streamed past the client's cap).
    """

    def __init__(self) -> None:
        self.docs: dict[str, Iterator[bytes]] = {}
        self.delays: dict[str, float] = {}
        self.faults: dict[str, str] = {}
        self.hang_s = 2.0
        self.requests: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, *bodies: bytes, delay_s: float = 0.0) -> None:
        self.docs[path] = itertools.cycle(bodies)
        self.delays[path] = delay_s

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/robots.txt":
                    return self._reply(200, b"User-agent: *\nAllow: /\n")
                with origin._lock:
                    origin.requests[self.path] += 1
                    origin.in_flight += 1
                    origin.max_in_flight = max(origin.max_in_flight, origin.in_flight)
                try:
                    time.sleep(origin.delays.get(self.path, 0.0))
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout, its size cap): what the faults are for
                finally:
                    with origin._lock:
                        origin.in_flight -= 1

            def _answer(self) -> None:
                fault = origin.faults.get(self.path)
                if fault == "timeout":
                    time.sleep(origin.hang_s)
                    return self._reply(200, b"{}")
                if fault == "5xx":
                    return self._reply(503, b"overloaded")
                docs = origin.docs.get(self.path)
                if docs is None:
                    return self._reply(404, b"not here")
                with origin._lock:
                    body = next(docs)
                if fault == "truncate":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                if fault == "oversize":
                    self.send_response(200)  # no Content-Length: the client must count while streaming
                    self.end_headers()
                    for _ in range(64):
                        self.wfile.write(body)
                    return None
                return self._reply(200, body)

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet test output."""

        return Handler


@pytest.fixture
def loopback() -> Iterator[Origin]:
    origin = Origin()
    yield origin
    origin.close()


def wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    """Poll `condition`; the machine may be busy, so tests wait for events rather than sleeping fixed times."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"condition not met within {timeout_s}s"
        time.sleep(0.05)


def clone(source_id: str) -> Source:
    """OpenRouter's real source (parser, row types, validation) under another id: several sources to schedule."""
    return dataclasses.replace(openrouter.SOURCE, id=source_id)


def service_settings(tmp_path: Path, origin: Origin, ids: list[str], **overrides: object) -> Settings:
    base = dict(
        data_dir=tmp_path / "data",
        base_urls={sid: f"{origin.url}/{sid}" for sid in ids},
        host_min_interval_s=0,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        http_timeout_s=0.5,
        http_attempts=2,
        max_concurrent_fetches=2,
        max_fetches_per_host=8,  # one loopback origin stands in for the many hosts real sources live on
        schedule_every_s={"*": 1},
        schedule_jitter_s=0,
        misfire_grace_s=5,
    )
    return Settings(**(base | overrides))


def runs(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT source, status, started_at, finished_at, error FROM collection_run ORDER BY started_at").fetchall()
    finally:
        con.close()


def test_sources_run_concurrently_within_the_bound_and_never_overlap_themselves(tmp_path: Path, loopback: Origin):
    ids = ["src_a", "src_b", "src_c", "src_slow"]
    for sid in ids:
        loopback.serve(f"/{sid}{MODELS}", MAY, JULY, delay_s=0.3)
    loopback.delays[f"/src_slow{MODELS}"] = 1.3  # longer than its 1 s interval: would overlap without max_instances
    settings = service_settings(tmp_path, loopback, ids, http_timeout_s=5)
    service = Service(settings, sources=[clone(s) for s in ids], pipeline=Pipeline(settings))
    skipped: Counter[str] = Counter()
    service.scheduler.add_listener(lambda event: skipped.update([event.job_id]), EVENT_JOB_MAX_INSTANCES)
    service.start()
    wait_until(lambda: all(service.outcomes[(s, "ok")] >= 2 for s in ids), timeout_s=40)
    service.stop()

    done = runs(settings.warehouse_file)
    per_source = {sid: [r for r in done if r[0] == sid] for sid in ids}
    assert all(len(per_source[s]) >= 2 for s in ids), {s: len(r) for s, r in per_source.items()}
    assert {r[1] for r in done} <= {"ok"}, [r for r in done if r[1] != "ok"]  # MAY/JULY alternate: every run ingests
    for sid, rows in per_source.items():
        for before, after in itertools.pairwise(rows):
            assert after[2] >= before[3], f"{sid}: a run started before the previous one finished"
    assert skipped["src_slow"] >= 1  # the scheduler refused a second instance of the slow source
    assert loopback.max_in_flight == settings.max_concurrent_fetches  # concurrency happened, bounded by the pool


def test_next_run_is_recorded_and_published_for_status(tmp_path: Path, loopback: Origin) -> None:
    loopback.serve(f"/openrouter{MODELS}", MAY)
    settings = service_settings(tmp_path, loopback, ["openrouter"], schedule_every_s={})
    service = Service(settings, sources=[openrouter.SOURCE])  # the default pipeline, with every ingest hook
    service.start()
    wait_until(lambda: bool(service.outcomes), timeout_s=30)
    service.stop()
    assert service.outcomes == Counter({("openrouter", "ok"): 1})  # the initial run of a never-collected source
    with open_snapshot(settings.published_file) as con:
        status = {s.source: s for s in source_status(con)}["openrouter"]
    assert status.last_status == "ok" and status.last_success is not None
    expected = status.last_run + openrouter.SOURCE.schedule.every
    assert abs(status.next_run - expected) < timedelta(seconds=openrouter.SOURCE.schedule.jitter_s + 5)


def test_first_run_is_now_only_for_stale_or_never_collected_sources() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    hourly = IntervalTrigger(hours=1, timezone=UTC)
    assert first_run_at(None, hourly, now) == now
    assert first_run_at(datetime(2026, 6, 1, 10), hourly, now) == now
    assert first_run_at(datetime(2026, 6, 1, 11, 30), hourly, now) == datetime(2026, 6, 1, 12, 30, tzinfo=UTC)
    daily_at_six = CronTrigger(hour=6, minute=0, timezone=UTC)
    assert first_run_at(datetime(2026, 6, 1, 7), daily_at_six, now) == datetime(2026, 6, 2, 6, tzinfo=UTC)
    assert first_run_at(datetime(2026, 5, 31, 7), daily_at_six, now) == now  # missed this morning's run


def test_schedule_comes_from_the_source_unless_settings_override_it(tmp_path: Path) -> None:
    cron_source = dataclasses.replace(openrouter.SOURCE, schedule=Schedule(cron="15 3 * * mon", jitter_s=60))
    settings = Settings(data_dir=tmp_path)
    trigger = trigger_for(cron_source, settings)
    assert isinstance(trigger, CronTrigger) and trigger.jitter == 60
    fire = trigger.get_next_fire_time(None, datetime(2026, 6, 1, tzinfo=UTC))  # a Monday
    assert (fire.weekday(), fire.hour) == (0, 3) and 15 * 60 <= fire.minute * 60 + fire.second <= 16 * 60
    every = trigger_for(openrouter.SOURCE, settings)
    assert isinstance(every, IntervalTrigger) and every.interval == timedelta(hours=6)
    fast = trigger_for(cron_source, Settings(data_dir=tmp_path, schedule_every_s={"*": 30}, schedule_jitter_s=0))
    assert isinstance(fast, IntervalTrigger) and fast.interval == timedelta(seconds=30) and not fast.jitter


# `fresh`: a user (or the app) opening the newest snapshot for each query; `held`: a user who keeps a shell
# open. Two processes, because DuckDB shares one instance per file within a process.
READER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    import duckdb
    from tests.held_snapshot_files import held_files
    path, done, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    queries, errors, versions = 0, [], set()
    folder = os.path.dirname(path)

    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    end = time.monotonic() + 90
    while not done.exists() and time.monotonic() < end:
        con = None
        try:
            con = held or duckdb.connect(path, read_only=True)
            before = held_files(folder)
            versions.add(con.execute("SELECT max(version) FROM snapshot_info").fetchone()[0])
            con.execute("SELECT count(*) FROM v_prices_current").fetchone()
            changed = {i: (was, held_files(folder).get(i)) for i, was in before.items()
                       if held_files(folder).get(i, was) != was}
            if changed:
                errors.append(f"a snapshot file was written while open: {changed}")
            queries += 2
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            if con is not None and held is None:
                con.close()  # also after an error: a connection left open is reused by the next connect
    print(json.dumps({"queries": queries, "errors": errors, "versions": len(versions)}))
""")


def test_reader_process_queries_the_snapshot_in_a_loop_while_collections_run(tmp_path: Path, loopback: Origin):
    ids = ["src_a", "src_b", "src_c"]
    for sid in ids:
        loopback.serve(f"/{sid}{MODELS}", MAY, JULY)  # every run changes prices: every run ingests and publishes
    settings = service_settings(tmp_path, loopback, ids, schedule_every_s={"*": 0.5})
    service = Service(settings, sources=[clone(s) for s in ids], pipeline=Pipeline(settings))
    service.start()
    done = tmp_path / "enough"
    readers = {mode: subprocess.Popen([sys.executable, "-c", READER, str(settings.published_file), str(done), mode],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
               for mode in ("fresh", "held")}
    wait_until(lambda: sum(n for (_, status), n in service.outcomes.items() if status == "ok") >= 9, timeout_s=60)
    done.touch()
    seen = {}
    for mode, proc in readers.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        seen[mode] = json.loads(out)
    service.stop()
    for mode, got in seen.items():
        print(f"reader {mode}: {got['queries']} queries, {got['versions']} snapshot versions, "
              f"{len(got['errors'])} errors")
    assert seen["fresh"]["errors"] == [] and seen["held"]["errors"] == []
    assert seen["fresh"]["queries"] >= 20 and seen["fresh"]["versions"] >= 3  # it saw new collections arrive
    assert seen["held"]["versions"] == 1  # an open connection keeps reading one consistent snapshot


def test_sigterm_lets_the_running_ingest_finish(tmp_path: Path, loopback: Origin) -> None:
    loopback.serve(f"/openrouter{MODELS}", MAY, delay_s=1.5)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")}
    env |= {
        "GAPWATCH_CONFIG": str(tmp_path / "none.toml"),
        "GAPWATCH_DATA_DIR": str(tmp_path / "data"),
        "GAPWATCH_BASE_URLS__OPENROUTER": f"{loopback.url}/openrouter",
        "GAPWATCH_ENABLED_SOURCES": '["openrouter"]',
        "GAPWATCH_HOST_MIN_INTERVAL_S": "0",
    }
    proc = subprocess.Popen([sys.executable, "-m", "jobs.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_until(lambda: loopback.requests[f"/openrouter{MODELS}"] > 0, timeout_s=30)
    proc.send_signal(signal.SIGTERM)  # mid-fetch: the run must still complete and commit
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "received SIGTERM" in out and "stopped" in out
    assert [r[1] for r in runs(tmp_path / "data" / "gapwatch.duckdb")] == ["ok"]


class Receiver(BaseHTTPRequestHandler):
    """A JSON webhook on loopback that keeps what it was sent."""

    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        Receiver.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet test output."""


def test_change_events_from_scheduled_runs_are_delivered(tmp_path: Path, loopback: Origin) -> None:
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    Receiver.received = []
    rules = tmp_path / "alerts.toml"
    rules.write_text(f'[channels]\nhook = "json://127.0.0.1:{hook.server_address[1]}/gapwatch"\n\n'
                     '[[rules]]\nname = "cuts"\nkinds = ["price_cut"]\nchannels = ["hook"]\n')
    loopback.serve(f"/openrouter{MODELS}", MAY, JULY)  # the second run sees July's cuts
    settings = service_settings(tmp_path, loopback, ["openrouter"], alerts_config=rules)
    service = Service(settings, sources=[openrouter.SOURCE])
    try:
        service.start()
        wait_until(lambda: any("deepseek" in json.dumps(m) for m in Receiver.received), timeout_s=60)
        service.stop()
    finally:
        hook.shutdown()
        hook.server_close()
    assert service.outcomes[("openrouter", "ok")] >= 2
    titles = [m["title"] for m in Receiver.received]
    assert "Price cut -10.0%: openrouter/deepseek/deepseek-chat-v3-0324" in titles
    assert all(t.startswith("Price cut") for t in titles)  # only what the rule routes, each once
    assert len(titles) == len(set(titles))


def test_an_unchanged_run_publishes_nothing(tmp_path: Path, loopback: Origin) -> None:
    loopback.serve(f"/openrouter{MODELS}", MAY)
    settings = service_settings(tmp_path, loopback, ["openrouter"], schedule_every_s={})
    service = Service(settings, sources=[openrouter.SOURCE])
    try:
        service._collect(openrouter.SOURCE)
        published = settings.published_file.stat().st_mtime_ns
        service._collect(openrouter.SOURCE)
        with service.pipe.locked() as con:
            versions = con.execute("SELECT count(*) FROM publish_log").fetchone()[0]
    finally:
        service.pipe.close()
    assert service.outcomes == Counter({("openrouter", "ok"): 1, ("openrouter", "unchanged"): 1})
    assert versions == 1
    assert settings.published_file.stat().st_mtime_ns == published
    with open_snapshot(settings.published_file) as con:
        assert con.execute("SELECT version FROM snapshot_info").fetchone()[0] == 1


@pytest.mark.process
def test_status_tells_the_next_run_after_unchanged_runs_without_a_publish(tmp_path: Path, loopback: Origin) -> None:
    """Unchanged runs publish nothing (no data, no new health event), yet `gapwatch status` and the Sources page
    must not show a next run in the past: the service's schedule file carries it after every run."""
    loopback.serve(f"/openrouter{MODELS}", MAY)
    settings = service_settings(tmp_path, loopback, ["openrouter"], schedule_every_s={"openrouter": 1.0})
    service = Service(settings, sources=[openrouter.SOURCE])
    service.start()
    try:
        wait_until(lambda: service.outcomes[("openrouter", "unchanged")] >= 3, timeout_s=60)
    finally:
        service.stop()
    with open_snapshot(settings.published_file) as con:
        in_snapshot = {s.source: s for s in source_status(con)}["openrouter"]
        told = {s.source: s for s in source_status(
            con, schedule=schedule_file.newer_than_snapshot(con, settings.published_file))}["openrouter"]
    assert told.next_run > in_snapshot.next_run  # the snapshot's is older: it was not republished every run
    assert told.last_status == "unchanged" and told.last_run > in_snapshot.last_run
