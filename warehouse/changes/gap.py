"""`gap_threshold`: the open-vs-closed gap of a capability crosses a configured size.

The gap table (`v_gap_by_capability`, from the transforms) is recomputed on every ingest; the detector keeps
the last value it saw per (definition, capability, board) in `change_gap_state` and raises one event per
move that crosses one or more thresholds.
"""

from __future__ import annotations

from warehouse.changes.events import ChangeEvent, Context, evidence


def _crossed(before: float, after: float, thresholds: list[float]) -> list[float]:
    return [t for t in sorted(thresholds) if (before < t) != (after < t)]


def gap_crossings(ctx: Context) -> list[ChangeEvent]:
    if ctx.outcome.status != "ok" or not ctx.has("v_gap_by_capability"):
        return []
    current = ctx.con.execute(
        "SELECT definition, capability, board, gap_abs, best_open_model, best_closed_model, as_of "
        "FROM v_gap_by_capability WHERE gap_abs IS NOT NULL"
    ).fetchall()
    seen = {tuple(r[:3]): r[3] for r in ctx.con.execute(
        "SELECT definition, capability, board, gap_abs FROM change_gap_state").fetchall()}
    out, moved = [], []
    for definition, capability, board, gap, open_model, closed_model, as_of in current:
        previous = seen.get((definition, capability, board))
        if previous is not None and previous == gap:
            continue
        moved.append((definition, capability, board, gap, as_of))
        crossed = _crossed(previous, gap, ctx.settings.gap_thresholds) if previous is not None else []
        if crossed:
            # One event per move, listing every threshold it crossed (a jump past 25 and 50 is one alert).
            after = {"gap_abs": gap, "thresholds": crossed, "best_open_model": open_model,
                     "best_closed_model": closed_model, "as_of": as_of,
                     "direction": "narrowed" if gap < previous else "widened"}
            # The gap is every source's state together: keyed without the source whose ingest happened to
            # recompute it (in a collection, the last one), so the order of sources never changes the event.
            out.append(ChangeEvent("gap_threshold", f"{definition}/{capability}/{board}", None,
                                   {"gap_abs": previous}, after, round(gap - previous, 4),
                                   evidence(*ctx.documents), ctx.at))
    if moved:  # one statement for every moved gap: a first derive records hundreds
        columns = list(zip(*moved, strict=True))
        ctx.con.execute(
            "INSERT INTO change_gap_state SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::DOUBLE[]), unnest(?::TIMESTAMP[]), ?::TIMESTAMP ON CONFLICT DO UPDATE SET "
            "gap_abs = excluded.gap_abs, as_of = excluded.as_of, recorded_at = excluded.recorded_at",
            [*map(list, columns), ctx.at],
        )
    return out
