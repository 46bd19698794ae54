"""What an ingest hook is, declared: the function run after an ingest, its kind, and how it takes a batch.

Hooks run in the writer's transaction (`jobs/pipeline.py` schedules them, `jobs/hooks.py` lists them in order).
Two kinds, because they differ in what they read:

- `per_outcome`: must see every outcome, because what it writes depends on each diff (an event per price move,
  a licence verdict per step): identity, change detection. A batch that defers them (`Pipeline.batch(
  defer_events=True)`) runs them at its end; a hook declaring `over_batch(con, items)` then takes every deferred
  (source, outcome) together (identity refreshes once for all), the others see each in turn.
- `derive`: a state refresher deriving tables from the whole warehouse (the capability map, the transforms, the
  gap-threshold check on the transforms' gap table). Run after a batch's last document it leaves the same state
  as run after each, so a batch (backfill, reparse, a whole collection) runs it once, at its end. It always
  runs after every per-outcome hook, so a per-outcome hook must not read what a derive hook writes; a derive
  hook that reads another's output is listed after it.

The warehouse defines the hooks' functions and declares their kind here; it never imports the jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from gapwatch.source import Outcome, Source

# (writer's connection, source, what its ingest came to).
HookFn = Callable[[duckdb.DuckDBPyConnection, Source, Outcome], None]
# (writer's connection, [(source, outcome), ...] in ingest order).
BatchFn = Callable[[duckdb.DuckDBPyConnection, Sequence[tuple[Source, Outcome]]], None]
Kind = Literal["per_outcome", "derive"]


@dataclass(frozen=True)
class Hook:
    """An ingest hook and its declared kind. Callable as its function, for a caller that runs it alone."""

    fn: HookFn
    kind: Kind = "per_outcome"
    over_batch: BatchFn | None = None  # per-outcome only: one call for a batch's deferred outcomes

    def __post_init__(self) -> None:
        if self.kind == "derive" and self.over_batch is not None:
            raise ValueError("a derive hook runs once per batch already: it takes no over_batch")

    @property
    def derives(self) -> bool:
        return self.kind == "derive"

    @property
    def name(self) -> str:
        return getattr(self.fn, "__qualname__", repr(self.fn))

    def __call__(self, con: duckdb.DuckDBPyConnection, source: Any, outcome: Any) -> None:
        self.fn(con, source, outcome)

    def run_over(self, con: duckdb.DuckDBPyConnection, items: Sequence[tuple[Any, Any]]) -> None:
        """Run a per-outcome hook for a batch's deferred outcomes: together if it declares how, else each in turn."""
        if self.over_batch is not None:
            self.over_batch(con, items)
            return
        for source, outcome in items:
            self.fn(con, source, outcome)


def per_outcome(fn: HookFn, over_batch: BatchFn | None = None) -> Hook:
    return Hook(fn, "per_outcome", over_batch)


def derive(fn: HookFn) -> Hook:
    return Hook(fn, "derive")


def as_hook(hook: Hook | HookFn) -> Hook:
    """A bare function is a per-outcome hook (a test's probe, a one-off command's hook)."""
    return hook if isinstance(hook, Hook) else per_outcome(hook)
