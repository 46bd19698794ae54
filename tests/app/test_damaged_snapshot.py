"""A damaged published snapshot: every page says so in words (what heals it), without a traceback or a path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.conftest import PAGES, open_app

CASES = [("garbage", page) for page in PAGES] + [(kind, page) for kind in ("zero bytes", "truncated to 4 KiB")
                                                 for page in ("landscape", "sql")]


@pytest.mark.parametrize(("kind", "page"), CASES)
def test_every_page_names_a_damaged_snapshot_without_paths(kind: str, page: str, filled_snapshot: Path,
                                                           tmp_path: Path, use_snapshot) -> None:
    data = filled_snapshot.read_bytes()
    damaged = tmp_path / "published" / "gapwatch.duckdb"
    damaged.parent.mkdir()
    damaged.write_bytes({"garbage": os.urandom(len(data)), "zero bytes": b"", "truncated to 4 KiB": data[:4096]}[kind])
    use_snapshot(damaged)
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(e.value for e in at.error)
    assert "published snapshot cannot be read" in shown and "gapwatch collect" in shown, shown
    everything = shown + "".join(m.value for m in (*at.markdown, *at.caption, *at.info) if isinstance(m.value, str))
    assert str(tmp_path) not in everything and "/tmp" not in everything
