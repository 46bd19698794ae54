"""The pipeline's hooks, in order: per-outcome hooks run inside each ingest's transaction; the deferrable ones
form the derive stage, which a batch (backfill, reparse) runs once, at its end.

Per outcome: identity resolution, then change detection (events read from each diff and from identity). Derive
stage: capability map, transforms, state detectors (the gap-threshold check reads what the transforms wrote).
Each hook skips outcomes it does not care about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from gapwatch.settings import Settings
from gapwatch.source import Source
from warehouse import capabilities, identity
from warehouse.changes import change_detector, detectors, state_detectors
from warehouse.transforms.refresh import transforms_hook

# (writer's connection, source, `gapwatch.source.Outcome`). Called inside the ingest transaction, so what a
# hook writes (change events) commits with the facts.
IngestHook = Callable[[duckdb.DuckDBPyConnection, Source, Any], None]


def deferrable(hook: IngestHook) -> IngestHook:
    """Mark `hook` as a state refresher: part of the derive stage, which a batch (`Pipeline.batch()`) runs once,
    at its end.

    The seam between two kinds of hook: a per-outcome hook (change detection, identity) must see every
    outcome, because what it writes depends on each diff (an event per price move, a licence verdict per
    step). A state refresher derives tables from the whole warehouse (the capability map, the transforms,
    the gap-threshold check on the transforms' gap table): run after the last document of a batch it leaves
    the same state as run after each, so a backfill or reparse runs it once. It always runs after every
    per-outcome hook of the ingest, so a per-outcome hook must not read what a state refresher writes; a
    refresher that reads another's output must be registered after it.
    """
    hook.deferrable = True  # type: ignore[attr-defined]
    return hook


def is_deferrable(hook: IngestHook) -> bool:
    return getattr(hook, "deferrable", False)


def default_hooks(settings: Settings) -> list[IngestHook]:
    """The hooks in order: per-outcome ones first, then the derive stage (deferrable).

    Identity stays per outcome although it derives its tables from the whole warehouse: change detection reads
    openness through it (open/closed overtakes of names first seen in this very document) and records licence
    verdict changes per step, so deferring it would lose events; it costs little when no new name arrived.
    """
    state = state_detectors()
    return [
        identity.hook(settings.aliases_path),  # first: later hooks join facts to models through it
        # Per outcome: events read from each diff and from identity (every detector but the state ones).
        change_detector(settings, tuple(d for d in detectors() if d not in state)),
        deferrable(capabilities.ingest_hook(settings.capability_map_path)),  # the transforms read the map
        deferrable(transforms_hook(settings)),  # after identity and the map: gap, prices, TCO tables
        deferrable(change_detector(settings, state)),  # last: gap thresholds read the transforms' table
    ]
