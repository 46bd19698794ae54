"""`gapwatch up`: the service and the real Streamlit app as one unit — stopping either stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.jobs.test_service import MAY, MODELS, Origin, wait_until

pytestmark = pytest.mark.process  # starts gapwatch processes and signals or kills them

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


def start_up(tmp_path: Path, origin: Origin) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")} | {
        "GAPWATCH_CONFIG": str(tmp_path / "none.toml"),
        "GAPWATCH_DATA_DIR": str(tmp_path / "data"),
        "GAPWATCH_BASE_URLS__OPENROUTER": f"{origin.url}/openrouter",
        "GAPWATCH_ENABLED_SOURCES": '["openrouter"]',
        "GAPWATCH_HOST_MIN_INTERVAL_S": "0",
        "GAPWATCH_APP_ADDRESS": "127.0.0.1",
        "GAPWATCH_APP_PORT": str(port),
    }
    proc = subprocess.Popen([sys.executable, "-m", "jobs.cli", "up"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def serving(proc: subprocess.Popen, url: str) -> bool:
    assert proc.poll() is None, proc.communicate()[0]
    try:
        return httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def origin() -> Iterator[Origin]:
    served = Origin()
    served.serve(f"/openrouter{MODELS}", MAY)
    yield served
    served.close()


def test_stopping_either_the_service_or_the_app_stops_both(tmp_path: Path, origin: Origin) -> None:
    # Two instances started together: Streamlit's start-up dominates this test, so pay for it once.
    (by_signal, url), (by_app, _) = start_up(tmp_path / "one", origin), start_up(tmp_path / "two", origin)
    try:
        wait_until(lambda: serving(by_signal, url), timeout_s=90)
        wait_until(lambda: all(children(p.pid) for p in (by_signal, by_app)), timeout_s=90)
        wait_until(lambda: origin.requests[f"/openrouter{MODELS}"] >= 2, timeout_s=60)  # both services collect

        app = children(by_signal.pid)[0]
        by_signal.send_signal(signal.SIGTERM)
        out, _ = by_signal.communicate(timeout=60)
        assert by_signal.returncode == 0, out
        assert "stopped" in out and not alive(app)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/_stcore/health", timeout=2)

        os.kill(children(by_app.pid)[0], signal.SIGKILL)
        out, _ = by_app.communicate(timeout=60)
        assert "the app exited" in out and "stopped" in out
        assert by_app.returncode == 1  # the app died: `up` reports a failure
    finally:
        for proc in (by_signal, by_app):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
