"""Remove what a killed process left behind: raw-store temporary files and unfinished published copies.

Both carry the writing process's id in their name (`<sha>.gz.tmp<pid>-<thread>`, `.<snapshot>.<pid>.tmp[.wal]`),
so any command may remove those of processes that no longer exist, at its start; the writer, which holds the
warehouse's lock (no other process writes the raw store or publishes meanwhile), removes them all.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

_RAW_PID = re.compile(r"\.tmp(\d+)-\d+$")
_PUBLISHED_PID = re.compile(r"\.(\d+)\.tmp(\.wal)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_leftovers(raw_root: Path, published: Path, *, all_of_them: bool = False) -> list[Path]:
    """Delete leftovers of dead processes (of every process but this one with `all_of_them`); what was removed."""
    candidates: list[tuple[Path, re.Pattern[str]]] = []
    if raw_root.is_dir():
        candidates += [(p, _RAW_PID) for p in raw_root.glob("*/*.tmp*")]
    if published.parent.is_dir():
        candidates += [(p, _PUBLISHED_PID) for p in published.parent.glob(f".{published.name}.*.tmp*")]
    removed = []
    for path, pattern in candidates:
        match = pattern.search(path.name)
        pid = int(match.group(1)) if match else None
        if pid is not None and (pid == os.getpid() or (not all_of_them and _alive(pid))):
            continue
        if pid is None and not all_of_them:
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:  # another user's data directory: not ours to clean
            log.debug("cannot remove %s: %s", path, exc)
            continue
        log.info("removed %s, left by an interrupted write", path)
        removed.append(path)
    return removed
