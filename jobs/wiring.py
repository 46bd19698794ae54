"""Build the one Pipeline every entry point uses (CLI, service, backfill), with its ingest hooks in order.

Hooks run inside the ingest transaction, in this order: identity resolution, transforms, change detection
(change detection reads what the transforms wrote). Each hook skips outcomes it does not care about.
"""

from __future__ import annotations

from gapwatch.settings import Settings
from jobs.pipeline import IngestHook, Pipeline
from warehouse import capabilities, identity
from warehouse.changes import change_detector
from warehouse.transforms.refresh import transforms_hook


def default_hooks(settings: Settings) -> list[IngestHook]:
    hooks: list[IngestHook] = []
    hooks.append(identity.hook(settings.aliases_path))  # first: later hooks join facts to models through it
    hooks.append(capabilities.ingest_hook(settings.capability_map_path))  # first: transforms read the map
    hooks.append(transforms_hook(settings))  # after identity and the map: recomputes gap, prices, TCO tables
    hooks.append(change_detector(settings))  # last: reads what identity and transforms wrote
    return hooks


def make_pipeline(settings: Settings, **kwargs) -> Pipeline:
    return Pipeline(settings, hooks=default_hooks(settings), **kwargs)
