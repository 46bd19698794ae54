"""Canonical licence moves after a bulk identity change: every moved model once, set-based, nothing else."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from gapwatch.settings import Settings
from gapwatch.source import Diff
from warehouse import db
from warehouse.changes.events import Context
from warehouse.changes.licence import canonical_license_moves


@dataclass
class Outcome:
    observed_at: datetime
    status: str = "ok"
    diff: Diff = field(default_factory=Diff)


def context(con, at: datetime) -> Context:
    return Context(con, "hf_hub", Outcome(at), Settings(_env_file=None), ("sha",), baseline=False)


def test_a_bulk_licence_change_is_one_event_per_moved_model(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    n = 4_200
    con.execute("INSERT INTO model (model_id, organization, openness, license_id) "
                "SELECT 'm' || i, 'org', 'open-weights-restricted', 'llama3' FROM range(?) t(i)", [n])
    con.execute("INSERT INTO model (model_id, openness) VALUES ('unlicensed', 'unknown')")
    assert canonical_license_moves(context(con, datetime(2026, 1, 1))) == []  # first sight: recorded silently
    assert con.execute("SELECT count(*) FROM change_model_state").fetchall() == [(n + 1,)]

    # Every model's licence moves at once; half the openness too; one model gains a licence (not a change).
    con.execute("UPDATE model SET license_id = 'llama3.1' WHERE model_id <> 'unlicensed'")
    con.execute("UPDATE model SET openness = 'open-weights-permissive' WHERE model_id LIKE '%0'")
    con.execute("UPDATE model SET license_id = 'mit' WHERE model_id = 'unlicensed'")
    at = datetime(2026, 1, 2)
    started = time.perf_counter()
    events = canonical_license_moves(context(con, at))
    elapsed = time.perf_counter() - started
    assert len(events) == n
    assert {e.entity for e in events} == {f"m{i}" for i in range(n)}
    e = next(e for e in events if e.entity == "m10")
    assert e.before == {"license_id": "llama3", "openness": "open-weights-restricted"}
    assert e.after == {"license_id": "llama3.1", "openness": "open-weights-permissive", "organization": "org"}
    assert con.execute("SELECT count(*) FROM change_model_state WHERE recorded_at = ? AND license_id IS NOT NULL",
                       [at]).fetchall() == [(n + 1,)]
    assert canonical_license_moves(context(con, datetime(2026, 1, 3))) == []  # recorded: nothing moves twice
    assert elapsed < 5, f"{n} moved models took {elapsed:.1f} s"  # one statement each way, not one per model
    print(f"{n} moved models: {elapsed:.3f} s")
