"""For the reader processes of the publish tests (their `python -c` sources import it): the snapshot files a
process holds open, which a publish must never write."""

from __future__ import annotations

import os


def held_files(directory: str) -> dict[int, tuple[int, int]]:
    """The files under `directory` this process holds open, by inode: (size, mtime)."""
    out = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith(directory):
                st = os.stat(f"/proc/self/fd/{fd}")
                out[st.st_ino] = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    return out
