"""A deferred backfill leaves the warehouse the live path leaves: table by table, event by event.

Two warehouses from the same dated documents: "live" with `backfill(..., defer_events=False)` (identity and change
detection after every snapshot, in its transaction, as a live collection runs them) and "deferred" with the
default `backfill(...)`, which for these appending histories is the bulk path (`warehouse/bulk.py`: snapshots
judged and diffed in memory, written in one statement per table; identity refreshed once at the batch's end,
each snapshot's events detected then, in order). Every table of the warehouse is classified below and
compared row by row; a table this test does not know fails it, so a new table must be classified before it can
differ silently.

Where equality is impossible, the case and the reason are stated where it is handled (`change_model_state`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors import registry
from gapwatch.settings import Settings
from jobs import hook_schedule
from jobs.backfill import backfill as backfill_module
from jobs.backfill.backfill import Snapshot, Version, backfill, dir_versions, snapshots
from jobs.backfill.dated_files import dated_files
from jobs.pipeline import Pipeline, make_pipeline
from tests.conftest import REALDATA, fixture_bytes, realdata

# Columns that read the wall clock or a sequence, with why they cannot be equal; every other column must be.
IGNORED_COLUMNS: dict[str, dict[str, str]] = {
    "collection_run": {
        "run_id": "a sequence value: both paths write the same runs, but a sequence is not reset by a rollback "
                  "and the two files number independently",
        "started_at": "wall clock at the run's start",
        "finished_at": "wall clock at the run's end",
    },
    "change_event": {"detected_at": "wall clock: when gapwatch noticed, never part of the event's identity"},
    "raw_document": {"first_seen_at": "wall clock of the first fetch/read of the document"},
    "schema_migration": {"applied_at": "wall clock of the migration"},
    "fetch_log": {"id": "a sequence value", "fetched_at": "wall clock of the fetch"},
    "change_model_state": {
        "recorded_at": "the observed_at of the snapshot whose detection recorded the verdict: the live path "
                       "records at each snapshot, the deferred one once, at the batch's last accepted snapshot",
    },
}

# Bookkeeping tables not compared row by row as they are, each with its reason and what is asserted instead.
# (identity_state, the digests identity was last refreshed from, is equal in both and compared in full.)
TRANSIENT: dict[str, str] = {
    "derive_owed": "the derive stage a batch owes; deleted by the batch's end: asserted empty in both",
    "hooks_owed": "the per-outcome hooks a deferred batch owes; deleted by the batch's end: asserted empty "
                      "in both",
    "transform_state": "fingerprints the transform tables were last computed from; its `settings` row is a "
                       "digest of the whole Settings, data_dir included, which differs between the two "
                       "warehouses by construction: compared without that row, which is checked to be each "
                       "pipeline's own settings digest",
    "publish_log": "one row per publish, with its wall-clock time: versions compared; the data fingerprint "
                   "counts rows of every data table, change_model_state included, so it is compared only when "
                   "that table's row counts are equal (see compare_model_state)",
    "snapshot_info": "the last publish's version and wall-clock time: the version compared",
}

# Verdict rows of models identity later merged away: see `compare_model_state`.
SPECIAL = {"change_model_state"}

# Written by the service or the alerting only, never by a backfill: asserted empty in both.
EMPTY_IN_BACKFILL = {"source_schedule", "alert_delivery"}

# Compared in full, row by row (with the IGNORED_COLUMNS above left out). A table in none of these classes fails
# the test: classify it (and say why, if it cannot be equal) before it can differ silently.
COMPARED_IN_FULL = {
    # facts and what was read
    "price", "source_model", "leaderboard_score", "license", "license_text", "hub_model", "price_jump",
    "collection_run", "raw_document", "fetch_log", "schema_migration", "source_info",
    # identity (refreshed after each snapshot on the live path, once on the deferred one)
    "model", "model_alias", "model_alias_interval", "model_name_key", "manual_alias", "manual_key_alias",
    "manual_model", "openness_evidence", "license_term", "license_text_diff", "identity_state",
    # change detection and the derive stage
    "change_event", "change_gap_state", "capability_map", "headline_preference", "price_provider_alias",
    "price_maker", "price_maker_provider", "price_provider_role", "price_media_pattern",
    "gap_by_capability", "gap_headline", "gap_over_time", "months_behind", "months_behind_summary", "openness_top",
    "main_board_top",
    "price_blended", "price_frontier", "price_index", "price_moves", "tco_scenarios",
    "transform_names", "transform_touched", "transform_quality", "transform_quality_tier",
    "transform_score_group", "transform_board_fresh", "transform_score_record", "transform_cheapest",
    "transform_score_model", "transform_quality_latest", "transform_price_alive", "transform_score_alive",
    "transform_score_name", "transform_score_category",
}

EVENT_FIELDS = ("kind", "entity", "source", "before", "after", "magnitude", "evidence", "observed_at", "backfill")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
                                      "ORDER BY 1").fetchall()]


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


# Annotations of an event read at detection time from identity as it then stands (never part of the event's key):
# the live path's identity grows snapshot by snapshot, the deferred path's is the batch's end. A price event's
# listing role and its model's price (warehouse/changes/facts.py) are compared without them.
DETECTION_TIME_ANNOTATIONS = {
    ("change_event", "after"): ("role", "model_price_kind", "model_price_provider", "model_price_blended"),
}


def _compared(table: str, column: str) -> str:
    dropped = DETECTION_TIME_ANNOTATIONS.get((table, column))
    if not dropped:
        return f'"{column}"'
    patch = "{" + ", ".join(f'"{k}": null' for k in dropped) + "}"
    return f"json_merge_patch(\"{column}\", '{patch}')"


def rows(con: duckdb.DuckDBPyConnection, table: str, where: str = "") -> list[str]:
    """The table's rows, compared columns only, as sorted reprs (a NaN equals itself, types are compared too)."""
    keep = [_compared(table, c) for c in columns(con, table) if c not in IGNORED_COLUMNS.get(table, {})]
    return sorted(repr(r) for r in con.execute(f"SELECT {', '.join(keep)} FROM {table} {where}").fetchall())


