"""The ingest hook: refresh identity after an ingest that changed what identity is computed from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from gapwatch.source import Outcome, Source
from warehouse.facts import table_for
from warehouse.hooks import Hook, per_outcome
from warehouse.identity import license_diff, openness
from warehouse.identity.refresh import refresh_identity

# What identity reads besides names: catalogue facts, hub facts, the SPDX list, and a leaderboard's licence
# and organisation columns. A price change or a new score of a known name changes none of it.
_EVIDENCE_TABLES = frozenset({"source_model", "hub_model", "license"})
_EVIDENCE_FIELDS = ("license", "organization")


def touches_identity(diff: Any) -> bool:
    """Whether an ingest's diff changed anything identity or openness is computed from."""
    if diff is None:
        return True
    for change in (*diff.added, *diff.changed, *diff.removed):
        if change.table in _EVIDENCE_TABLES:
            return True
        if change.table == "leaderboard_score" and change.before is None:
            return True
        if change.table == "leaderboard_score" and change.after is not None and any(
            change.before.get(f) != change.after.get(f) for f in _EVIDENCE_FIELDS
        ):
            return True
    return False


# The fact tables whose rows name a model (in their `model` key field).
_NAMED = frozenset({"price", "leaderboard_score", "source_model"})


def names_added(source: str, diff: Any) -> set[tuple[str, str]] | None:
    """The (source, name) pairs an ingest's diff may have brought (None: unknown, look everywhere).

    A name is new only with a new fact: a changed fact keeps its key. A catalogue entry also names its
    Hugging Face repo, which a changed entry can point elsewhere.
    """
    if diff is None:
        return None
    out: set[tuple[str, str]] = set()
    for change in (*diff.added, *diff.changed):
        if change.table not in _NAMED:
            continue
        out.add((source, change.key["model"]))
        repo = (change.after or {}).get("hugging_face_id") if change.table == "source_model" else None
        if repo:
            out.add(("@hugging_face", repo))
    return out


def hook(aliases_path: Path | None) -> Hook:
    """The ingest hook (the first one, per outcome): refresh identity after every ingest that changed data."""

    def identity_hook(con: duckdb.DuckDBPyConnection, source: Source, outcome: Outcome) -> None:
        over_batch(con, [(source, outcome)])

    def over_batch(con: duckdb.DuckDBPyConnection, items: Sequence[tuple[Source, Outcome]]) -> None:
        """One refresh for several ingests (a whole collection, a backfill): the union of what they brought."""
        accepted = [(s, o) for s, o in items if o.status == "ok"]
        if not accepted:
            return
        # Branch on the fact tables the sources write (their row types), not on who they are.
        writes = {table_for(t).name for s, _ in accepted for t in s.row_types}
        reclassify = "license" in writes
        if reclassify:  # the licence list: OSI approvals may have changed, classify every licence term again
            openness.forget_license_terms(con)
        candidates: set[tuple[str, str]] | None = set()
        for s, o in accepted:
            names = names_added(s.id, getattr(o, "diff", None))
            candidates = None if names is None or candidates is None else candidates | names
        refresh_identity(con, aliases_path,
                         evidence_changed=reclassify or any(touches_identity(getattr(o, "diff", None))
                                                            for _, o in accepted),
                         candidates=candidates)
        if "license_text" in writes:  # licence texts: diff each new version against its predecessor
            license_diff.refresh_license_diffs(con)

    return per_outcome(identity_hook, over_batch)
