"""The demo recordings of the leaderboard sources are documents their parsers accept (real facts, small)."""

from __future__ import annotations

from datetime import datetime

import pytest

from collectors import registry
from gapwatch.source import DocMeta
from jobs.demo.replay import Recordings
from tests.recordings import RECORDINGS, url_paths

# Every leaderboard the registry lists: the demo replays them all.
SOURCES = [s.id for s in registry.SOURCES if s.kind == "leaderboard"]


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
