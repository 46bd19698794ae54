"""How far a long history build (the demo, a backfill) has got, for readers of the published snapshot.

The builder writes a small JSON file beside the snapshot and removes it when done; the app shows "history loading
(n of m)" while it exists, so a reader of a half-built demo knows the trends are still filling in.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "history-loading.json"


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    what: str


def progress_file(published: Path) -> Path:
    return published.with_name(FILE_NAME)


def write_progress(published: Path, done: int, total: int, what: str) -> None:
    target = progress_file(published)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "what": what}))
    os.replace(tmp, target)  # a reader never sees half a file


def clear_progress(published: Path) -> None:
    progress_file(published).unlink(missing_ok=True)


def read_progress(published: Path) -> Progress | None:
    try:
        raw = json.loads(progress_file(published).read_text())
        return Progress(int(raw["done"]), int(raw["total"]), str(raw.get("what", "collections")))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
