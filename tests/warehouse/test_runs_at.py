"""What a judgement reads of a source's runs, for one source or a whole collection's in one statement."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from gapwatch.source import Outcome
from warehouse import db, runs
from warehouse.ingest import record, utcnow


def day(d: int) -> datetime:
    return datetime(2026, 1, d)


def test_runs_at_reads_every_source_as_its_own_judgement_does(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    for source, status, d, docs in (
        ("board", "ok", 1, ["a", "b"]), ("board", "rejected", 2, ["c"]), ("board", "ok", 3, ["d"]),
        ("board", "unchanged", 3, ["e", "f"]), ("board", "failed", 4, []), ("board", "rejected", 5, ["g"]),
        ("prices", "ok", 2, ["p"]), ("prices", "failed", 6, []),
    ):
        record(con, Outcome(source, status, day(d), rows=d), docs, utcnow(), "cli")
    read = runs.runs_at(con, ["board", "prices", "never"], day(3))
    # The newest judged run whenever observed (a failed fetch judges nothing); the runs at T that saw data, in any
    # document order (a rejected one was not ingested); the next observation that saw data.
    assert read["board"].judgement(["b", "a"]) == runs.Judgement(("rejected", ["g"], 5), False, None)
    assert read["board"].judgement(["f", "e"]).replayed and read["board"].judgement(["d"]).replayed
    assert not read["board"].judgement(["c"]).replayed
    assert read["prices"].judgement(["p"]) == runs.Judgement(("ok", ["p"], 2), False, None)
    assert read["never"].judgement(["x"]) == runs.Judgement(None, False, None)
    assert runs.runs_at(con, ["board"], day(1))["board"].judgement(["a", "b"]) == runs.Judgement(
        ("rejected", ["g"], 5), True, day(3))
    assert runs.runs_at(con, ["board"], day(2))["board"].judgement(["c"]).replayed is False  # rejected at T
    for d in range(1, 7):  # one source alone reads what the whole collection's statement read for it
        both = runs.runs_at(con, ["board", "prices"], day(d))
        for source in ("board", "prices"):
            assert runs.judgement(con, source, day(d), ["d"]) == both[source].judgement(["d"])