def difference(live: list[str], deferred: list[str], limit: int = 5) -> str:
    a, b = set(live), set(deferred)
    only_live, only_deferred = sorted(a - b)[:limit], sorted(b - a)[:limit]
    return (f"live {len(live)} rows, deferred {len(deferred)}; only live: {only_live}; "
            f"only deferred: {only_deferred}")


def compare_model_state(live: duckdb.DuckDBPyConnection, deferred: duckdb.DuckDBPyConnection) -> None:
    """`change_model_state`: the licence detector's memory of the last verdict it saw per model id.

    Equality is impossible for model ids identity merged away. The live path refreshes identity after every
    snapshot and records the verdict of every model id that existed at that moment; a later snapshot can bring
    the evidence that merges such an intermediate id into another (realdata: `command-r` once stood alone). The
    deferred path refreshes identity once, at the end, so it never sees the intermediate id. The live path's row
    for it is stale: no `model` row refers to it, the detector never reads it again (it joins from `model`).

    So: restricted to the ids in `model`, both are equal row for row (verdicts included); the live path's extra
    rows concern only ids absent from `model`; and the deferred path has no row the live path lacks.
    """
    current = "WHERE model_id IN (SELECT model_id FROM model)"
    a, b = rows(live, "change_model_state", current), rows(deferred, "change_model_state", current)
    assert a == b, f"change_model_state (models in `model`): {difference(a, b)}"
    assert a, "no verdict recorded at all: the comparison would be empty"
    stale = "WHERE model_id NOT IN (SELECT model_id FROM model)"
    assert rows(deferred, "change_model_state", stale) == [], "the deferred path keeps a merged-away id"


