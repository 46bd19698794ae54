"""`python -m app.server` warms the app before it listens: the pages' modules imported and the snapshot's shared
connection open, so the first visitor after a start does not pay for them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.conftest import MAIN

pytestmark = pytest.mark.process

# After warm(), a page's first query must not open the snapshot again: opening it is made to fail.
CHECK = """
import sys
from app.server import warm
took = warm()
assert {"altair", "polars", "pyarrow", "app.charts", "app.ui"} <= set(sys.modules), "modules not imported"
from app import data
def refuse(path):
    raise AssertionError(f"the snapshot was opened again at the first visit: {path}")
data.attach_snapshot = refuse
snap = data.snapshot()
assert snap is not None and data.has(snap, "gap_headline"), "the warmed connection does not read the snapshot"
print(f"warmed in {took:.2f} s")
"""


def test_warm_opens_the_snapshot_connection_the_first_visit_uses(filled_snapshot: Path) -> None:
    env = {**os.environ, "GAPWATCH_PUBLISHED_PATH": str(filled_snapshot),
           "GAPWATCH_DATA_DIR": str(filled_snapshot.parents[1])}
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=MAIN.parents[1], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "warmed in" in done.stdout
