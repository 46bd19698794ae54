"""The demo recordings of the leaderboard sources are documents their parsers accept (real facts, small)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from collectors import registry
from collectors.source import DocMeta

RECORDINGS = Path(__file__).resolve().parents[3] / "demo" / "recordings"
SOURCES = ("lmarena", "aider", "livebench", "open_llm_leaderboard", "epoch_benchmarks")


@pytest.mark.parametrize("source_id", SOURCES)
def test_each_source_has_two_dated_recordings_that_parse(source_id: str) -> None:
    source = registry.get(source_id)
    dates = sorted(p.name for p in (RECORDINGS / source_id).iterdir())
    assert len(dates) >= 2
    paths = [u.split("://", 1)[1].split("/", 1)[1] for u in source.urls()]
    first = RECORDINGS / source_id / dates[0]
    # the earliest date holds every URL of the source (later dates fall back to it for unchanged documents)
    assert all((first / p).is_file() for p in paths), [p for p in paths if not (first / p).is_file()]
    rows = 0
    for day in dates:
        for path in paths:
            file = RECORDINGS / source_id / day / path
            if file.is_file():
                result = source.parse(file.read_bytes(), DocMeta(source_id, "https://x/" + path, datetime(2026, 1, 1)))
                rows += len(result.rows)
    assert rows >= source.min_rows * len(dates)
