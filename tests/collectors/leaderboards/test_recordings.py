"""The demo recordings of the leaderboard sources are documents their parsers accept (real facts, small)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from collectors import registry
from gapwatch.source import DocMeta, Source
from jobs.demo.demo import as_recorded
from jobs.demo.replay import Recordings

RECORDINGS = Path(__file__).resolve().parents[3] / "demo" / "recordings"
SOURCES = ("lmarena", "arena_catalog", "aider", "livebench", "swebench", "open_llm_leaderboard", "epoch_benchmarks")


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


@pytest.mark.parametrize("source_id", SOURCES)
def test_each_source_has_two_dated_recordings_that_parse(source_id: str) -> None:
    source = registry.get(source_id)
    recordings = Recordings(RECORDINGS)
    dates = recordings.dates(source_id)
    assert len(dates) >= 2
    rows = 0
    for day in dates:
        for path in url_paths(source, day):
            # every document a collection on that day fetches is recorded then or before (the replay falls back)
            file = recordings.find(source_id, day, path)
            assert file is not None, f"{source_id} {day}: {path} is not recorded on or before that day"
            if day in file.relative_to(RECORDINGS).parts:  # recorded that day, not a fallback
                result = source.parse(file.read_bytes(), DocMeta(source_id, "https://x/" + path, datetime(2026, 1, 1)))
                rows += len(result.rows)
    assert rows >= source.min_rows * len(dates)
