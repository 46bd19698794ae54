"""The files a published snapshot lives in, and how a publish replaces one under its readers.

    published/gapwatch.duckdb                 the snapshot readers open: a hard link to one slot
    published/.gapwatch.duckdb.slot<k>        slots: whole DuckDB files, a few kept (`MAX_SLOTS`)
    published/.gapwatch.duckdb.v<version>.<n> the name of publish n (its data version), a link to its slot

A publish brings a slot that no reader has open up to date with the warehouse (`block_copy.sync`: only the
blocks that differ are written), then renames a link to it over the snapshot's path. A file readers may hold is
never written: not the current snapshot, not a slot any process holds open. A slot open in a process whose
descriptors we can see (`/proc/<pid>/fd`: this one, our user's) is skipped without being opened (closing any
descriptor of a file drops this process's `fcntl` locks on it; and a reader that opened a file has not locked
it yet); DuckDB takes a shared `fcntl` lock on a database file it opens, so a slot we can also lock exclusively
is held by no other user's process either. Where that cannot be told (no `/proc`, no locks on the file
system), every publish takes a new slot: a full copy, today's cost, still never a file in use.

Each publish names its slot once more (`.v<version>.<n>`, n never reused): DuckDB shares one database
instance per path within a process, so a long-lived reader that opened an earlier snapshot must open the next
one by a path it has not used. A slot's older names are removed before it is rewritten.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

MAX_SLOTS = 3  # the snapshot, the previous one (readers switch over at their next query), one to write
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    path: Path
    fd: int  # open read-write, locked exclusively until `release`


def _slots(target: Path) -> list[Path]:
    return list(target.parent.glob(f".{target.name}.slot*"))


def _index(path: Path, pattern: str) -> int:
    found = re.search(pattern, path.name)
    return int(found.group(1)) if found else -1


def names(target: Path) -> list[Path]:
    """The per-publish names (`.v<version>.<n>`), oldest publish first."""
    return sorted(target.parent.glob(f".{target.name}.v*"), key=lambda p: _index(p, r"\.(\d+)$"))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _open_anywhere() -> set[tuple[int, int]] | None:
    """The files held open by the processes whose descriptors we may see (this one, and our user's); None when
    that cannot be told. The lock alone is not enough: a reader opens the file, then DuckDB locks it, and a reader
    held up between the two (a loaded machine) met a slot being rewritten."""
    try:
        processes = [p for p in Path("/proc").iterdir() if p.name.isdigit()]
    except OSError:
        return None
    me = str(os.getpid())
    if me not in {p.name for p in processes}:
        return None
    held: set[tuple[int, int]] = set()
    for process in processes:  # this process among them
        try:
            entries = list((process / "fd").iterdir())
        except OSError:  # another user's process (its lock still speaks for it), or one that just ended
            if process.name == me:
                return None  # our own descriptors unseen: DuckDB's lock does not cover this process
            continue
        for entry in entries:
            try:
                st = entry.stat()
            except OSError:
                continue
            held.add((st.st_dev, st.st_ino))
    return held


def _lock(fd: int) -> bool:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            log.info("no file locks here (%s): every publish writes a new slot", exc)
        return False
    return True


def acquire(target: Path) -> Slot:
    """A slot nobody reads, locked, else a new one. Never the current snapshot nor the one before it (a reader
    that found it just before the last publish may be opening it now: it gets a publish's time to lock it)."""
    current = _identity(target)
    slots = sorted(_slots(target), key=lambda p: p.stat().st_mtime_ns)
    older = [p for p in slots if _identity(p) not in (None, current)][:-1]
    held = _open_anywhere() if older else set()  # one look at every process, not one per slot
    for path in older:
        identity = _identity(path)
        if identity is None or held is None or identity in held:
            continue
        fd = os.open(path, os.O_RDWR)
        if not _lock(fd) or (os.fstat(fd).st_dev, os.fstat(fd).st_ino) != identity:
            os.close(fd)
            continue
        _forget(target, identity)  # its names named an older version
        return Slot(path, fd)
    number = 1 + max((_index(p, r"\.slot(\d+)$") for p in slots), default=-1)
    path = target.with_name(f".{target.name}.slot{number}")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    _lock(fd)  # nobody can know this file yet; a file system without locks is fine here
    return Slot(path, fd)


def _forget(target: Path, identity: tuple[int, int]) -> None:
    for name in names(target):
        if _identity(name) == identity:
            name.unlink(missing_ok=True)


def install(slot: Slot, target: Path, version: int) -> Path:
    """Make the written, released slot the snapshot at `target` (one rename: readers see the old file or the new
    one, never a mix); its per-publish name is returned. Released first: from the rename on, readers lock it."""
    number = 1 + max((_index(p, r"\.(\d+)$") for p in names(target)), default=0)
    name = target.with_name(f".{target.name}.v{version}.{number}")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(slot.path, name)
        os.link(slot.path, tmp)
    except OSError as exc:  # no hard links on this file system: the slot itself becomes the snapshot
        log.info("no hard links in %s (%s): each publish copies the whole file", target.parent, exc)
        name.unlink(missing_ok=True)
        os.replace(slot.path, target)
        return target
    os.replace(tmp, target)
    return name


def release(slot: Slot) -> None:
    """Unlock the slot (close our descriptor): done writing it. Nobody can reach it before `install`."""
    os.close(slot.fd)


def tidy(target: Path) -> None:
    """Remove the oldest slots beyond `MAX_SLOTS` (a reader holding one keeps reading it: removing a name never
    disturbs an open file) and names whose slot is gone."""
    current = _identity(target)
    slots = sorted(_slots(target), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for path in [p for p in slots if _identity(p) != current][MAX_SLOTS - 1:]:
        identity = _identity(path)
        path.unlink(missing_ok=True)
        if identity is not None:
            _forget(target, identity)
    kept = {_identity(p) for p in _slots(target)} | {current}
    for name in names(target):
        if _identity(name) not in kept:
            name.unlink(missing_ok=True)


def current_path(path: Path) -> Path:
    """The path to open for the snapshot published at `path` now: its publish's own name when there is one."""
    identity = _identity(path)
    if identity is None:
        return path
    for name in reversed(names(path)):
        if _identity(name) == identity:
            return name
    return path
