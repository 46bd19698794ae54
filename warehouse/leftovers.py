"""Remove what a killed writer left behind: raw-store temporary files and unfinished published copies.

Called by the writer right after it took the warehouse's lock: no other process writes the raw store or
publishes while we hold it, so every temporary file found is a leftover, never another writer's work in progress.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def remove_leftovers(raw_root: Path, published: Path) -> list[Path]:
    """Delete raw-store `*.tmp<pid>-<thread>` files and `.<snapshot>.<pid>.tmp[.wal]` copies; what was removed."""
    found: list[Path] = []
    if raw_root.is_dir():
        found += [p for p in raw_root.glob("*/*.tmp*") if p.is_file()]
    if published.parent.is_dir():
        found += [p for p in published.parent.glob(f".{published.name}.*.tmp*") if p.is_file()]
    for path in found:
        log.info("removing %s, left by an interrupted write", path)
        path.unlink(missing_ok=True)
    return found
