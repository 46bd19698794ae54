"""Make one DuckDB file byte-identical to another by writing only the blocks that differ.

A DuckDB file is three 4 KiB headers followed by fixed-size blocks (`block_alloc_size`, 256 KiB by default),
each starting with an 8-byte checksum of its content that DuckDB verifies on every read. A checkpoint writes
the blocks of what changed (new row groups, rewritten segments, metadata) and leaves the others as they were.
So two copies of one database a few checkpoints apart differ in a few blocks, and the checksums say which:
comparing them reads 8 bytes per block of each file (a millisecond for a few hundred MB), and only differing
blocks are read and written. A file this module does not recognise (no `DUCK` magic, an unexpected block size)
is copied whole: slower, never wrong.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

HEADERS = 3 * 4096  # the main header and the two alternating database headers, always copied
_CHECKSUM = 8
_DB_HEADER = struct.Struct("<QQqqQQ")  # checksum, iteration, meta block, free list, block count, block alloc size


@dataclass(frozen=True)
class Synced:
    size: int  # bytes in the file
    written: int  # bytes written to make the copy equal


def block_size(fd: int) -> int | None:
    """The block size a DuckDB file declares in its newest database header; None when it is not one we know."""
    head = os.pread(fd, HEADERS, 0)
    if len(head) < HEADERS or head[8:12] != b"DUCK":
        return None
    newest = max((_DB_HEADER.unpack_from(head, offset) for offset in (4096, 8192)), key=lambda h: h[1])
    size = newest[5]
    if size < 4096 or size & (size - 1) or size > 2**26:  # a power of two between 4 KiB and 64 MiB
        return None
    return size


def sync(source: Path, dest: int) -> Synced:
    """Make the file open as `dest` (read-write) byte-identical to `source`, writing only blocks that differ.

    Whatever `dest` held (an older copy, a damaged one, nothing) the result is the same: a block is skipped only
    when its checksum, hence its content, is already there. The caller guarantees nothing writes `source`
    meanwhile (the writer's lock, after a checkpoint) and nothing reads `dest` (`snapshot_slots`). Not flushed to
    disk (`fsync`): a process killed keeps what it wrote in the page cache, and a snapshot cut by a power loss is
    found unreadable and published again by the next writer (`publish.publish_if_owed`).
    """
    src = os.open(source, os.O_RDONLY)
    try:
        size = os.fstat(src).st_size
        have = os.fstat(dest).st_size
        step = block_size(src)
        if step is None:
            written = _copy_range(src, dest, 0, size)
        else:
            written = _copy_range(src, dest, 0, min(size, HEADERS))
            for offset in range(HEADERS, size, step):
                length = min(step, size - offset)
                if offset + length <= have and os.pread(src, _CHECKSUM, offset) == os.pread(dest, _CHECKSUM, offset):
                    continue
                # The block's content first, its checksum last: a copy cut short in between leaves the old
                # checksum over new content, which the next sync sees as different and writes again.
                written += _copy_range(src, dest, offset + _CHECKSUM, length - _CHECKSUM)
                written += _copy_range(src, dest, offset, min(_CHECKSUM, length))
        os.ftruncate(dest, size)
        return Synced(size, written)
    finally:
        os.close(src)


def _copy_range(src: int, dest: int, offset: int, length: int) -> int:
    done = 0
    while done < length:
        chunk = os.pread(src, min(length - done, 1 << 22), offset + done)
        if not chunk:
            break
        os.pwrite(dest, chunk, offset + done)
        done += len(chunk)
    return done
