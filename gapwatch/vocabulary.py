"""The words every part shares: the capabilities gaps are measured in, the openness classes, and what counts as
open. Warehouse, transforms and app all read them from here, so a new class or definition is added once."""

from __future__ import annotations

# The capabilities leaderboard categories are mapped to (warehouse/capability_map.toml).
CAPABILITIES: tuple[str, ...] = (
    "general", "coding", "math", "instruction_following", "multilingual", "long_context",
)

CLOSED = "closed"
UNKNOWN = "unknown"
# From most to least open; every class but `closed` and `unknown` publishes its weights.
CLASSES: tuple[str, ...] = (
    "open-source",
    "open-weights-permissive",
    "open-weights-restricted",
    "open-weights-noncommercial",
    CLOSED,
    UNKNOWN,
)

# What counts as open: `open-source` is that class alone; `open-weights` is any class whose weights are
# published (every `open-*` class).
DEFINITIONS: tuple[str, ...] = ("open-source", "open-weights")
_OPEN_PREFIX = "open-"


def open_classes(definition: str) -> tuple[str, ...]:
    """The classes that count as open under `definition`."""
    if definition not in DEFINITIONS:
        raise ValueError(f"unknown definition of open {definition!r}; known: {', '.join(DEFINITIONS)}")
    return tuple(c for c in CLASSES if is_open(c, definition))


def is_open(openness: str | None, definition: str = "open-weights") -> bool:
    """Whether a model of class `openness` counts as open under `definition` (None, `unknown`: never)."""
    if openness is None:
        return False
    return openness == "open-source" if definition == "open-source" else openness.startswith(_OPEN_PREFIX)
