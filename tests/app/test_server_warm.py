"""`python -m app.server` warms the app before it listens: every page rendered once in the server's process, so
the first visitor after a start does not pay for imports, the snapshot's connection or the page's queries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import MAIN, PAGES, TITLES

pytestmark = pytest.mark.process

# After warm(), each page's first render must neither open the snapshot nor query it: both are made to fail.
CHECK = """
import sys
from app.server import warm
took = warm()
assert {{"altair", "polars", "pyarrow", "vl_convert", "app.charts", "app.ui"}} <= set(sys.modules), "not imported"
from streamlit.testing.v1 import AppTest
from app import data
def refuse(*args):
    raise AssertionError(f"the snapshot was opened or queried again at the first visit: {{args}}")
data.attach_snapshot = refuse
data._cursor = refuse
for page, title in {titles!r}.items():
    at = AppTest.from_file({main!r}, default_timeout=120)
    at.switch_page(f"screens/{{page}}.py")
    at.run()
    assert not at.exception, (page, [e.message for e in at.exception])
    assert [t.value for t in at.title] == [title], (page, [t.value for t in at.title])
print(f"warmed in {{took:.2f}} s")
"""


def test_warm_leaves_no_query_to_any_first_visit(filled_snapshot: Path) -> None:
    env = {**os.environ, "GAPWATCH_PUBLISHED_PATH": str(filled_snapshot),
           "GAPWATCH_DATA_DIR": str(filled_snapshot.parents[1])}
    code = CHECK.format(titles={p: TITLES[p] for p in PAGES}, main=str(MAIN))
    done = subprocess.run([sys.executable, "-c", code], cwd=MAIN.parents[1], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "warmed in" in done.stdout


def test_warm_without_a_snapshot_starts_quietly(tmp_path: Path) -> None:
    """Nothing published yet: every page says so; warming raises nothing and logs no failure."""
    env = {**os.environ, "GAPWATCH_PUBLISHED_PATH": str(tmp_path / "published" / "gapwatch.duckdb"),
           "GAPWATCH_DATA_DIR": str(tmp_path)}
    code = "import logging; logging.basicConfig(); from app.server import warm; warm(); print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=MAIN.parents[1], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "warming the app" not in done.stderr, done.stderr[-3000:]
