"""The writer process stays lean: a whole collection of every recorded source (fetch over real HTTP on 127.0.0.1,
ingest, derive, publish) never imports pandas, and the objects loaded to get there are out of the garbage
collector's full passes (`jobs.pipeline._freeze_what_is_loaded`).

pyarrow imports pandas on its first conversion of a Python list (apache/arrow#34994): 0.3 s of every `gapwatch
collect` and ~90,000 objects walked by every full collection after it. Run in a fresh interpreter, since the
test process itself has imported pandas long before (Streamlit's tests).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, json, sys
from pathlib import Path
from collectors import registry
from gapwatch.settings import Settings
from jobs.demo.replay import Recordings, ReplayServer
from jobs.pipeline import make_pipeline

root = Path(sys.argv[1]) / "demo" / "recordings"
frozen_before = gc.get_freeze_count()
with ReplayServer(root) as server:
    recorded = set(Recordings(root).sources())
    sources = [s for s in registry.SOURCES if s.id in recorded]
    settings = Settings(_env_file=None, data_dir=Path(sys.argv[2]), host_min_interval_s=0,
                        base_urls={s.id: server.base_url(s.id) for s in sources})
    with make_pipeline(settings) as pipe:
        frozen = gc.get_freeze_count()
        outcomes = pipe.collect_all(sources)
print(json.dumps({"frozen_before": frozen_before, "frozen": frozen, "pandas": "pandas" in sys.modules,
                  "ok": sum(o.status == "ok" for o in outcomes), "rows": sum(o.rows for o in outcomes)}))
"""


def test_a_whole_collection_never_imports_pandas(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["ok"] >= 15 and found["rows"] > 5000  # the collection really ingested (19 recorded sources)
    assert (ROOT / "demo" / "recordings").is_dir()
    assert not found["pandas"], "a whole collection imported pandas: an Arrow table built by pyarrow from a list?"
    assert found["frozen_before"] == 0 and found["frozen"] > 10_000  # what the writer loaded, frozen once
