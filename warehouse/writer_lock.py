"""One writer per warehouse for the writer's whole life: an exclusive `flock` on a lock file next to it.

DuckDB's own lock is a POSIX record lock, which the kernel drops for the whole process as soon as the process
closes *any* descriptor of the file (publishing copies the file, and closing that copy's handle did so): from
then on a second writer could open the warehouse and corrupt it or lose its writes. A `flock` belongs to the one
open file description this module keeps, so nothing else the process opens or closes releases it; the kernel
releases it when the writer closes it or dies (a kill -9 leaves no stale lock). The lock file is never deleted:
removing it while held would let the next writer lock a fresh file beside a live one.

The holder writes its pid, command line and start time into the file, so a refused writer can name it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from warehouse.db import WarehouseLocked


class WriterBusy(WarehouseLocked):
    """Another writer (a gapwatch process) holds the warehouse's writer lock."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _command() -> str:
    """This process's command line as the user typed it: `gapwatch serve`, also when run as `python -m jobs.cli`."""
    if not sys.argv or not sys.argv[0]:
        return "python"
    name = Path(sys.argv[0]).name
    return " ".join(["gapwatch" if name == "__main__.py" else name, *sys.argv[1:]])[:200]


class WriterLock:
    """Held from `acquire()` until `release()` (or the process's death). Not reentrant across instances: a second
    `WriterLock` on the same warehouse in the same process is refused too (its own open file description)."""

    def __init__(self, warehouse: Path) -> None:
        self.warehouse = warehouse
        self.path = lock_path(warehouse)
        self._fd: int | None = None

    def acquire(self) -> WriterLock:
        """Take the lock now or raise WriterBusy naming the holder; never waits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise WriterBusy(busy_message(self.warehouse, holder)) from None
        except BaseException:
            os.close(fd)
            raise
        holder = {"pid": os.getpid(), "command": _command(),
                  "since": datetime.now(UTC).replace(microsecond=0).isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode() + b"\n", 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # nobody holds it: a stale name would mislead whoever reads the file
        finally:
            os.close(fd)  # closing the last descriptor of the description releases the flock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read(fd: int) -> dict[str, object]:
    try:
        raw = os.pread(fd, 4096, 0)
        holder = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        holder = {}
    return holder if isinstance(holder, dict) else {}


def busy_message(warehouse: Path, holder: dict[str, object]) -> str:
    pid, command, since = holder.get("pid"), holder.get("command"), holder.get("since")
    who = f"process {pid}" if pid else "another gapwatch process (just starting)"
    if command:
        who += f" ({command})"
    if since:
        who += f", since {since}"
    return (f"another writer holds {warehouse}: {who}. Only one gapwatch writer may run at a time: wait for it "
            "to finish or stop it (e.g. stop `gapwatch serve`), then run this again.")
