"""Time ingesting every shared LiteLLM price-map version, against merely JSON-parsing the same files.

    .venv/bin/python -m bench.litellm_ingest [REALDATA_DIR]

Ingest = parse + validate + price guard + history write through `Pipeline.ingest_documents` into a fresh
DuckDB warehouse in a temp dir (no HTTP, no publish, no hooks), oldest version first, as a backfill does.
Prints both times and their ratio (target ≤ 2×).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from collectors.pricing import litellm
from gapwatch.settings import Settings
from gapwatch.source import DocMeta
from jobs.pipeline import Document, Pipeline
from warehouse.db import first

DEFAULT_REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def versions(root: Path) -> list[tuple[datetime, Path]]:
    files = sorted((root / "litellm").glob("*.json")) + sorted((root / "litellm_mirror_rocry").glob("*.json"))
    return [(datetime.fromisoformat(re.match(r"\d{4}-\d{2}-\d{2}", f.name).group(0)), f) for f in files]


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REALDATA
    found = versions(root)
    if not found:
        raise SystemExit(f"no LiteLLM files under {root}/litellm*/ — pass the realdata directory")
    bodies = [(at, path.read_bytes()) for at, path in found]
    size = sum(len(b) for _, b in bodies)

    started = time.perf_counter()
    for _, body in bodies:
        json.loads(body)
    json_s = time.perf_counter() - started

    started = time.perf_counter()
    for at, body in bodies:
        litellm.parse(body, DocMeta(litellm.SOURCE.id, litellm.SOURCE.paths[0], at))
    parse_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        with Pipeline(settings, publish_after_ingest=False) as pipe:
            started = time.perf_counter()
            rows = 0
            for at, body in bodies:
                doc = Document(litellm.SOURCE.paths[0], body, hashlib.sha256(body).hexdigest())
                outcome = pipe.ingest_documents(litellm.SOURCE, [doc], at, trigger="backfill")
                if outcome.status != "ok":
                    raise SystemExit(f"{at:%Y-%m-%d}: {outcome.summary()}")
                rows += outcome.rows
            ingest_s = time.perf_counter() - started
            intervals = first(pipe.con.execute("SELECT count(*) FROM price WHERE source = 'litellm'").fetchall())[0]

    print(f"{len(bodies)} LiteLLM versions, {size / 1e6:.1f} MB, {rows} price rows parsed, {intervals} intervals")
    print(f"json.loads only : {json_s:8.3f} s")
    print(f"parse only      : {parse_s:8.3f} s  ({parse_s / json_s:.1f}× json.loads)")
    print(f"full ingest     : {ingest_s:8.3f} s")
    print(f"ratio           : {ingest_s / json_s:8.1f}×  (target ≤ 2×)")


if __name__ == "__main__":
    main()
