"""Ingest one source's snapshot of one fact table as history with validity intervals.

A snapshot observed at T is compared with the facts true at T. Unchanged facts add nothing; a changed
fact closes its interval at T and opens a new one; a fact absent from the snapshot is closed at T.
Snapshots may arrive out of order (backfill into a warehouse with newer data): the interval containing T
is split and the next known observation T_next (the source's next collection) bounds the new interval,
so history stays a clean sequence of non-overlapping intervals per key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from types import EllipsisType
from typing import Any

import duckdb
import pyarrow as pa

from gapwatch.source import Diff, FactChange
from warehouse import runs
from warehouse.db import execute_over
from warehouse.facts import FactTable

Key = tuple[Any, ...]
Values = tuple[Any, ...]


@dataclass
class Interval:
    values: Values
    valid_from: datetime
    valid_to: datetime | None
    evidence: str | None


def _as_dict(names: tuple[str, ...], values: tuple) -> dict[str, Any]:
    return dict(zip(names, values, strict=False))  # equal lengths: both from one FactTable


def _norm(value: Any) -> Any:
    # Ten significant digits: equal prices parsed via different float paths compare equal.
    return float(f"{value:.10g}") if isinstance(value, float) else value


def _same(a: Values, b: Values) -> bool:
    return a == b or tuple(map(_norm, a)) == tuple(map(_norm, b))


def _load(con: duckdb.DuckDBPyConnection, spec: FactTable, source: str, where: str, params: list) -> dict:
    cols = ", ".join(spec.key + spec.values)
    sql = f"SELECT {cols}, valid_from, valid_to, evidence_sha256 FROM {spec.name} WHERE source = ? AND {where}"
    nk, nv = len(spec.key), len(spec.values)
    out: dict[Key, Interval] = {}
    for rec in con.execute(sql, [source, *params]).fetchall():
        out[tuple(rec[:nk])] = Interval(tuple(rec[nk : nk + nv]), rec[-3], rec[-2], rec[-1])
    return out


def alive_at(con: duckdb.DuckDBPyConnection, spec: FactTable, source: str, at: datetime) -> dict[Key, Interval]:
    """The source's facts of `spec` true at `at`, by key: what a snapshot observed at `at` is compared with."""
    return _load(con, spec, source, "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)", [at, at])


def _table(columns: list[str], rows: list[tuple]) -> pa.Table:
    return pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)}) if rows else pa.table({})


@dataclass
class Plan:
    """What a snapshot does to one table's facts in force, before anything is written."""

    diff: Diff
    ended: list[tuple[Key, Interval]]  # facts in force it changes or removes, ended at its time
    started: list[tuple[Key, Values, str | None]]  # values it adds or changes, from its time on (with evidence)


def plan_snapshot(spec: FactTable, items: list[tuple[Any, str | None]], alive: dict[Key, Interval], *,
                  full_snapshot: bool = True) -> Plan:
    """Compare a snapshot's `items` (row, evidence sha256) with the facts in force (`alive`): the first row of a
    key wins, a value equal to the one in force (`_same`) changes nothing, and a full snapshot ends the facts it
    omits within the scopes it covers. Pure: `apply_snapshot` writes the plan into the table, the bulk writer
    (`warehouse.bulk`) into its state in memory."""
    key_of, values_of = spec.key_of, attrgetter(*spec.values)
    one_value = len(spec.values) == 1  # attrgetter of one name is not a tuple
    new: dict[Key, tuple[Values, str | None]] = {}
    for row, evidence in items:
        key = key_of(row)
        if key not in new:
            new[key] = ((values_of(row),) if one_value else values_of(row), evidence)
    plan = Plan(Diff(), [], [])
    diff = plan.diff
    for key, (values, evidence) in new.items():
        old = alive.get(key)
        if old is not None and _same(old.values, values):
            continue
        key_d = _as_dict(spec.key, key)
        if old is None:
            diff.added.append(FactChange(spec.name, key_d, None, _as_dict(spec.values, values), evidence))
        else:
            diff.changed.append(FactChange(spec.name, key_d, _as_dict(spec.values, old.values),
                                           _as_dict(spec.values, values), evidence))
            plan.ended.append((key, old))
        plan.started.append((key, values, evidence))
    if full_snapshot and new:
        scope = spec.scope_of_key
        covered = set(map(scope, new))
        for key, old in alive.items():
            if key not in new and scope(key) in covered:
                diff.removed.append(FactChange(spec.name, _as_dict(spec.key, key), _as_dict(spec.values, old.values),
                                               None, None))
                plan.ended.append((key, old))
    return plan


def _fit_partial(plan: Plan, alive: dict[Key, Interval], following: dict[Key, Interval], observed_at: datetime,
                 closes: list[tuple], extends: list[tuple], inserts: list[tuple]) -> None:
    """`plan`'s writes for a partial snapshot fitted before newer data: a changed fact ends at `observed_at`, and the
    value it brings holds until the key's next interval (`following`), which it extends back when equal."""
    for key, old in plan.ended:
        closes.append((*key, old.valid_from, observed_at))
    for key, values, evidence in plan.started:
        old, nxt = alive.get(key), following.get(key)
        end = old.valid_to if old is not None else (nxt.valid_from if nxt is not None else None)
        if nxt is not None and nxt.valid_from == end and _same(nxt.values, values):
            extends.append((*key, nxt.valid_from, observed_at))
        else:
            inserts.append((*key, *values, observed_at, end, evidence))


