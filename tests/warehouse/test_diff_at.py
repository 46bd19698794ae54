"""`history.diff_at` reads a snapshot's diff back from interval bounds: it must equal what `apply_snapshot` returned.

`Pipeline.settle()` rebuilds the diff of every run a killed deferred batch owed its change detection with it, so
any difference here is a difference in the change events a recovered batch records. Real fact tables, a real
DuckDB file, seeded random histories (adds, changes, removals, unchanged facts, float noise, scoped boards that a
snapshot does not mention, partial snapshots), appended in time order or fitted between two known snapshots.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from gapwatch.rows import ModelRow, PriceRow, ScoreRow
from warehouse import db, history
from warehouse.facts import FACT_TABLES, FactTable

SOURCE = "src"
PRICE, MODEL, SCORE = FACT_TABLES[PriceRow], FACT_TABLES[ModelRow], FACT_TABLES[ScoreRow]
T0 = datetime(2025, 1, 1)
# Equal under history's ten-significant-digit comparison but not bitwise: 0.1 + 0.2 is 0.30000000000000004.
FLOATS = (0.3, 0.1 + 0.2, 1.0, 2.5, 1 / 3, 15.0)
MODELS = [f"m{i}" for i in range(8)]
BOARDS = ("text", "vision", "webdev")
SEEDS = 6

Change = tuple[str, tuple, tuple | None, tuple | None, str | None]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = db.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def as_set(diff: history.Diff) -> set[Change]:
    def items(d: dict[str, Any] | None) -> tuple | None:
        return None if d is None else tuple(sorted(d.items()))

    return {(c.table, items(c.key), items(c.before), items(c.after), c.evidence)
            for c in (*diff.added, *diff.changed, *diff.removed)}


def rows_for(rng: random.Random) -> dict[FactTable, list]:
    """One random snapshot of the three tables a source most often writes."""
    prices = [PriceRow("prov", m, rng.choice(FLOATS), rng.choice((*FLOATS, None)),
                       tier=rng.choice(("standard", "batch")), cache_read_per_mtok=rng.choice((None, 0.1, 0.3)))
              for m in rng.sample(MODELS, rng.randint(0, len(MODELS)))]
    models = [ModelRow(m, name=m.upper(), organization=rng.choice(("a", "b", None)),
                       context_length=rng.choice((None, 8192, 128000)), open_weights=rng.choice((None, True, False)))
              for m in rng.sample(MODELS, rng.randint(0, len(MODELS)))]
    scores = [ScoreRow(board, "overall", m, score=rng.choice((1200.0, 1200.5, 1300.25, 0.1 + 0.2, 0.3)),
                       rank=rng.randint(1, 3), votes=rng.choice((None, 10, 11)))
              # each snapshot mentions some boards only: the boards it leaves out are not removed
              for board in rng.sample(BOARDS, rng.randint(0, len(BOARDS)))
              for m in rng.sample(MODELS, rng.randint(1, 4))]
    return {PRICE: prices, MODEL: models, SCORE: scores}


def write(con: duckdb.DuckDBPyConnection, at: datetime, tables: dict[FactTable, list], *, evidence: str,
          full_snapshot: bool = True) -> dict[str, history.Diff]:
    """One snapshot at `at`, as ingest writes it: every table in one transaction, then its run (which is what
    `runs.next_observation` reads for the snapshots fitted in later)."""
    con.execute("BEGIN")
    diffs = {spec.name: history.apply_snapshot(con, spec, SOURCE, [(r, evidence) for r in rows], at,
                                               full_snapshot=full_snapshot)
             for spec, rows in tables.items()}
    con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status) "
                "VALUES (?, ?, ?, ?, 'ok')", [SOURCE, at, at, at])
    con.execute("COMMIT")
    return diffs


def read_back(con: duckdb.DuckDBPyConnection, at: datetime) -> dict[str, history.Diff]:
    return {spec.name: history.diff_at(con, spec, SOURCE, at) for spec in (PRICE, MODEL, SCORE)}


def assert_same(con: duckdb.DuckDBPyConnection, at: datetime, written: dict[str, history.Diff]) -> None:
    back = read_back(con, at)
    for name, diff in written.items():
        assert as_set(back[name]) == as_set(diff), (name, at)
        assert back[name].counts == diff.counts, (name, at)


@pytest.mark.parametrize("seed", range(SEEDS))
@pytest.mark.parametrize("full_snapshot", [True, False], ids=["full", "partial"])
def test_diff_at_equals_the_written_diff_for_snapshots_appended_in_time_order(
    con: duckdb.DuckDBPyConnection, seed: int, full_snapshot: bool,
) -> None:
    rng = random.Random(seed)
    written = []
    for i in range(10):
        at = T0 + timedelta(days=7 * i)
        # Each snapshot its own document (evidence), as in ingest.
        diffs = write(con, at, rows_for(rng), evidence=f"sha-{seed}-{i}", full_snapshot=full_snapshot)
        written.append((at, diffs))
        assert_same(con, at, diffs)  # right after the write
    changes = sum(len(as_set(d)) for _, diffs in written for d in diffs.values())
    assert changes > 0
    # And still after every later snapshot of the series was appended: appending never moves an older bound.
    for at, diffs in written:
        assert_same(con, at, diffs)


def test_the_random_histories_cover_every_kind_of_change(con: duckdb.DuckDBPyConnection) -> None:
    """The generator is worth its name: added, changed, removed, unchanged and untouched boards all occur."""
    seen = {"added": 0, "changed": 0, "removed": 0}
    rng = random.Random(0)
    for i in range(10):
        diffs = write(con, T0 + timedelta(days=i), rows_for(rng), evidence=f"e{i}")
        for d in diffs.values():
            for kind in seen:
                seen[kind] += len(getattr(d, kind))
    assert all(seen.values()), seen
    # Scores of one board live on across snapshots that omitted it (scope): some interval spans >1 snapshot.
    assert con.execute("SELECT count(*) FROM leaderboard_score WHERE valid_to IS NULL "
                       "AND valid_from < (SELECT max(observed_at) FROM collection_run)").fetchone()[0] > 0


@pytest.mark.parametrize("seed", range(SEEDS))
@pytest.mark.parametrize("full_snapshot", [True, False], ids=["full", "partial"])
def test_diff_at_equals_the_written_diff_for_a_snapshot_fitted_between_two_known_ones(
    con: duckdb.DuckDBPyConnection, seed: int, full_snapshot: bool,
) -> None:
    """Snapshots at even weeks first, then one fitted in at each odd week (`t_next` set: the next even week).

    Exact, but for the one case the xfails below isolate: a fitted value equal (within ten significant digits)
    to its successor's is the successor's interval extended backwards, so it reads back with the successor's
    evidence and float. Asserted precisely: each such change differs in nothing else.
    """
    rng = random.Random(1000 + seed)
    for i in range(0, 10, 2):
        write(con, T0 + timedelta(days=7 * i), rows_for(rng), evidence=f"sha-{i}", full_snapshot=full_snapshot)
    extended = 0
    for i in range(1, 9, 2):
        at = T0 + timedelta(days=7 * i)
        diffs = write(con, at, rows_for(rng), evidence=f"sha-{i}", full_snapshot=full_snapshot)
        back = read_back(con, at)
        for name, diff in diffs.items():
            assert back[name].counts == diff.counts, (name, at)
            got = {c[:2]: c for c in as_set(back[name])}
            for want in as_set(diff):
                have = got[want[:2]]
                if have == want:
                    continue
                # the extension: the successor's document and float, the same change otherwise. A partial
                # snapshot's successor is the key's own next interval, which may start after the next snapshot.
                successors = {f"sha-{i + 1}"} if full_snapshot else {f"sha-{j}" for j in range(i + 1, 10, 2)}
                assert have[4] in successors and want[4] == f"sha-{i}", (have, want)
                assert have[2] == want[2] and [(k, history._norm(v)) for k, v in have[3]] == [
                    (k, history._norm(v)) for k, v in want[3]], (have, want)
                extended += 1
    if seed == 5:
        assert extended > 0  # the case occurs in these histories (seeds 4 and 5)


def _fitted_equal_to_successor(con: duckdb.DuckDBPyConnection, value: float) -> tuple[history.Diff, history.Diff]:
    """m costs 5.0 from January; February (fitted later, `t_next` = March) costs `value`; March costs 0.3."""
    jan, feb, mar = datetime(2025, 1, 1), datetime(2025, 2, 1), datetime(2025, 3, 1)
    write(con, jan, {PRICE: [PriceRow("prov", "m", 5.0, 5.0)]}, evidence="doc-jan")
    write(con, mar, {PRICE: [PriceRow("prov", "m", 0.3, 0.3)]}, evidence="doc-mar")
    written = write(con, feb, {PRICE: [PriceRow("prov", "m", value, value)]}, evidence="doc-feb")[PRICE.name]
    return written, history.diff_at(con, PRICE, SOURCE, feb)


@pytest.mark.xfail(strict=True, reason=(
    "a fitted snapshot whose value equals its successor's is written by extending the successor's interval "
    "backwards (apply_snapshot: `extends`), which keeps the successor's evidence_sha256; diff_at then reports "
    "the successor's document (doc-mar) as the evidence where apply_snapshot reported the fitted one's (doc-feb)"))
def test_diff_at_evidence_of_a_fitted_value_equal_to_its_successor(con: duckdb.DuckDBPyConnection) -> None:
    written, back = _fitted_equal_to_successor(con, 0.3)
    assert [c.evidence for c in written.changed] == ["doc-feb"]  # what apply_snapshot said
    assert as_set(back) == as_set(written)


@pytest.mark.xfail(strict=True, reason=(
    "same extension: a fitted value equal to its successor's only within ten significant digits (0.1 + 0.2 vs "
    "0.3) is read back as the successor's float, so `after` differs in the last bits"))
def test_diff_at_float_of_a_fitted_value_equal_to_its_successor_within_ten_digits(
    con: duckdb.DuckDBPyConnection,
) -> None:
    written, back = _fitted_equal_to_successor(con, 0.1 + 0.2)
    assert {c[:4] for c in as_set(back)} == {c[:4] for c in as_set(written)}


def test_what_diff_at_gets_right_when_fitting_in_is_the_only_difference(con: duckdb.DuckDBPyConnection) -> None:
    """The two xfails above, pinned down: the change itself (key, before) is right; only the successor's
    evidence (and float) is read back."""
    written, back = _fitted_equal_to_successor(con, 0.1 + 0.2)
    [w], [b] = written.changed, back.changed
    assert (b.table, b.key, b.before) == (w.table, w.key, w.before)
    assert b.evidence == "doc-mar" and w.evidence == "doc-feb"
    assert b.after["input_per_mtok"] == 0.3 and w.after["input_per_mtok"] == 0.1 + 0.2
