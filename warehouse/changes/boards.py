"""Leaderboard events: a new leader on a board/category, and open models overtaking closed ones (or back).

"Before" is the board as it stood just before this observation (facts alive at T-ε: valid_from < T and
valid_to >= T), "after" the board at T. Both come from the history tables, so a backfill inserted between
two known observations compares against its true neighbour, not against the newest state.
"""

from __future__ import annotations

from typing import Any

from gapwatch.vocabulary import CLOSED, is_open
from warehouse.changes.events import ChangeEvent, Context, evidence

_BEFORE = "valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)"
_AFTER = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"


def _touched_scopes(ctx: Context) -> list[tuple[str, str]]:
    diff = ctx.outcome.diff
    scopes = {(c.key["board"], c.key["category"]) for c in diff.added + diff.changed + diff.removed
              if c.table == "leaderboard_score"}
    return sorted(scopes)


def _entries(ctx: Context, scopes: list[tuple[str, str]], openness: dict[str, str]) -> dict[tuple, list[dict]]:
    """Scores of every touched board/category just before T (`_BEFORE`) and at T (`_AFTER`), best first, keyed
    by (board, category, "before" | "after"). One query for all of them: an arena document touches dozens."""
    rows = ctx.con.execute(
        f"SELECT board, category, model, score, organization, evidence_sha256, {_BEFORE} AS before, "
        f"{_AFTER} AS after FROM leaderboard_score WHERE source = ? AND list_contains(?, board) "
        f"AND list_contains(?, category) AND (({_BEFORE}) OR ({_AFTER})) ORDER BY score DESC, model",
        [ctx.at, ctx.at, ctx.at, ctx.at, ctx.source, sorted({b for b, _ in scopes}), sorted({c for _, c in scopes}),
         ctx.at, ctx.at, ctx.at, ctx.at],
    ).fetchall()
    out: dict[tuple, list[dict]] = {}
    for board, category, m, s, o, e, before, after in rows:
        entry = {"model": m, "score": s, "organization": o, "evidence": e, "openness": openness.get(m)}
        for side, present in (("before", before), ("after", after)):
            if present:
                out.setdefault((board, category, side), []).append(entry)
    return out


def _openness(ctx: Context) -> dict[str, str]:
    """Openness of every name this source uses, read once per ingest (the view joins several tables)."""
    if not ctx.has("v_model_names"):
        return {}
    return dict(ctx.con.execute("SELECT source_model, openness FROM v_model_names WHERE source = ?",
                                [ctx.source]).fetchall())


def _boards(ctx: Context) -> list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every board/category this ingest touched, as (entity, entries before, entries after)."""
    scopes = _touched_scopes(ctx)
    if not scopes:
        return []
    entries = _entries(ctx, scopes, _openness(ctx))
    return [(f"{board}/{category}", entries.get((board, category, "before"), []),
             entries.get((board, category, "after"), [])) for board, category in scopes]


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("evidence", "openness") or (k == "openness" and v)}


def _leader(ctx: Context, entity: str, before: list[dict], after: list[dict]) -> list[ChangeEvent]:
    if not before or not after:
        return []  # a board seen for the first time (or emptied) has no leader to lose
    old, new = before[0], after[0]
    top_now = {e["model"] for e in after if e["score"] == new["score"]}
    if old["model"] in top_now:
        return []  # still leading (possibly tied)
    return [ChangeEvent("new_leader", entity, ctx.source, _public(old), _public(new),
                        round(new["score"] - old["score"], 4), evidence(new["evidence"], old["evidence"]), ctx.at,
                        annotations=("openness",))]


def _best(entries: list[dict[str, Any]], closed: bool) -> dict[str, Any] | None:
    for e in entries:
        if (e["openness"] == CLOSED) if closed else is_open(e["openness"], "open-weights"):
            return e
    return None


def _side_by_side(o: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
    return {"open_model": o["model"], "open_score": o["score"], "open_organization": o["organization"],
            "closed_model": c["model"], "closed_score": c["score"], "closed_organization": c["organization"]}


def _overtake(ctx: Context, entity: str, before: list[dict], after: list[dict]) -> list[ChangeEvent]:
    """Best open (any `open-*` class) vs best closed; `unknown` models are ignored."""
    open_b, closed_b, open_a, closed_a = (_best(entries, closed) for entries in (before, after)
                                          for closed in (False, True))
    if None in (open_b, closed_b, open_a, closed_a):
        return []
    is_ahead = open_a["score"] > closed_a["score"]
    if (open_b["score"] > closed_b["score"]) == is_ahead:
        return []
    return [ChangeEvent("open_overtakes_closed" if is_ahead else "closed_overtakes_open", entity, ctx.source,
                        _side_by_side(open_b, closed_b), _side_by_side(open_a, closed_a),
                        round(open_a["score"] - closed_a["score"], 4),
                        evidence(open_a["evidence"], closed_a["evidence"]), ctx.at)]


def board_moves(ctx: Context) -> list[ChangeEvent]:
    if ctx.baseline:
        return []  # the source's first accepted snapshot: no board of it stood before, so none moved
    out = []
    for entity, before, after in _boards(ctx):
        out += _leader(ctx, entity, before, after) + _overtake(ctx, entity, before, after)
    return out
