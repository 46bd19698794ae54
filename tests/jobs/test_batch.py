"""`Pipeline.batch()`: deferring the state-refreshing hooks to the end of a backfill leaves the same warehouse."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors import registry
from gapwatch.settings import Settings
from gapwatch.source import Outcome
from jobs.backfill.backfill import Snapshot, Version, backfill
from jobs.pipeline import Document, Pipeline, make_pipeline
from tests.conftest import fixture_bytes
from warehouse.hooks import derive

HISTORY = {
    "lmarena": [(datetime(2024, 6, 19), "lmsys_2024-06-19.csv"), (datetime(2024, 10, 16), "lmsys_2024-10-16.csv")],
    "litellm": [(datetime(2024, 9, 28), "prices_2024-09-28.json"), (datetime(2025, 6, 28), "prices_2025-06-28.json")],
}
# Everything the deferred hooks derive, and what the per-outcome hooks derive from it (names, models, events).
DERIVED = {
    "capability_map": "SELECT * FROM capability_map",
    "gap_by_capability": "SELECT * FROM gap_by_capability",
    "gap_over_time": "SELECT * FROM gap_over_time",
    "months_behind": "SELECT * FROM months_behind",
    "months_behind_summary": "SELECT * FROM months_behind_summary",
    "price_blended": "SELECT * FROM price_blended",
    "price_index": "SELECT * FROM price_index",
    "price_moves": "SELECT * FROM price_moves",
    "price_frontier": "SELECT * FROM price_frontier",
    "tco_scenarios": "SELECT * FROM tco_scenarios",
    "model_alias": "SELECT * FROM model_alias",
    "model": "SELECT * FROM model",
    "v_model_names": "SELECT * FROM v_model_names",
    "change_gap_state": "SELECT definition, capability, board, gap_abs, as_of FROM change_gap_state",
    # Gap thresholds are checked once per batch, so only the other kinds must match event for event.
    "change_event": "SELECT event_key, kind, entity FROM change_event WHERE kind <> 'gap_threshold'",
}


def snaps(source_id: str) -> list[Snapshot]:
    return [Snapshot(at, (Version(at, f"file:///history/{name}", lambda name=name: fixture_bytes(source_id, name)),))
            for at, name in HISTORY[source_id]]


def documents(snap: Snapshot) -> list[Document]:
    return [Document(v.url, body, hashlib.sha256(body).hexdigest()) for v in snap.versions for body in [v.read()]]


def state(pipe: Pipeline) -> dict[str, list[tuple]]:
    return {name: sorted(pipe.con.execute(sql).fetchall(), key=repr) for name, sql in DERIVED.items()}


def per_document(pipe: Pipeline) -> None:
    """The same history ingested document by document, every hook after every document (no batch)."""
    pipe.publish_after_ingest = False
    for source_id in HISTORY:
        for snap in snaps(source_id):
            outcome = pipe.ingest_documents(registry.get(source_id), documents(snap), snap.observed_at,
                                            trigger="backfill")
            assert outcome.status == "ok"


def test_a_batch_leaves_the_same_warehouse_as_hooks_after_every_document(tmp_path: Path) -> None:
    with make_pipeline(Settings(data_dir=tmp_path / "each")) as each:
        per_document(each)
        expected = state(each)
    with make_pipeline(Settings(data_dir=tmp_path / "batch")) as batched:
        for source_id in HISTORY:
            report = backfill(batched, registry.get(source_id), snaps(source_id))
            assert report.count("ok") == len(HISTORY[source_id])
        got = state(batched)
    assert expected["gap_by_capability"] and expected["model_alias"] and expected["price_blended"]
    for name in DERIVED:
        assert got[name] == expected[name], name


def test_deferred_hooks_run_once_at_the_end_and_only_after_an_accepted_document(tmp_path: Path) -> None:
    calls: list[tuple[str, datetime, int]] = []

    def accepted(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("SELECT count(*) FROM collection_run WHERE status = 'ok'").fetchone()[0]

    def each(con: duckdb.DuckDBPyConnection, source: object, outcome: Outcome) -> None:
        calls.append(("each", outcome.observed_at, accepted(con)))

    @derive
    def once(con: duckdb.DuckDBPyConnection, source: object, outcome: Outcome) -> None:
        calls.append(("once", outcome.observed_at, accepted(con)))

    with Pipeline(Settings(data_dir=tmp_path / "data"), hooks=[each, once]) as pipe:
        source = registry.get("litellm")
        backfill(pipe, source, snaps("litellm"))
        # A backfill defers the per-outcome hooks too: each outcome in order once every document is written,
        # then the derive stage once, for the last accepted document.
        assert calls == [("each", datetime(2024, 9, 28), 2), ("each", datetime(2025, 6, 28), 2),
                         ("once", datetime(2025, 6, 28), 2)]
        calls.clear()
        backfill(pipe, source, snaps("litellm"))  # nothing new: no outcome, no deferred run
        assert calls == []
        # The newest file again, re-serialised (a new document, the same facts; an older file would lack values
        # the newer one gave, and so many missing values quarantine it).
        newest = snaps("litellm")[-1].versions[0]
        again = Version(datetime(2026, 1, 1), newest.url, lambda: newest.read() + b"\n")
        later = Snapshot(again.observed_at, (again,))
        pipe.ingest_documents(source, documents(later), later.observed_at)  # outside a batch: every hook, each time
        assert calls == [("each", later.observed_at, 3), ("once", later.observed_at, 3)]


def test_an_interrupted_batch_still_runs_the_deferred_hooks_for_what_it_committed(tmp_path: Path) -> None:
    ran: list[datetime] = []

    @derive
    def once(con: duckdb.DuckDBPyConnection, source: object, outcome: Outcome) -> None:
        ran.append(outcome.observed_at)

    with Pipeline(Settings(data_dir=tmp_path / "data"), hooks=[once]) as pipe:
        source = registry.get("litellm")
        with pytest.raises(KeyboardInterrupt), pipe.batch():
            first = snaps("litellm")[0]
            pipe.ingest_documents(source, documents(first), first.observed_at)
            raise KeyboardInterrupt
        assert ran == [datetime(2024, 9, 28)]
