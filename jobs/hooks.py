"""The pipeline's hooks, in order, each declared with its kind (`warehouse/hooks.py`): per-outcome hooks run
inside each ingest's transaction; the derive hooks form the derive stage, which a batch (a whole collection, a
backfill, a reparse) runs once, at its end.

Per outcome: identity resolution, then change detection (events read from each diff and from identity). Derive
stage: capability map, transforms, state detectors (the gap-threshold check reads what the transforms wrote).
Each hook skips outcomes it does not care about.
"""

from __future__ import annotations

from gapwatch.settings import Settings
from warehouse import capabilities, identity
from warehouse.changes import change_detector, detectors, state_detectors
from warehouse.hooks import Hook, derive
from warehouse.transforms.refresh import transforms_hook


def default_hooks(settings: Settings) -> list[Hook]:
    """The hooks in order: per-outcome ones first, then the derive stage.

    Identity stays per outcome although it derives its tables from the whole warehouse: change detection reads
    openness through it (open/closed overtakes of names first seen in this very document) and records licence
    verdict changes per step, so deferring it to the derive stage would lose events; it costs little when no
    new name arrived.
    """
    state = state_detectors()
    return [
        identity.hook(settings.aliases_path),  # first: later hooks join facts to models through it
        # Per outcome: events read from each diff and from identity (every detector but the state ones).
        change_detector(settings, tuple(d for d in detectors() if d not in state)),
        derive(capabilities.ingest_hook(settings.capability_map_path)),  # the transforms read the map
        derive(transforms_hook(settings)),  # after identity and the map: gap, prices, TCO tables
        derive(change_detector(settings, state).fn),  # last: gap thresholds read the transforms' table
    ]
