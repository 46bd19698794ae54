"""The headline gap: per definition of open and capability, one board's best open vs best closed model.

The board is the first of the capability's preferences (`[headline]` in the capability map, stored in
`headline_preference`) that qualifies: it has at least one current open model (under the definition) and one
current closed model of known openness, no current model of unknown openness outscores the weaker of the two
(it could belong to either side, so the gap would be a guess), and its newest data are within `max_age_days` of
`as_of`, the day of the newest observation in the warehouse (not the wall clock, so a warehouse built by
backfill alone gets its table).
A board's newest data are its newest publish date where the board states one, else its last content change.
Among boards one glob matches (`livebench-*`, one board per release), the newest is tried first. A capability
with no qualifying board still gets its row, with NULL scores; the note says which boards were tried and why
each was passed over.

`as_of` of a row is the observation time of the snapshot holding its scores: the latest `valid_from` among the
board's current facts in that capability's category.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatchcase

import polars as pl

from gapwatch.vocabulary import CAPABILITIES, CLOSED, DEFINITIONS, open_classes

COLUMNS = {
    "definition": pl.Utf8, "capability": pl.Utf8, "board": pl.Utf8, "best_open_model": pl.Utf8,
    "best_open_score": pl.Float64, "best_closed_model": pl.Utf8, "best_closed_score": pl.Float64,
    "gap_abs": pl.Float64, "gap_rel": pl.Float64, "as_of": pl.Datetime("us"), "note": pl.Utf8,
}


def board_freshness(scores: pl.DataFrame) -> dict[str, date]:
    """Each board's newest data: its newest publish date where it states any, else its last content change."""
    if scores.is_empty():
        return {}
    published = pl.col("publish_date").max() if "publish_date" in scores.columns else pl.lit(None, pl.Date)
    fresh = scores.group_by("board").agg(
        published.alias("published"), pl.col("valid_from").max().dt.date().alias("changed")
    )
    return {r["board"]: r["published"] or r["changed"] for r in fresh.iter_rows(named=True)}


def _current(scores: pl.DataFrame, scored: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The facts of each (capability, board)'s compared category alive at the end of `as_of`."""
    primary = scored.select("capability", "board", "category").unique()
    return (
        scores.join(primary, on=["capability", "board", "category"])
        .filter((pl.col("valid_from").dt.date() <= as_of)
                & (pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() > as_of)))
        .select("capability", "board", pl.coalesce("model_id", "model").alias("model"),
                pl.col("openness").fill_null("unknown"), pl.col("score").cast(pl.Float64), "valid_from")
    )


def _best(frame: pl.DataFrame) -> tuple[str, float] | None:
    if frame.is_empty():
        return None
    top = frame.sort(["score", "model"], descending=[True, False]).row(0, named=True)
    return top["model"], top["score"]


def _candidates(patterns: list[str], boards: list[str], fresh: dict[str, date]) -> list[tuple[int, str]]:
    """(preference position, board) in the order to try them; a board listed once, at its first pattern."""
    out: list[tuple[int, str]] = []
    for position, pattern in enumerate(patterns, start=1):
        matched = [b for b in boards if fnmatchcase(b.lower(), pattern) and b not in {c for _, c in out}]
        out += [(position, b) for b in sorted(matched, key=lambda b: (fresh.get(b) or date.min, b), reverse=True)]
    return out


def _why(passed: list[str], stale: list[str], as_of: date, max_age_days: int) -> str:
    """Why the boards before the chosen one were passed over, stale ones named together."""
    parts = list(passed)
    if stale:
        parts.append(f"newest data more than {max_age_days} days before the warehouse's newest observation "
                     f"({as_of}): {', '.join(stale)}")
    return ("passed over " + "; ".join(parts)) if parts else ""


def _own(preferences: pl.DataFrame) -> list[str]:
    """Capabilities of the user's own that the map gives [headline] boards (an own one without: no headline)."""
    if preferences.is_empty():
        return []
    return sorted(set(preferences["capability"].to_list()) - set(CAPABILITIES))


def gap_headline(scores: pl.DataFrame, scored: pl.DataFrame, preferences: pl.DataFrame, as_of: date,
                 max_age_days: int) -> pl.DataFrame:
    """One row per (definition, capability) of the six; see the module docstring for the rule."""
    fresh = board_freshness(scores.filter(pl.col("capability").is_not_null()))
    current = _current(scores, scored, as_of)
    rows = []
    for definition in DEFINITIONS:
        opens = open_classes(definition)
        for capability in (*CAPABILITIES, *_own(preferences)):
            patterns = (preferences.filter(pl.col("capability") == capability).sort("position")["board"].to_list()
                        if not preferences.is_empty() else [])
            here = current.filter(pl.col("capability") == capability)
            boards = sorted(set(scored.filter(pl.col("capability") == capability)["board"].to_list()))
            passed: list[str] = []
            stale: list[str] = []
            row = {"definition": definition, "capability": capability}
            for position, board in _candidates(patterns, boards, fresh):
                facts = here.filter(pl.col("board") == board)
                newest = fresh.get(board)
                age = (as_of - newest).days if newest else None
                best_open = _best(facts.filter(pl.col("openness").is_in(opens)))
                best_closed = _best(facts.filter(pl.col("openness") == CLOSED))
                unknown = _best(facts.filter(pl.col("openness") == "unknown"))
                if age is None or age > max_age_days:
                    stale.append(f"{board} ({newest})")
                elif best_open is None or best_closed is None:
                    side = "open" if best_open is None else "closed"
                    passed.append(f"{board}: no current {side} model of known openness")
                elif unknown is not None and unknown[1] > min(best_open[1], best_closed[1]):
                    # It could belong to either side: the gap would compare whoever happens to be identified.
                    passed.append(f"{board}: {unknown[0]} ({unknown[1]:g}) outscores the best "
                                  f"{'open' if best_open[1] < best_closed[1] else 'closed'} model but its "
                                  "openness is unknown")
                else:
                    gap = best_closed[1] - best_open[1]
                    reason = _why(passed, stale, as_of, max_age_days) or (
                        "its first preference" if position == 1 else "the boards preferred before it have no scores")
                    row |= {
                        "board": board, "best_open_model": best_open[0], "best_open_score": best_open[1],
                        "best_closed_model": best_closed[0], "best_closed_score": best_closed[1], "gap_abs": gap,
                        "gap_rel": gap / abs(best_closed[1]) if best_closed[1] else None,
                        "as_of": facts["valid_from"].max(),
                        "note": f"{board} (preference {position} of {len(patterns)}): {reason}",
                    }
                    break
            else:
                why = _why(passed, stale, as_of, max_age_days) or (
                    "no board of its [headline] preferences in the capability map has scores"
                    if patterns else "the capability map lists no [headline] boards for it")
                row["note"] = f"no usable board: {why}"
            rows.append(row)
    return pl.DataFrame(rows, schema=COLUMNS)
