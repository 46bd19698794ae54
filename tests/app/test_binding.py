"""The app has no login: started as the README says (`streamlit run app/main.py`), or by `gapwatch up`, it
listens on the loopback interface only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gapwatch.settings import Settings
from jobs.up import streamlit_command

pytestmark = pytest.mark.process  # starts gapwatch processes and signals or kills them

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (from /proc/net/tcp{,6}, state 0A = LISTEN)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_streamlit_run_as_the_readme_says_listens_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "GAPWATCH_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
                               "--server.headless", "true"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not listening_addresses(port):
            assert server.poll() is None and time.monotonic() < deadline, "streamlit did not start"
            time.sleep(0.2)
        # 0100007F is 127.0.0.1; every interface would be 00000000 (or :: in tcp6).
        assert listening_addresses(port) == {"0100007F"}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gapwatch_up_binds_loopback_by_default() -> None:
    command = streamlit_command(Settings())
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
