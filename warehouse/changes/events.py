"""What every detector shares: the event type, the context one ingest gives the detectors, and recording.

Recording writes each event exactly once: the event key is a hash of what happened and when it became true,
never of when it was noticed, so a re-run, a reparse or a backfill of the same history re-derives the same
keys and inserts nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from gapwatch.settings import Settings
from gapwatch.source import Outcome, Source
from warehouse import runs

KINDS = (
    "new_leader",
    "open_overtakes_closed",
    "closed_overtakes_open",
    "gap_threshold",
    "price_cut",
    "price_hike",
    "new_model",
    "model_removed",
    "license_change",
    "source_failing",
    "source_quarantined",
    "source_stale",
)

# Runs that replay the past: their events are history, recorded but not pushed to channels unless asked.
REPLAY_TRIGGERS = ("backfill", "reparse")


def _clean(value: Any) -> Any:
    """JSON-safe and stable: floats to ten significant digits (as history compares them), dates as ISO text."""
    if isinstance(value, float):
        return float(f"{value:.10g}") if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class ChangeEvent:
    kind: str
    entity: str
    source: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    magnitude: float | None
    evidence: tuple[str, ...]
    observed_at: datetime
    # Fields of before/after that annotate rather than define the change (e.g. `openness`, which identity
    # resolution may refine later): stored, but left out of the key so a later reparse keys the same event.
    annotations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown change kind {self.kind!r}")

    def _defining(self, side: dict[str, Any] | None) -> Any:
        return None if side is None else _clean({k: v for k, v in side.items() if k not in self.annotations})

    @property
    def key(self) -> str:
        identity = [self.kind, self.source, self.entity, self._defining(self.before), self._defining(self.after),
                    self.observed_at.isoformat()]
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Context:
    """One ingest as the detectors see it."""

    con: duckdb.DuckDBPyConnection
    source: str
    outcome: Outcome
    settings: Settings
    documents: tuple[str, ...]
    # True for the source's first accepted snapshot: everything in it is "added", none of it is news.
    baseline: bool
    # Lookups several detectors share within one ingest (e.g. the evidence of intervals this ingest closed).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)

    @property
    def at(self) -> datetime:
        return self.outcome.observed_at

    def has(self, relation: str) -> bool:
        """Whether a table or view exists (the catalogue is read once per ingest, on first use)."""
        if "relations" not in self.memo:
            self.memo["relations"] = relations(self.con)
        return relation in self.memo["relations"]


Detector = Callable[[Context], list[ChangeEvent]]


def relations(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of every table and view; views of other parts (identity, transforms) may be absent, and their
    detectors then stay silent. Read once per ingest: the catalogue functions cost milliseconds per call."""
    return frozenset(r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT temporary"
    ).fetchall())


def evidence(*shas: str | None) -> tuple[str, ...]:
    """Distinct non-empty sha256s, in the order given (the newest document first)."""
    return tuple(dict.fromkeys(s for s in shas if s))


def record_events(
    con: duckdb.DuckDBPyConnection, events: list[ChangeEvent], *, detected_at: datetime, backfill: bool
) -> list[str]:
    """Insert events not yet known; return the keys of those actually inserted."""
    unique = {e.key: e for e in events}
    if not unique:
        return []
    fresh = list(unique.values())

    def as_json(side: dict[str, Any] | None) -> str | None:
        return None if side is None else json.dumps(_clean(side), sort_keys=True)

    # One set-based insert: a backfilled price list can yield thousands of events in one ingest. The known keys
    # are left out by an anti-join (a lookup per candidate, not a scan of every event ever recorded per key).
    con.register("_change_events", pa.table({
        "event_key": list(unique), "kind": [e.kind for e in fresh], "entity": [e.entity for e in fresh],
        "source": pa.array([e.source for e in fresh], pa.string()),
        "before": pa.array([as_json(e.before) for e in fresh], pa.string()),
        "after": pa.array([as_json(e.after) for e in fresh], pa.string()),
        "magnitude": pa.array([e.magnitude for e in fresh], pa.float64()),
        "evidence": pa.array([list(e.evidence) for e in fresh], pa.list_(pa.string())),
        "observed_at": [e.observed_at for e in fresh],
    }))
    try:
        inserted = {r[0] for r in con.execute(
            "INSERT INTO change_event (event_key, kind, entity, source, before, after, magnitude, evidence, "
            "observed_at, detected_at, backfill) SELECT event_key, kind, entity, source, before::JSON, after::JSON, "
            "magnitude, evidence, observed_at, ?, ? FROM _change_events e "
            "WHERE NOT EXISTS (SELECT 1 FROM change_event c WHERE c.event_key = e.event_key) RETURNING event_key",
            [detected_at, backfill],
        ).fetchall()}
    finally:
        con.unregister("_change_events")
    return [k for k in unique if k in inserted]


def context(con: duckdb.DuckDBPyConnection, source: Source, outcome: Outcome, settings: Settings,
            run: runs.RunContext | None = None) -> tuple[Context, bool]:
    """The detectors' view of one ingest; `run`: its `runs.run_contexts` entry, when the caller read it with
    others (a whole collection's outcomes at once)."""
    trigger, documents, earlier = run or runs.run_contexts(con, [(source.id, outcome.observed_at,
                                                                  outcome.run_id)])[0]
    ctx = Context(con, source.id, outcome, settings, tuple(documents), baseline=earlier == 0)
    return ctx, trigger in REPLAY_TRIGGERS
