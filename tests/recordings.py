"""The demo's recordings (demo/recordings/<source>/<day>/<url path>) as the documents a collection fetches.

Every leaderboard the registry lists is recorded there, so tests that need each leaderboard's real documents
(its recordings parse; the capability map covers its categories) derive them from the registry, never a list.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gapwatch.source import Source
from jobs.demo.demo import as_recorded
from jobs.demo.replay import Recordings
from warehouse.ingest import Document

RECORDINGS = Path(__file__).resolve().parents[1] / "demo" / "recordings"


def url_paths(source: Source, day: str) -> list[str]:
    """The URL paths a collection on `day` fetches: a discovering source's as its discovery document says; on a
    day that holds an older export at its own upstream path instead, that one (as the demo collects it)."""
    source = as_recorded(source, Recordings(RECORDINGS), day)
    paths = [u.split("://", 1)[1].split("/", 1)[1] for u in source.urls()]
    if source.discover is not None:
        found = Recordings(RECORDINGS).find(source.id, day, source.discover.path)
        assert found is not None, f"{source.id}: no recording of {source.discover.path} on or before {day}"
        paths += [p.lstrip("/") for p in source.discover.paths(found.read_bytes())]
    return list(dict.fromkeys(paths))


def recorded_documents(source: Source, day: str) -> list[Document]:
    """Every document a collection of `source` on `day` fetches, at its upstream URL (recorded then or before)."""
    docs = []
    for path in url_paths(source, day):
        file = Recordings(RECORDINGS).find(source.id, day, path)
        assert file is not None, f"{source.id} {day}: {path} is not recorded on or before that day"
        body = file.read_bytes()
        docs.append(Document(f"{source.base_url.rstrip('/')}/{path}", body, hashlib.sha256(body).hexdigest()))
    return docs