def compare_events(live: duckdb.DuckDBPyConnection, deferred: duckdb.DuckDBPyConnection) -> None:
    """Same event keys, and for each key the same fields (all but the wall-clock `detected_at`)."""
    sql = f"SELECT event_key, {', '.join(EVENT_FIELDS)} FROM change_event"

    def by_key(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
        out = {}
        for r in con.execute(sql).fetchall():
            fields = dict(zip(EVENT_FIELDS, r[1:], strict=True))
            for side in ("before", "after"):  # JSON: compared as values, not as spellings
                fields[side] = None if fields[side] is None else json.loads(fields[side])
            for key in DETECTION_TIME_ANNOTATIONS[("change_event", "after")]:
                if fields["after"] is not None:
                    fields["after"].pop(key, None)
            out[r[0]] = fields
        return out

    a, b = by_key(live), by_key(deferred)
    assert sorted(a) == sorted(b), (f"event keys: only live {sorted(a.keys() - b.keys())[:10]}, "
                                    f"only deferred {sorted(b.keys() - a.keys())[:10]}")
    for key in a:
        for name in EVENT_FIELDS:
            assert a[key][name] == b[key][name] or repr(a[key][name]) == repr(b[key][name]), (key, name, a[key][name],
                                                                                            b[key][name])


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def assert_same_warehouse(live_pipe: Pipeline, deferred_pipe: Pipeline) -> dict[str, int]:
    """Every table classified and compared; returns the row counts of the tables compared in full."""
    live, deferred = live_pipe.con, deferred_pipe.con
    live_settings, deferred_settings = live_pipe.settings, deferred_pipe.settings
    names = tables(live)
    assert names == tables(deferred)
    classes = (COMPARED_IN_FULL, set(TRANSIENT), SPECIAL, EMPTY_IN_BACKFILL)
    unclassified = [t for t in names if sum(t in c for c in classes) != 1]
    assert not unclassified, f"tables this test does not classify (or classifies twice): {unclassified}"
    compared: dict[str, int] = {}
    for table in names:
        if table in ("derive_owed", "hooks_owed") or table in EMPTY_IN_BACKFILL:
            for con in (live, deferred):
                assert count(con, table) == 0, table
            continue
        if table == "publish_log":
            same_counts = len(set(count(con, "change_model_state") for con in (live, deferred))) == 1
            shown = "version, fingerprint" if same_counts else "version"
            a, b = (con.execute(f"SELECT {shown} FROM publish_log ORDER BY version").fetchall()
                    for con in (live, deferred))
            assert a == b and a, "publish_log"
            continue
        if table == "snapshot_info":
            a, b = (con.execute("SELECT version FROM snapshot_info").fetchall() for con in (live, deferred))
            assert a == b, "snapshot_info"
            continue
        if table == "transform_state":
            a, b = (rows(con, table, "WHERE name <> 'settings'") for con in (live, deferred))
            assert a == b and a, f"{table}: {difference(a, b)}"
            for con, settings in ((live, live_settings), (deferred, deferred_settings)):
                digest = hashlib.sha256(settings.model_dump_json().encode()).hexdigest()
                assert con.execute("SELECT value FROM transform_state WHERE name = 'settings'").fetchall() == [
                    (digest,)]
            continue
        if table == "change_model_state":
            compare_model_state(live, deferred)
            continue
        # Every table not classified above is compared in full: a table this test does not name is still
        # compared, and one that differs fails with its name.
        a, b = rows(live, table), rows(deferred, table)
        assert a == b, f"{table}: {difference(a, b)}"
        compared[table] = len(a)
    compare_events(live, deferred)
    # The exclusions name only tables and columns that exist: a rename must not make one silently void.
    for table, cols in IGNORED_COLUMNS.items():
        assert table in names and set(cols) <= set(columns(live, table)), table
    assert set(TRANSIENT) | SPECIAL | EMPTY_IN_BACKFILL <= set(names)
    return compared


# ---- the histories -------------------------------------------------------------------------------------------

def fixture_history(source_id: str, dated: list[tuple[datetime, str]]) -> list[Snapshot]:
    return [Snapshot(at, (Version(at, f"file:///history/{name}", lambda name=name: fixture_bytes(source_id, name)),))
            for at, name in dated]


# Small recorded histories in the repository: a leaderboard, two price lists (one with a model catalogue). The
# last litellm snapshot returns to the first list: every change of the second is undone, in a third step.
FIXTURE_HISTORIES: dict[str, list[tuple[datetime, str]]] = {
    "litellm": [(datetime(2024, 9, 28), "prices_2024-09-28.json"), (datetime(2025, 6, 28), "prices_2025-06-28.json"),
                (datetime(2025, 8, 1), "prices_2024-09-28.json")],
    "lmarena": [(datetime(2024, 6, 19), "lmsys_2024-06-19.csv"), (datetime(2024, 10, 16), "lmsys_2024-10-16.csv")],
    "openrouter": [(datetime(2026, 5, 15), "models_2026-05-15.json"),
                   (datetime(2026, 7, 17), "models_2026-07-17.json")],
}

# The realdata staging sets: litellm and its mirror form one history, as bench/bench_backfill.py reads them.
REALDATA_SETS = {"litellm": ("litellm", "litellm_mirror_rocry"), "lmarena": ("lmarena",)}


def realdata_history(source_id: str) -> list[Snapshot]:
    """`history_of` of bench/bench_backfill.py (bench/ is not a package the tests import)."""
    source = registry.get(source_id)
    dirs = REALDATA_SETS[source_id]
    files = [f for d in dirs if (REALDATA / d).is_dir() for f in dated_files(REALDATA / d)[0]]
    return snapshots(source, dir_versions(files, source.tree))


def build(data_dir: Path, histories: list[tuple[str, list[Snapshot]]], *, defer_events: bool) -> Pipeline:
    pipe = make_pipeline(Settings(_env_file=None, data_dir=data_dir))
    for source_id, snaps in histories:
        report = backfill(pipe, registry.get(source_id), snaps, defer_events=defer_events)
        assert report.outcomes and all(o.status in ("ok", "unchanged", "rejected") for o in report.outcomes)
    return pipe


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Callable[[list[tuple[str, list[Snapshot]]]], tuple[Pipeline, Pipeline]]]:
    made: list[Pipeline] = []

    def make(histories: list[tuple[str, list[Snapshot]]]) -> tuple[Pipeline, Pipeline]:
        n = len(made)
        live = build(tmp_path / f"live{n}", histories, defer_events=False)
        deferred = build(tmp_path / f"deferred{n}", histories, defer_events=True)
        made.extend((live, deferred))
        return live, deferred

    yield make
    for pipe in made:
        pipe.close()


