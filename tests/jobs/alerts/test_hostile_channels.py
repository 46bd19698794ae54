"""Alert channels that hang, trickle, fail or are down, as real loopback servers: collection keeps its pace,
attempts are bounded by backoff, SIGTERM ends `gapwatch serve` within seconds, `alerts test` has a deadline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from jobs.service import SHUTDOWN_GRACE_S, Service
from tests.jobs.test_service import JULY, MAY, MODELS, ROOT, Origin, clone, service_settings, wait_until


class Channel:
    """A loopback HTTP endpoint for an Apprise `json://` URL. `mode`: `hang` (accepts, reads, never answers),
    `trickle` (answers headers, then one body byte every 0.2 s, forever), `fail` (500 at once). Counts requests."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                if self.mode == "fail":
                    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\ndown")
                elif self.mode == "trickle":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                    while not self._stop.wait(0.2):
                        conn.sendall(b" ")
                else:
                    self._stop.wait()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def channels() -> Iterator[dict[str, Channel]]:
    made = {mode: Channel(mode) for mode in ("hang", "trickle", "fail")}
    yield made
    for channel in made.values():
        channel.close()


def down_url() -> str:
    """A port nothing listens on: every connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"json://127.0.0.1:{s.getsockname()[1]}/hook"


def rules_file(path: Path, urls: dict[str, str]) -> Path:
    lines = ["[channels]", *(f'{name} = "{url}"' for name, url in urls.items()), "",
             "[[rules]]", 'name = "everything"', f"channels = {list(urls)!r}".replace("'", '"')]
    path.write_text("\n".join(lines) + "\n")
    return path


def attempts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT channel, count(*) FROM alert_delivery GROUP BY ALL").fetchall())


def test_hanging_trickling_failing_and_down_channels_do_not_slow_collection(
        tmp_path: Path, channels: dict[str, Channel]) -> None:
    origin = Origin()
    ids = [f"src_{i}" for i in range(4)]
    for sid in ids:
        origin.serve(f"/{sid}{MODELS}", MAY, JULY)  # every run changes prices: events for every channel
    urls = {name: c.url for name, c in channels.items()} | {"down": down_url()}
    settings = service_settings(tmp_path, origin, ids, alerts_config=rules_file(tmp_path / "alerts.toml", urls),
                                alert_timeout_s=3, alert_backoff_s=1, alert_backoff_max_s=4, alert_max_attempts=1000)
    service = Service(settings, sources=[clone(s) for s in ids])

    def runs() -> dict[str, int]:
        return {sid: sum(n for (s, _), n in service.outcomes.items() if s == sid) for sid in ids}

    try:
        service.start()
        started = time.monotonic()
        # Every source keeps running on its schedule. Before, the first delivery pass held its collection's thread
        # for as long as the trickle lasted, and every other run queued behind the pass lock: one run each.
        wait_until(lambda: min(runs().values()) >= 4, timeout_s=120)
        elapsed = time.monotonic() - started
        stopping = time.monotonic()
        service.stop()
        stopped_in = time.monotonic() - stopping
    finally:
        origin.close()
    assert stopped_in < SHUTDOWN_GRACE_S + 2, f"stop took {stopped_in:.1f} s"
    tried = attempts(settings.warehouse_file)
    assert channels["hang"].requests >= 1 and channels["trickle"].requests >= 1 and channels["fail"].requests >= 1
    # Backoff 1, 2, 4, 4… seconds per channel: a few attempts, however many events are pending and passes run.
    bound = 3 + elapsed / 4 + 1
    assert all(n <= bound for n in tried.values()), (tried, elapsed)
    assert tried.get("down", 0) >= 2  # and still retried


def _env(tmp_path: Path, rules: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")}
    return env | {"GAPWATCH_CONFIG": str(tmp_path / "none.toml"), "GAPWATCH_DATA_DIR": str(tmp_path / "data"),
                  "GAPWATCH_ALERTS_CONFIG": str(rules), "GAPWATCH_HOST_MIN_INTERVAL_S": "0"} | extra


def test_sigterm_to_serve_while_a_channel_trickles_exits_within_seconds(
        tmp_path: Path, channels: dict[str, Channel]) -> None:
    origin = Origin()
    origin.serve(f"/openrouter{MODELS}", MAY, JULY)
    rules = rules_file(tmp_path / "alerts.toml", {"slow": channels["trickle"].url})
    env = _env(tmp_path, rules, GAPWATCH_BASE_URLS__OPENROUTER=f"{origin.url}/openrouter",
               GAPWATCH_ENABLED_SOURCES='["openrouter"]', GAPWATCH_SCHEDULE_EVERY_S='{"*": 1}',
               GAPWATCH_SCHEDULE_JITTER_S="0", GAPWATCH_ALERT_TIMEOUT_S="600")  # not what ends it
    proc = subprocess.Popen([sys.executable, "-m", "jobs.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: channels["trickle"].requests > 0, timeout_s=60)
        wait_until(lambda: origin.requests[f"/openrouter{MODELS}"] >= 3, timeout_s=30)  # collection goes on
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        proc.kill()
        origin.close()
    assert proc.returncode == 0 and "stopped" in out, out
    assert took < SHUTDOWN_GRACE_S + 5, f"serve took {took:.1f} s to stop"


def test_alerts_test_has_a_deadline(tmp_path: Path, channels: dict[str, Channel]) -> None:
    rules = rules_file(tmp_path / "alerts.toml", {"slow": channels["trickle"].url, "hung": channels["hang"].url,
                                                  "broken": channels["fail"].url})
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "alerts", "test"], cwd=ROOT, timeout=60,
                          env=_env(tmp_path, rules, GAPWATCH_ALERT_TIMEOUT_S="3", COLUMNS="200"),
                          capture_output=True, text=True)
    took = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("failed") == 3 and "no answer within 3 s" in done.stdout, done.stdout
    assert took < 20, f"alerts test took {took:.1f} s"  # channels side by side, each within its deadline
