"""Every registered source comes with what adding a source requires: a recorded fixture that parses, demo
recordings, and a capability-map entry for every leaderboard category it yields."""

from __future__ import annotations

from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from collectors.registry import SOURCES
from gapwatch.rows import Row, ScoreRow
from gapwatch.source import DocMeta, ParseError, Source
from tests.conftest import FIXTURES
from warehouse.capabilities import load_map

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "recordings"
T = datetime(2025, 6, 1, 12)

# Sources whose demo has no recording of their own, and why. Empty: every source has one today.
NO_DEMO_RECORDING: dict[str, str] = {}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _parsed(source: Source) -> dict[Path, list[Row]]:
    """The rows of every fixture file of `source` that parses as one of its documents.

    A source's fixture folder may hold documents of several of its URLs and companions (another source's
    catalogue a test pairs it with), so a file is tried as fetched from each URL, the one it is named after
    first (`polyglot_leaderboard_2025-03-29.yml` is `.../polyglot_leaderboard.yml`), then from its own path."""
    out: dict[Path, list[Row]] = {}
    folder = FIXTURES / source.id
    for path in _files(folder):
        body = path.read_bytes()
        named = sorted(source.urls(), key=lambda u: not path.name.startswith(u.rsplit("/", 1)[-1].split(".")[0]))
        urls = [*named, f"{source.base_url.rstrip('/')}/{path.relative_to(folder).as_posix()}"]
        for url in urls:
            try:
                rows = source.parse(body, DocMeta(source.id, url, T)).rows
            except (ParseError, ValueError, KeyError, TypeError):
                continue
            if rows:
                out[path] = rows
                break
    return out


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict[Path, list[Row]]]:
    return {s.id: _parsed(s) for s in SOURCES}


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_source_has_a_fixture_that_parses(source: Source, parsed: dict[str, dict[Path, list[Row]]]) -> None:
    assert (FIXTURES / source.id).is_dir(), f"add recorded documents under tests/fixtures/{source.id}/"
    found = parsed[source.id]
    assert found, f"no file under tests/fixtures/{source.id}/ parses to a row"
    for rows in found.values():
        assert all(isinstance(r, source.row_types) for r in rows)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_source_has_demo_recordings(source: Source) -> None:
    if source.id in NO_DEMO_RECORDING:
        pytest.skip(NO_DEMO_RECORDING[source.id])
    folder = DEMO / source.id
    assert folder.is_dir() and _files(folder), f"record the demo's documents under demo/recordings/{source.id}/"


@pytest.mark.parametrize("source", [s for s in SOURCES if s.kind == "leaderboard"], ids=lambda s: s.id)
def test_leaderboard_categories_are_mapped(source: Source, parsed: dict[str, dict[Path, list[Row]]]) -> None:
    entries = load_map()
    seen = {(r.board.lower(), r.category.lower()) for rows in parsed[source.id].values() for r in rows
            if isinstance(r, ScoreRow)}
    assert seen, f"{source.id}: its fixtures yield no scores"
    unmapped = sorted(f"{b}/{c}" for b, c in seen
                      if not any(fnmatchcase(b, e.board) and fnmatchcase(c, e.category) for e in entries))
    assert not unmapped, f"add these to warehouse/capability_map.toml (capability or 'none'): {unmapped}"