def apply_snapshot(
    con: duckdb.DuckDBPyConnection,
    spec: FactTable,
    source: str,
    items: list[tuple[Any, str | None]],
    observed_at: datetime,
    *,
    full_snapshot: bool = True,
    next_at: datetime | None | EllipsisType = ...,
    alive: dict[Key, Interval] | None = None,
) -> Diff:
    """Write `items` (row, evidence sha256) as the state of `spec` for `source` at `observed_at`.

    Must run inside the caller's transaction. `full_snapshot=False` never ends facts the snapshot omits.
    `next_at`: the source's next observation after `observed_at` when the caller already knows it (the
    pipeline reads it with the rest of the run state); looked up when not given. `alive`: `alive_at` for this
    table and time, when the caller already read it (the price guard compares with the same state).
    """
    t_next = runs.next_observation(con, source, observed_at) if next_at is ... else next_at
    alive = alive_at(con, spec, source, observed_at) if alive is None else alive
    following = _load(con, spec, source, "valid_from = ?", [t_next]) if t_next else {}

    inserts: list[tuple] = []   # key + values + (valid_from, valid_to, evidence)
    closes: list[tuple] = []    # key + (old valid_from, new valid_to)
    extends: list[tuple] = []   # key + (old valid_from, new valid_from)
    plan = plan_snapshot(spec, items, alive, full_snapshot=full_snapshot)

    if not full_snapshot and t_next is not None:
        # A partial snapshot fitted under newer data: the next observation says nothing of the keys it omits, so a
        # key's value holds until that key's own next interval, never until the source's next observation.
        _fit_partial(plan, alive, _load(con, spec, source, "valid_from > ? QUALIFY row_number() OVER (PARTITION BY "
                                        f"{', '.join(spec.key)} ORDER BY valid_from) = 1", [observed_at]),
                     observed_at, closes, extends, inserts)
        plan.ended, plan.started = [], []
    for key, old in plan.ended:
        closes.append((*key, old.valid_from, observed_at))
        # The next observation still saw the old value: it keeps its own interval from there on.
        if t_next is not None and (old.valid_to is None or old.valid_to > t_next):
            inserts.append((*key, *old.values, t_next, old.valid_to, old.evidence))
    for key, values, evidence in plan.started:
        nxt = following.get(key)
        if nxt is not None and _same(nxt.values, values) and (alive.get(key) is None or alive[key].valid_to == t_next):
            extends.append((*key, nxt.valid_from, observed_at))
        else:
            inserts.append((*key, *values, observed_at, t_next, evidence))

    key_match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM c.{k}" for k in spec.key)
    if closes:
        execute_over(con, f"UPDATE {spec.name} AS t SET valid_to = c.new_to FROM _rows AS c "
                          f"WHERE t.source = ? AND {key_match} AND t.valid_from = c.old_from",
                     [source], _table([*spec.key, "old_from", "new_to"], closes))
    if extends:
        execute_over(con, f"UPDATE {spec.name} AS t SET valid_from = c.new_from FROM _rows AS c "
                          f"WHERE t.source = ? AND {key_match} AND t.valid_from = c.old_from",
                     [source], _table([*spec.key, "old_from", "new_from"], extends))
    if inserts:
        cols = [*spec.key, *spec.values, "valid_from", "valid_to", "evidence_sha256"]
        execute_over(con, f"INSERT INTO {spec.name} (source, {', '.join(cols)}) SELECT ?, {', '.join(cols)} FROM _rows",
                     [source], _table(cols, inserts))
    return plan.diff


def diff_at(con: duckdb.DuckDBPyConnection, spec: FactTable, source: str, at: datetime) -> Diff:
    """The diff the snapshot of `source` observed at `at` made to `spec`, read back from its interval bounds.

    An interval starting at `at` is what the snapshot wrote, one ending at `at` what it ended: both is a change,
    only the first an addition, only the second a removal. Exact for a snapshot appended after every other one
    (no later write moved its bounds). Not for one fitted in under newer data: a value equal to the next
    snapshot's is written by extending that interval back, which keeps the next document's evidence
    (tests/warehouse/test_diff_at.py pins it), so only a batch that appends defers its detectors. Used for the
    events such a batch owes when the process died before running them. Ordered by key.
    """
    keys, values = ", ".join(spec.key), ", ".join(spec.values)
    nk, nv = len(spec.key), len(spec.values)
    rows = con.execute(
        f"SELECT {keys}, {values}, evidence_sha256, valid_from = ? AS starts FROM {spec.name} "
        f"WHERE source = ? AND (valid_from = ? OR valid_to = ?) ORDER BY {keys}, valid_from",
        [at, source, at, at],
    ).fetchall()
    ends: dict[Key, Values] = {}
    starts: dict[Key, tuple[Values, str | None]] = {}
    for r in rows:
        key, vals = tuple(r[:nk]), tuple(r[nk:nk + nv])
        if r[-1]:
            starts[key] = (vals, r[-2])
        else:
            ends[key] = vals

    as_dict = _as_dict  # bound locally: called for every fact read back
    diff = Diff()
    for key in sorted({*starts, *ends}, key=lambda k: tuple(map(str, k))):
        key_d = as_dict(spec.key, key)
        if key in starts:
            vals, evidence = starts[key]
            if key in ends:
                diff.changed.append(FactChange(spec.name, key_d, as_dict(spec.values, ends[key]),
                                               as_dict(spec.values, vals), evidence))
            else:
                diff.added.append(FactChange(spec.name, key_d, None, as_dict(spec.values, vals), evidence))
        else:
            diff.removed.append(FactChange(spec.name, key_d, as_dict(spec.values, ends[key]), None, None))
    return diff
