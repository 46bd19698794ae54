"""Leaderboard events: a new leader on a board/category, and open models overtaking closed ones (or back).

"Before" is the board as it stood just before this observation (facts alive at T-ε: valid_from < T and
valid_to >= T), "after" the board at T. Both come from the history tables, so a backfill inserted between
two known observations compares against its true neighbour, not against the newest state.
"""

from __future__ import annotations

from typing import Any

from warehouse.changes import ChangeEvent, Context, evidence, relation_exists

_BEFORE = "valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)"
_AFTER = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)"


def _touched_scopes(ctx: Context) -> list[tuple[str, str]]:
    diff = ctx.outcome.diff
    scopes = {(c.key["board"], c.key["category"]) for c in diff.added + diff.changed + diff.removed
              if c.table == "leaderboard_score"}
    return sorted(scopes)


def _board(ctx: Context, board: str, category: str, when: str, *, with_openness: bool) -> list[dict[str, Any]]:
    """Scores on one board/category at T (`_AFTER`) or just before it (`_BEFORE`), best first."""
    openness = "coalesce(n.openness, 'unknown')" if with_openness else "NULL"
    join = ("LEFT JOIN v_model_names n ON n.source = s.source AND n.source_model = s.model"
            if with_openness else "")
    rows = ctx.con.execute(
        f"SELECT s.model, s.score, s.organization, s.evidence_sha256, {openness} AS openness "
        f"FROM leaderboard_score s {join} WHERE s.source = ? AND s.board = ? AND s.category = ? "
        f"AND {when.replace('valid_', 's.valid_')} ORDER BY s.score DESC, s.model",
        [ctx.source, board, category, ctx.at, ctx.at],
    ).fetchall()
    names = ("model", "score", "organization", "evidence", "openness")
    return [dict(zip(names, r, strict=True)) for r in rows]


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("evidence", "openness") or (k == "openness" and v)}


def leader_moves(ctx: Context) -> list[ChangeEvent]:
    out = []
    known = relation_exists(ctx.con, "v_model_names")
    for board, category in _touched_scopes(ctx):
        before = _board(ctx, board, category, _BEFORE, with_openness=known)
        after = _board(ctx, board, category, _AFTER, with_openness=known)
        if not before or not after:
            continue  # a board seen for the first time (or emptied) has no leader to lose
        old, new = before[0], after[0]
        top_now = {e["model"] for e in after if e["score"] == new["score"]}
        if old["model"] in top_now:
            continue  # still leading (possibly tied)
        out.append(ChangeEvent(
            "new_leader", f"{board}/{category}", ctx.source, _public(old), _public(new),
            round(new["score"] - old["score"], 4), evidence(new["evidence"], old["evidence"]), ctx.at,
        ))
    return out


def _best(entries: list[dict[str, Any]], closed: bool) -> dict[str, Any] | None:
    for e in entries:
        is_open = str(e["openness"]).startswith("open-")
        if (e["openness"] == "closed") if closed else is_open:
            return e
    return None


def overtakes(ctx: Context) -> list[ChangeEvent]:
    """Best open (any `open-*` class) vs best closed on a board/category; `unknown` models are ignored."""
    if not relation_exists(ctx.con, "v_model_names"):
        return []
    out = []
    for board, category in _touched_scopes(ctx):
        sides = []
        for when in (_BEFORE, _AFTER):
            entries = _board(ctx, board, category, when, with_openness=True)
            sides.append((_best(entries, closed=False), _best(entries, closed=True)))
        (open_b, closed_b), (open_a, closed_a) = sides
        if None in (open_b, closed_b, open_a, closed_a):
            continue
        was_ahead, is_ahead = open_b["score"] > closed_b["score"], open_a["score"] > closed_a["score"]
        if was_ahead == is_ahead:
            continue

        def state(o: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
            return {"open_model": o["model"], "open_score": o["score"], "open_organization": o["organization"],
                    "closed_model": c["model"], "closed_score": c["score"], "closed_organization": c["organization"]}

        out.append(ChangeEvent(
            "open_overtakes_closed" if is_ahead else "closed_overtakes_open", f"{board}/{category}", ctx.source,
            state(open_b, closed_b), state(open_a, closed_a), round(open_a["score"] - closed_a["score"], 4),
            evidence(open_a["evidence"], closed_a["evidence"]), ctx.at,
        ))
    return out
