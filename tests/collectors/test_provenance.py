from __future__ import annotations

from collectors.registry import SOURCES


def test_every_source_says_which_real_files_its_parser_was_built_on() -> None:
    assert [s.id for s in SOURCES if not s.real_files.strip()] == []


def test_every_source_has_a_label() -> None:
    assert [s.id for s in SOURCES if not s.label.strip()] == []
    assert len({s.label for s in SOURCES}) == len(SOURCES)
