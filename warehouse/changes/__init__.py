"""Change detection: turn one ingest's outcome into `change_event` rows, inside the ingest transaction.

Registered twice (`jobs/hooks.py`). Second, per outcome, right after identity: it sees the facts and identities
this ingest just wrote (not the transforms, which run later, in the derive stage), and its events commit (or roll
back) with them (in a batch that defers them, with the batch's end). Last, as a derive hook, with the state
detectors only (`STATE_DETECTORS`): they read the gap table the transforms just refreshed. Each detector is a
function `Context -> list[ChangeEvent]` in the module of its family (`facts`, `boards`, `gap`, `health`,
`licence`); `events` holds what they share. The detectors are listed here, once, in the order they run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from gapwatch.settings import Settings
from gapwatch.source import Outcome, Source
from warehouse import runs
from warehouse.changes import boards, facts, gap, health, licence
from warehouse.changes.events import (
    KINDS,
    REPLAY_TRIGGERS,
    ChangeEvent,
    Context,
    Detector,
    context,
    evidence,
    record_events,
    relations,
)
from warehouse.hooks import Hook, per_outcome

__all__ = [
    "DETECTORS", "IDENTITY_DETECTORS", "KINDS", "REPLAY_TRIGGERS", "STATE_DETECTORS", "ChangeEvent", "Context",
    "Detector",
    "change_detector", "detectors", "evidence", "record_events", "relations", "state_detectors",
]

log = logging.getLogger("gapwatch.changes")

# Every detector run after each ingest, in order.
DETECTORS: tuple[Detector, ...] = (
    health.source_health,
    facts.price_changes,
    facts.catalogue_moves,
    facts.source_license_moves,
    boards.board_moves,
    gap.gap_crossings,
    licence.canonical_license_moves,
    licence.license_text_moves,
)

# Detectors that read state derived from the whole warehouse (the transforms' gap table), not this ingest's
# diff. The wiring runs them as a separate derive hook after the transforms: a backfill refreshes the
# transforms once at its end, so it checks the gap thresholds once too, against the gap the batch ended with.
STATE_DETECTORS: tuple[Detector, ...] = (gap.gap_crossings,)


# Detectors that read identity's current verdicts rather than the diff. After a batch that deferred its
# detectors (identity refreshed once for all of its ingests), they run once, for the batch's last ingest.
IDENTITY_DETECTORS: tuple[Detector, ...] = (licence.canonical_license_moves,)


def detectors() -> tuple[Detector, ...]:
    return DETECTORS


def state_detectors() -> tuple[Detector, ...]:
    return STATE_DETECTORS


def change_detector(
    settings: Settings, chain: tuple[Detector, ...] | None = None
) -> Hook:
    """The per-outcome ingest hook that records this ingest's change events, found by `chain` (default: every
    detector). The wiring (`jobs/hooks.py`) declares the state detectors' hook a derive hook instead."""
    chain = DETECTORS if chain is None else chain

    def detected(outcome: Outcome, steps: tuple[Detector, ...]) -> bool:
        return outcome.status in ("ok", "failed", "rejected") and bool(steps)

    def detect(con: duckdb.DuckDBPyConnection, source: Source, outcome: Outcome, steps: tuple[Detector, ...],
               run: runs.RunContext | None = None) -> tuple[list[ChangeEvent], bool]:
        if not detected(outcome, steps):
            return [], False
        ctx, replay = context(con, source, outcome, settings, run)
        found: list[ChangeEvent] = []
        for detect in steps:
            try:
                found += detect(ctx)
            except duckdb.Error:
                raise  # DuckDB aborted the transaction: the ingest rolls back as a whole and is retried
            except Exception:  # a detector bug must not cost the facts; it is logged, its events are lost
                log.exception("change detector %s failed on %s at %s", detect.__name__, source.id, outcome.observed_at)
        return found, replay

    def record(con: duckdb.DuckDBPyConnection, found: list[ChangeEvent], replay: bool) -> None:
        # detected_at is the one wall-clock read: when gapwatch noticed, never part of the event's identity.
        record_events(con, found, detected_at=datetime.now(UTC).replace(tzinfo=None), backfill=replay)

    def detect_changes(con: duckdb.DuckDBPyConnection, source: Source, outcome: Outcome) -> None:
        record(con, *detect(con, source, outcome, chain))

    def over_batch(con: duckdb.DuckDBPyConnection, items: Sequence[tuple[Source, Outcome]]) -> None:
        """Each deferred ingest in order with the diff detectors; the identity ones once, for the last accepted.
        Recorded together (no detector reads `change_event`): an event two ingests find is the first one's, as
        it would be recorded one ingest at a time."""
        per_replay: dict[bool, dict[str, ChangeEvent]] = {}
        diff_steps = tuple(d for d in chain if d not in IDENTITY_DETECTORS)
        last = [(s, o) for s, o in items if o.status == "ok"][-1:]
        todo = [(s, o, diff_steps) for s, o in items] + [(s, o, tuple(d for d in chain if d in IDENTITY_DETECTORS))
                                                          for s, o in last]
        # What every run detected on started with (`runs.run_contexts`), read for all of them in one statement.
        read = list({id(o): (s, o) for s, o, steps in todo if detected(o, steps)}.values())
        contexts = dict(zip((id(o) for _, o in read),
                            runs.run_contexts(con, [(s.id, o.observed_at, o.run_id) for s, o in read]), strict=True))
        for source, outcome, steps in todo:
            found, replay = detect(con, source, outcome, steps, contexts.get(id(outcome)))
            merged = per_replay.setdefault(replay, {})
            for key, event in {e.key: e for e in found}.items():
                merged.setdefault(key, event)
        for replay, merged in per_replay.items():
            record(con, list(merged.values()), replay)

    return per_outcome(detect_changes, over_batch)
