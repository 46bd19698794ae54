"""`gapwatch up`: the service and the Streamlit app together; when either stops, both stop.

The service runs in this process (it is the one writer); the app is a `streamlit run app/main.py` child
that reads only the published snapshot. On Linux the child is also told to exit if this process dies
(even by kill -9), so an app never outlives its writer.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from gapwatch.settings import Settings
from jobs.service import Service, stop_on_signals

log = logging.getLogger("gapwatch.up")

APP_ENTRY = Path(__file__).resolve().parents[1] / "app" / "main.py"
PR_SET_PDEATHSIG = 1


def app_url(settings: Settings) -> str:
    return f"http://{settings.app_address}:{settings.app_port}"


def streamlit_command(settings: Settings) -> list[str]:
    return [
        # `streamlit run app/main.py` with the imports and the snapshot connection warmed before it listens.
        sys.executable, "-m", "app.server",
        "--server.address", settings.app_address,
        "--server.port", str(settings.app_port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",  # a service does not reload itself when source files change
        "--client.toolbarMode", "minimal",  # self-hosted: no "Deploy" button or developer menu
    ]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_until_serving(url: str, timeout_s: float, stopped: threading.Event) -> bool:
    """Poll Streamlit's health endpoint until it answers 200."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not stopped.is_set():
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    return False


def _announce_when_serving(settings: Settings, started: float, stopped: threading.Event) -> None:
    url = app_url(settings)
    if wait_until_serving(url, 300, stopped):
        print(f"\n  gapwatch is up: {url}  (app serving {time.monotonic() - started:.1f}s after start)\n",
              flush=True)


class App:
    """The Streamlit child process."""

    def __init__(self, settings: Settings, started: float, stop: threading.Event) -> None:
        if not APP_ENTRY.exists():
            raise FileNotFoundError(f"the Streamlit entry point {APP_ENTRY} is missing")
        self.process = subprocess.Popen(streamlit_command(settings), cwd=APP_ENTRY.parents[1],
                                        preexec_fn=_die_with_parent)
        threading.Thread(target=_announce_when_serving, args=(settings, started, stop), daemon=True).start()

    def exited(self) -> bool:
        if self.process.poll() is None:
            return False
        log.warning("the app exited (code %s)", self.process.returncode)
        return True

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode or 0


def run_together(service: Service, app: App, stop: threading.Event) -> int:
    """Start the service; run until a signal or until the app exits, then stop both. The app's exit code."""
    try:
        service.start()
        while not stop.wait(0.5) and not app.exited():
            pass
    finally:
        stop.set()
        code = app.stop()
        service.stop()
    return code


def up(settings: Settings, *, started: float | None = None) -> int:
    started = time.monotonic() if started is None else started
    stop = stop_on_signals()
    service = Service(settings)
    service.pipe.publish()  # the app opens the snapshot at once: make sure there is one
    return run_together(service, App(settings, started, stop), stop)
