from __future__ import annotations

from collectors.provenance import REAL_FILES
from collectors.registry import SOURCES


def test_every_source_says_which_real_files_its_parser_was_built_on() -> None:
    assert set(REAL_FILES) == {s.id for s in SOURCES}
    assert all(text.strip() for text in REAL_FILES.values())
