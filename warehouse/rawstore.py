"""Content-addressed store of every fetched document, verbatim and gzip-compressed, kept once per sha256.

Files are written to a temporary name and renamed, so a crash never leaves a half document under a real
name; an orphan file (document stored, transaction rolled back) is harmless and reused next time.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.gz"

    def put(self, body: bytes, sha256: str | None = None) -> tuple[str, int]:
        """Store `body`; return its sha256 and the compressed size. `sha256`: the body's digest, if known."""
        sha = sha256 or hashlib.sha256(body).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha, target.stat().st_size
        target.parent.mkdir(parents=True, exist_ok=True)
        # Per process and thread: a backfill stores the next snapshot's documents while this one is ingested.
        tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        with open(tmp, "wb") as fh:
            fh.write(gzip.compress(body, compresslevel=6, mtime=0))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return sha, target.stat().st_size

    def get(self, sha256: str) -> bytes:
        body = gzip.decompress(self.path(sha256).read_bytes())
        if hashlib.sha256(body).hexdigest() != sha256:
            raise ValueError(f"raw document {sha256} is corrupt on disk ({self.path(sha256)})")
        return body

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()