def events_of(pipe: Pipeline) -> dict[str, int]:
    return dict(pipe.con.execute("SELECT kind, count(*) FROM change_event GROUP BY kind").fetchall())


@pytest.mark.parametrize("source_ids", [("litellm",), ("lmarena",), ("openrouter",), ("litellm", "lmarena",
                                                                                      "openrouter")],
                         ids="+".join)
def test_deferred_backfill_equals_the_live_path_on_fixture_histories(pair, source_ids: tuple[str, ...]) -> None:
    live, deferred = pair([(s, fixture_history(s, FIXTURE_HISTORIES[s])) for s in source_ids])
    compared = assert_same_warehouse(live, deferred)
    # The comparison is not vacuous: facts, identity and events were written.
    assert compared["collection_run"] >= 2 and compared["model_alias"] > 0 and compared["model"] > 0
    assert sum(events_of(live).values()) > 0


@pytest.mark.realdata
@pytest.mark.parametrize("source_ids", [("litellm",), ("lmarena",), ("litellm", "lmarena")], ids="+".join)
def test_deferred_backfill_equals_the_live_path_on_realdata(pair, source_ids: tuple[str, ...]) -> None:
    for s in source_ids:
        for d in REALDATA_SETS[s]:
            realdata(d)
    began = time.perf_counter()
    live, deferred = pair([(s, realdata_history(s)) for s in source_ids])
    built = time.perf_counter() - began
    compared = assert_same_warehouse(live, deferred)
    stale = live.con.execute("SELECT list(model_id ORDER BY model_id) FROM change_model_state "
                             "WHERE model_id NOT IN (SELECT model_id FROM model)").fetchone()[0]
    print(f"{'+'.join(source_ids)}: built both in {built:.1f}s; compared {len(compared)} tables, "
          f"{sum(compared.values())} rows; events {events_of(live)}; live-only merged-away verdicts {stale}")
    assert compared["collection_run"] > 5 and sum(events_of(live).values()) > 0


def test_a_batch_past_its_change_budget_pays_its_events_in_chunks_and_still_equals_the_live_path(
    pair, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memory stays bounded: with a budget of one fact change, every bulk flush (one per snapshot here) runs the
    owed identity and change detection at once instead of holding every diff until the end; the warehouse is
    still the live path's, event by event."""
    monkeypatch.setattr(backfill_module, "BULK_FLUSH_ROWS", 1)
    monkeypatch.setattr(hook_schedule, "DEFERRED_CHANGES", 1)
    paid: list[int] = []
    pay = Pipeline._pay_deferred

    def counted(self: Pipeline, batch: object) -> None:
        paid.append(len(batch.deferred))  # type: ignore[attr-defined]
        pay(self, batch)

    monkeypatch.setattr(Pipeline, "_pay_deferred", counted)
    live, deferred = pair([("litellm", fixture_history("litellm", FIXTURE_HISTORIES["litellm"]))])
    assert len(paid) >= 2 and max(paid) == 1  # paid after each snapshot, never holding two
    assert deferred.con.execute("SELECT count(*) FROM hooks_owed").fetchall() == [(0,)]
    assert_same_warehouse(live, deferred)
    assert sum(events_of(live).values()) > 0
