"""Faulty upstreams under the running service: each fails cleanly on its own, the healthy sources keep going."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobs.pipeline import Pipeline
from jobs.service import Service
from tests.jobs.test_service import JULY, MAY, MODELS, Origin, clone, service_settings, wait_until

HEALTHY = ["good_a", "good_b"]
# source id -> (origin fault, what its failed runs must say)
FAULTY = {
    "hangs": ("timeout", "timed out after 2 attempts"),
    "storm": ("5xx", "HTTP 503 after 2 attempts"),
    "cut": ("truncate", "RemoteProtocolError"),
    "huge": ("oversize", "byte cap"),
    "halfdoc": (None, "truncated JSON"),  # a complete HTTP response carrying half a document
}


def test_timeouts_5xx_truncated_and_oversized_bodies_leave_the_other_sources_collecting(
    tmp_path: Path,
) -> None:
    origin = Origin()
    origin.hang_s = 1.5
    for sid in HEALTHY:
        origin.serve(f"/{sid}{MODELS}", MAY, JULY)
    for sid, (fault, _) in FAULTY.items():
        origin.serve(f"/{sid}{MODELS}", MAY[: len(MAY) // 2] if sid == "halfdoc" else MAY)
        if fault:
            origin.faults[f"/{sid}{MODELS}"] = fault
    ids = HEALTHY + list(FAULTY)
    settings = service_settings(tmp_path, origin, ids, max_concurrent_fetches=3, max_body_bytes=len(MAY) * 8)
    service = Service(settings, sources=[clone(s) for s in ids], pipeline=Pipeline(settings))
    try:
        service.start()
        wait_until(lambda: all(service.outcomes[(s, "ok")] >= 3 for s in HEALTHY)
                   and all(service.outcomes[(s, "failed")] + service.outcomes[(s, "rejected")] >= 2 for s in FAULTY),
                   timeout_s=45)
        service.stop()
    finally:
        origin.close()

    con = duckdb.connect(str(settings.warehouse_file), read_only=True)
    try:
        runs = con.execute("SELECT source, status, error FROM collection_run").fetchall()
        facts = dict(con.execute("SELECT source, count(*) FROM price GROUP BY source").fetchall())
    finally:
        con.close()
    assert not any(status == "crashed" for _, status in service.outcomes)
    for sid in HEALTHY:
        assert {status for source, status, _ in runs if source == sid} == {"ok"}
        assert facts[sid] > 0
    for sid, (_, expect) in FAULTY.items():
        mine = [(status, error) for source, status, error in runs if source == sid]
        assert mine and all(status in ("failed", "rejected") and expect in error for status, error in mine), mine
        assert sid not in facts  # a failing source writes no facts
    assert origin.requests[f"/hangs{MODELS}"] >= 4  # timeouts were retried, then retried again on schedule
