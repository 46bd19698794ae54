"""Leaderboard events: a new leader on a board/category, and open models overtaking closed ones (or back).

"Before" is the board as it stood just before this observation (facts alive at T-ε: valid_from < T and
valid_to >= T), "after" the board at T. Both come from the history tables, so a backfill inserted between
two known observations compares against its true neighbour, not against the newest state.

Both events are claims about the whole board at T, so they are raised only when true of all of it: the leader
is the board's best score, and a side leads only when its best model beats every model not known to be on
it, models of unknown openness included (`tests/warehouse/changes/board_truth.py` checks every sentence).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gapwatch.vocabulary import CLOSED, is_open
from warehouse.changes.events import ChangeEvent, Context, evidence

_BEFORE = "valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)"
_AFTER = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"
# Score units where a smaller number is better: a board that publishes only ranks (Arena's style control).
LOWER_IS_BETTER = ("rank",)
# Fields of a new leader's "after" that describe the board around it, not the change: out of the event key,
# so a leader change recorded before they existed keeps its key on a reparse.
_LEADER_CONTEXT = ("openness", "tied_with", "previous_leader_score")


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
        f"AND list_contains(?, category) AND (({_BEFORE}) OR ({_AFTER})) "
        "ORDER BY CASE WHEN list_contains(?, score_unit) THEN score ELSE -score END, model",
        [ctx.at, ctx.at, ctx.at, ctx.at, ctx.source, sorted({b for b, _ in scopes}), sorted({c for _, c in scopes}),
         ctx.at, ctx.at, ctx.at, ctx.at, list(LOWER_IS_BETTER)],
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


def _top(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every entry sharing the board's best score (entries are best first)."""
    return [e for e in entries if e["score"] == entries[0]["score"]]


def _leader(ctx: Context, entity: str, before: list[dict], after: list[dict]) -> list[ChangeEvent]:
    """A new leader when no model that held the best score just before holds it now. A shared best score is a
    shared lead: a model still among those sharing it has not lost the lead, and every new holder is named
    (`tied_with`). The previous leader's score at T (`previous_leader_score`, null when it left the board)
    says what the new one is ahead of: its score before T may be higher (a board rescored or rebased)."""
    if not before or not after:
        return []  # a board seen for the first time (or emptied) has no leader to lose
    held, top = _top(before), _top(after)
    if {e["model"] for e in held} & {e["model"] for e in top}:
        return []
    old, new = held[0], top[0]
    old_now = next((e["score"] for e in after if e["model"] == old["model"]), None)
    leader = _public(new) | {"previous_leader_score": old_now}
    if len(top) > 1:
        leader["tied_with"] = [e["model"] for e in top[1:]]
    return [ChangeEvent("new_leader", entity, ctx.source, _public(old), leader,
                        round(new["score"] - old["score"], 4), evidence(new["evidence"], old["evidence"]), ctx.at,
                        annotations=_LEADER_CONTEXT)]


def _is_open(entry: dict[str, Any]) -> bool:
    return is_open(entry["openness"], "open-weights")


def _is_closed(entry: dict[str, Any]) -> bool:
    return entry["openness"] == CLOSED


_SIDES: dict[str, Callable[[dict[str, Any]], bool]] = {"open": _is_open, "closed": _is_closed}


def _standing(entries: list[dict[str, Any]]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(side, best open, best closed) when one side (any `open-*` class, or `closed`) leads the whole board:
    its best model beats every model not known to be on its side. None when no side does: a model of unknown
    (or no) openness at or above the best of both sides could be on either, a tie at the top, or a side absent."""
    best = {side: next((e for e in entries if member(e)), None) for side, member in _SIDES.items()}
    if not entries or None in best.values():
        return None
    for side, member in _SIDES.items():
        if member(entries[0]):
            rival = next(e for e in entries if not member(e))
            return (side, best["open"], best["closed"]) if rival["score"] != entries[0]["score"] else None
    return None


def _side_by_side(o: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
    return {"open_model": o["model"], "open_score": o["score"], "open_organization": o["organization"],
            "closed_model": c["model"], "closed_score": c["score"], "closed_organization": c["organization"]}


def _overtake(ctx: Context, entity: str, before: list[dict], after: list[dict]) -> list[ChangeEvent]:
    """The side leading the whole board changed between just before T and T. A board on which neither side
    leads at one of the two times (unknown openness at the top) raises nothing: the change is not known."""
    was, now = _standing(before), _standing(after)
    if was is None or now is None or was[0] == now[0]:
        return []
    side, open_a, closed_a = now
    return [ChangeEvent("open_overtakes_closed" if side == "open" else "closed_overtakes_open", entity, ctx.source,
                        _side_by_side(was[1], was[2]), _side_by_side(open_a, closed_a),
                        round(open_a["score"] - closed_a["score"], 4),
                        evidence(open_a["evidence"], closed_a["evidence"]), ctx.at)]


def board_moves(ctx: Context) -> list[ChangeEvent]:
    if ctx.baseline:
        return []  # the source's first accepted snapshot: no board of it stood before, so none moved
    out = []
    for entity, before, after in _boards(ctx):
        out += _leader(ctx, entity, before, after) + _overtake(ctx, entity, before, after)
    return out
