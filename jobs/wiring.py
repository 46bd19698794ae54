"""Build the one Pipeline every entry point uses (CLI, service, backfill), with its ingest hooks in order.

Hooks run inside the ingest transaction, in this order: identity resolution, capability map, transforms, change
detection (the gap-threshold check reads what the transforms wrote). Each hook skips outcomes it does not care
about.
"""

from __future__ import annotations

from gapwatch.settings import Settings
from jobs.pipeline import IngestHook, Pipeline, deferrable
from warehouse import capabilities, identity
from warehouse.changes import change_detector, detectors, state_detectors
from warehouse.transforms.refresh import transforms_hook


def default_hooks(settings: Settings) -> list[IngestHook]:
    """The hooks in order. Deferrable ones (state refreshers) run once at the end of a batch (backfill, reparse).

    Identity stays per outcome although it derives its tables from the whole warehouse: change detection reads
    openness through it (open/closed overtakes of names first seen in this very document) and records licence
    verdict changes per step, so deferring it would lose events; it costs little when no new name arrived.
    """
    state = state_detectors()
    hooks: list[IngestHook] = []
    hooks.append(identity.hook(settings.aliases_path))  # first: later hooks join facts to models through it
    hooks.append(deferrable(capabilities.ingest_hook(settings.capability_map_path)))  # transforms read the map
    hooks.append(deferrable(transforms_hook(settings)))  # after identity and the map: gap, prices, TCO tables
    # Per outcome: events read from each diff and from identity (every detector but the state ones).
    hooks.append(change_detector(settings, tuple(d for d in detectors() if d not in state)))
    hooks.append(deferrable(change_detector(settings, state)))  # last: gap thresholds read the transforms' table
    return hooks


def make_pipeline(settings: Settings, **kwargs) -> Pipeline:
    return Pipeline(settings, hooks=default_hooks(settings), **kwargs)
