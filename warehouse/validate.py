"""The drift guard: decide whether a parsed document may change history at all.

A rejected document is quarantined (its run is `rejected`, its bytes stay in the raw store) and history
is left exactly as it was: a layout change must never read as "every model was removed".
"""

from __future__ import annotations

from collections import Counter

from gapwatch.rows import ParseResult

# Entries failing validation keep their facts as they were (held back); this many, and this share of the
# document, mean the document itself is broken (a unit or format change): it is quarantined instead.
MIN_HELD_TO_QUARANTINE = 5
MAX_HELD_SHARE = 0.2


def problems(
    result: ParseResult,
    *,
    expected_types: tuple[type, ...],
    min_rows: int,
) -> list[str]:
    """Problems of the document on its own; row counts against earlier snapshots are `drift.problems`."""
    found = len(result.rows)
    out: list[str] = []
    if found < min_rows:
        out.append(f"only {found} rows parsed (expected at least {min_rows})")
    per_type = Counter(type(r) for r in result.rows)
    missing = [t.__name__ for t in expected_types if per_type[t] == 0]
    if missing and found:
        out.append(f"no {', '.join(missing)} rows at all")
    total = found + len(result.skipped)
    if total >= 10 and len(result.skipped) > total / 2:
        out.append(f"{len(result.skipped)} of {total} entries skipped, e.g. {result.skipped[0]}")
    held = len(result.held)
    if held >= MIN_HELD_TO_QUARANTINE and held > total * MAX_HELD_SHARE:
        out.append(f"{held} of {total} entries failed validation (more than {MAX_HELD_SHARE:.0%}), e.g. "
                   f"{result.held[0].reason}: the document is broken rather than a few entries")
    return out
