"""The raw store remembers what it stored (a document is put by its fetch thread, then by the writer) and forgets
a file found missing or damaged, so the next fetch stores it again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from warehouse.rawstore import RawStore

BODY = b'{"data": [{"id": "some/model"}]}' * 50
SHA = hashlib.sha256(BODY).hexdigest()


def test_put_gives_the_stored_size_and_stores_again_what_was_found_missing(tmp_path: Path) -> None:
    raw = RawStore(tmp_path)
    assert raw.put(BODY) == (SHA, raw.path(SHA).stat().st_size)
    assert raw.put(BODY, SHA) == (SHA, raw.path(SHA).stat().st_size)  # remembered
    raw.path(SHA).unlink()  # removed behind the process's back
    assert raw.intact(SHA) is None  # what a fetch asks before a conditional GET: fetched whole then
    raw.put(BODY, SHA)
    assert raw.get(SHA) == BODY


def test_a_damaged_file_moved_aside_is_stored_again(tmp_path: Path) -> None:
    raw = RawStore(tmp_path)
    raw.put(BODY, SHA)
    raw.path(SHA).write_bytes(b"not gzip")
    assert raw.intact(SHA) is None
    assert not raw.path(SHA).exists()  # moved aside
    raw.put(BODY, SHA)
    assert raw.get(SHA) == BODY
