"""Content-addressed store of every fetched document, verbatim and gzip-compressed, kept once per sha256.

Files are written to a temporary name and renamed, so a crash never leaves a half document under a real
name; an orphan file (document stored, transaction rolled back) is harmless and reused next time.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import threading
import zlib
from pathlib import Path

log = logging.getLogger(__name__)


class DamagedDocument(ValueError):
    """A stored document that cannot be read back as it was fetched (truncated, overwritten, removed)."""

    def __init__(self, sha256: str, path: Path, why: str) -> None:
        self.sha256, self.path = sha256, path
        super().__init__(
            f"raw document {sha256[:12]}… ({path}) is {why}. A collection fetches it again whole; a reparse "
            "cannot replay it: restore the file from a backup, or delete it and run `gapwatch collect` for its "
            "source (the history it recorded stays in the warehouse).")


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        # The compressed size of what this process stored or found stored, by sha256: a document is put by its
        # fetch thread, then again by the writer, and each file-system call releases the GIL and waits for it
        # again behind the parsing threads of a whole collection (up to the 5 ms switch interval apiece). A file
        # moved aside or found missing (`intact`) is forgotten here.
        self._sizes: dict[str, int] = {}

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.gz"

    def put(self, body: bytes, sha256: str | None = None) -> tuple[str, int]:
        """Store `body`; return its sha256 and the compressed size. `sha256`: the body's digest, if known."""
        sha = sha256 or hashlib.sha256(body).hexdigest()
        if sha in self._sizes:
            return sha, self._sizes[sha]
        target = self.path(sha)
        if target.exists():
            size = self._sizes[sha] = target.stat().st_size
            return sha, size
        target.parent.mkdir(parents=True, exist_ok=True)
        # Per process and thread: a backfill stores the next snapshot's documents while this one is ingested.
        tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        data = gzip.compress(body, compresslevel=6, mtime=0)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        self._sizes[sha] = len(data)
        return sha, len(data)

    def get(self, sha256: str) -> bytes:
        """The document's bytes; DamagedDocument (naming it and what to do) when its file is missing or damaged."""
        path = self.path(sha256)
        try:
            body = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise DamagedDocument(sha256, path, "missing") from None
        # A truncated gzip raises EOFError, which the command line would report as a bare "Aborted.".
        except (OSError, EOFError, zlib.error) as exc:
            raise DamagedDocument(sha256, path, f"unreadable: {exc}") from None
        if hashlib.sha256(body).hexdigest() != sha256:
            raise DamagedDocument(sha256, path, "its content no longer matches its sha256")
        return body

    def intact(self, sha256: str) -> bytes | None:
        """The document's bytes when stored intact, else None. A damaged file is moved aside (`.damaged`), so the
        next fetch of its URL asks for the whole document again and stores a good copy under its name."""
        if not self.has(sha256):
            self._sizes.pop(sha256, None)
            return None
        try:
            return self.get(sha256)
        except DamagedDocument as exc:
            self._sizes.pop(sha256, None)
            aside = exc.path.with_name(exc.path.name + ".damaged")
            with contextlib.suppress(OSError):
                os.replace(exc.path, aside)
            log.warning("%s; moved to %s, fetching the document whole again", exc, aside.name)
            return None

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()
