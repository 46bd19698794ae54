"""The headline gap: per definition of open and capability, one board's best open vs best closed model.

The candidates are the capability's preferences (`[headline]` in the capability map, stored in
`headline_preference`). A board qualifies when it has at least one current open model (under the definition) and
one current closed model of known openness, and its newest data are within `max_age_days` of `as_of`, the day of
the newest observation in the warehouse (not the wall clock, so a warehouse built by backfill alone gets its
table). Of the qualifying boards, the first in preference order whose newest data are within `lag_days` (the
map's `[headline] lag_days`, default 60) of the freshest qualifying board heads the capability: a preferred board
whose data stopped in December does not answer "today" while another answers with July's. A row whose data are
older than the lag relative to `as_of` is marked `stale` (no fresher board could answer).

A board's newest data are the later of its newest publish date (where it states one) and its last content change.
Among boards one glob matches (`livebench-*`, one board per release), the newest is tried first. A model of
unknown openness scoring between the best open and the best closed model does not blank the row: it gives the gap
of the known sides, names the model, and the gap were it open (`gap_if_unknown_open`) or closed
(`gap_if_unknown_closed`). One that outscores both sides passes the board over (which side leads would be a
guess: a false "open overtakes closed" costs more than a fallback board). A capability with no qualifying board
still gets its row, with NULL scores; the note says which boards were tried
and why each was passed over.

`as_of` of a row is the observation time of the snapshot holding its scores: the latest `valid_from` among the
board's current facts in that capability's category; `data_date` its board's newest data, `age_days` how much
older than `as_of` those are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase

import polars as pl

from gapwatch.vocabulary import CAPABILITIES, CLOSED, DEFINITIONS, open_classes
from warehouse.capabilities import HEADLINE_LAG_DAYS

COLUMNS = {
    "definition": pl.Utf8, "capability": pl.Utf8, "board": pl.Utf8, "best_open_model": pl.Utf8,
    "best_open_score": pl.Float64, "best_closed_model": pl.Utf8, "best_closed_score": pl.Float64,
    "gap_abs": pl.Float64, "gap_rel": pl.Float64, "as_of": pl.Datetime("us"), "note": pl.Utf8,
    "data_date": pl.Date, "age_days": pl.Int32, "stale": pl.Boolean, "unknown_model": pl.Utf8,
    "unknown_score": pl.Float64, "gap_if_unknown_open": pl.Float64, "gap_if_unknown_closed": pl.Float64,
}


def board_freshness(scores: pl.DataFrame) -> dict[str, date]:
    """Each board's newest data: the later of its newest publish date (where it states any) and its last content
    change — a release a board keeps updating in place (LiveBench's current table) is as fresh as its last update."""
    if scores.is_empty():
        return {}
    published = pl.col("publish_date").max() if "publish_date" in scores.columns else pl.lit(None, pl.Date)
    fresh = scores.group_by("board").agg(
        published.alias("published"), pl.col("valid_from").max().dt.date().alias("changed")
    )
    return {r["board"]: max(d for d in (r["published"], r["changed"]) if d is not None)
            for r in fresh.iter_rows(named=True)}


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


Top = tuple[str, float]


def _tops(current: pl.DataFrame) -> tuple[dict[tuple[str, str], dict[str, Top]], dict[tuple[str, str], datetime]]:
    """Each (capability, board)'s top model per openness class (best score, then the first name), and the latest
    `valid_from` of its facts: one sort and two group-bys where a filter and a sort per board, class and
    definition cost ~0.1 ms apiece (~40 ms a derive at 19 sources)."""
    tops: dict[tuple[str, str], dict[str, Top]] = {}
    ranked = current.sort(["score", "model"], descending=[True, False])
    for r in ranked.group_by(["capability", "board", "openness"], maintain_order=True).first().iter_rows(named=True):
        tops.setdefault((r["capability"], r["board"]), {})[r["openness"]] = (r["model"], r["score"])
    latest = current.group_by("capability", "board").agg(pl.col("valid_from").max())
    return tops, {(r[0], r[1]): r[2] for r in latest.iter_rows()}


def _best(tops: dict[str, Top], classes: tuple[str, ...]) -> Top | None:
    """The top of the union of `classes`: the best of each class's top, in the same order (score, then name)."""
    found = [tops[c] for c in classes if c in tops]
    return min(found, key=lambda t: (-t[1], t[0])) if found else None


def _candidates(patterns: list[str], boards: list[str], fresh: dict[str, date]) -> list[tuple[int, str]]:
    """(preference position, board) in the order to try them; a board listed once, at its first pattern."""
    out: list[tuple[int, str]] = []
    for position, pattern in enumerate(patterns, start=1):
        matched = [b for b in boards if fnmatchcase(b.lower(), pattern) and b not in {c for _, c in out}]
        out += [(position, b) for b in sorted(matched, key=lambda b: (fresh.get(b) or date.min, b), reverse=True)]
    return out


def _own(preferences: pl.DataFrame) -> list[str]:
    """Capabilities of the user's own that the map gives [headline] boards (an own one without: no headline)."""
    if preferences.is_empty():
        return []
    return sorted(set(preferences["capability"].to_list()) - set(CAPABILITIES))


def _lag(preferences: pl.DataFrame, capability: str) -> int:
    here = preferences.filter(pl.col("capability") == capability) if not preferences.is_empty() else preferences
    if here.is_empty() or "lag_days" not in here.columns or here["lag_days"].is_null().all():
        return HEADLINE_LAG_DAYS
    return int(here["lag_days"].drop_nulls().max())


@dataclass(frozen=True)
class _Board:
    """One candidate board of a capability, as the rule sees it."""

    position: int
    board: str
    newest: date | None
    best_open: tuple[str, float] | None
    best_closed: tuple[str, float] | None
    unknown: tuple[str, float] | None  # the top model of unknown openness scoring above the best open model
    as_of: datetime | None


def _judge(tops: dict[str, Top], latest: datetime | None, opens: tuple[str, ...], position: int, board: str,
           newest: date | None) -> _Board:
    best_open = _best(tops, opens)
    unknown = _best(tops, ("unknown",))
    if unknown is not None and best_open is not None and unknown[1] <= best_open[1]:
        unknown = None  # below the best open model it changes neither side
    return _Board(position, board, newest, best_open, _best(tops, (CLOSED,)), unknown, latest)


def _row(b: _Board, as_of: date, lag: int, patterns: list[str], note: str) -> dict:
    assert b.best_open is not None and b.best_closed is not None
    (open_model, open_score), (closed_model, closed_score) = b.best_open, b.best_closed
    gap = closed_score - open_score
    age = (as_of - b.newest).days if b.newest else None
    row = {
        "board": b.board, "best_open_model": open_model, "best_open_score": open_score,
        "best_closed_model": closed_model, "best_closed_score": closed_score, "gap_abs": gap,
        "gap_rel": gap / abs(closed_score) if closed_score else None, "as_of": b.as_of,
        "note": f"{b.board} (preference {b.position} of {len(patterns)}), data of {b.newest}: {note}",
        "data_date": b.newest, "age_days": age, "stale": age is not None and age > lag,
    }
    if b.unknown is not None:
        model, score = b.unknown
        row |= {"unknown_model": model, "unknown_score": score,
                # Open, it would be the best open model; closed, the best closed one where it outscores it.
                "gap_if_unknown_open": closed_score - score,
                "gap_if_unknown_closed": max(closed_score, score) - open_score}
        row["note"] += (f"; {model} ({score:g}) outscores the best open model and its openness is unknown: the gap "
                        f"would be {closed_score - score:g} were it open")
    return row


def _reasons(passed: list[tuple[int, str]], too_old: list[tuple[int, str]], max_age_days: int,
             before: int) -> list[str]:
    """Why the candidates tried before index `before` were passed over; those beyond the age limit in one phrase."""
    out = [why for index, why in passed if index < before]
    old = [name for index, name in too_old if index < before]
    if old:
        out.append(f"newest data more than {max_age_days} days old: {', '.join(old)}")
    return out


def gap_headline(scores: pl.DataFrame, scored: pl.DataFrame, preferences: pl.DataFrame, as_of: date,
                 max_age_days: int, fresh: dict[str, date] | None = None) -> pl.DataFrame:
    """One row per (definition, capability) of the six (and of the user's own with [headline] boards).

    Each capability's candidates are its [headline] boards in preference order. A board qualifies when its newest
    data are within `max_age_days` of `as_of` and it has a current open and a current closed model of known
    openness. Among the qualifying boards, the first in preference order whose newest data are within the lag
    (`lag_days`) of the freshest qualifying board heads the capability: a preferred board of December does not
    answer "today" when another board of July can. A model of unknown openness between the two sides does not
    disqualify a board (the row gives the gap of the known sides and the gap were it open or closed); one that
    leads the board does.

    Of `scored` only the (capability, board, category) it compares are read. With `fresh` (`board_freshness`)
    given, `scores` needs only the facts alive at the end of `as_of`.
    """
    if fresh is None:
        fresh = board_freshness(scores.filter(pl.col("capability").is_not_null()))
    tops, latest = _tops(_current(scores, scored, as_of))
    capabilities = (*CAPABILITIES, *_own(preferences))
    # What does not depend on the definition, once per capability.
    patterns_of = {c: (preferences.filter(pl.col("capability") == c).sort("position")["board"].to_list()
                       if not preferences.is_empty() else []) for c in capabilities}
    lag_of = {c: _lag(preferences, c) for c in capabilities}
    boards_of: dict[str, set[str]] = {}
    for capability, board in scored.select("capability", "board").unique().iter_rows():
        boards_of.setdefault(capability, set()).add(board)
    rows = []
    for definition in DEFINITIONS:
        opens = open_classes(definition)
        for capability in capabilities:
            patterns, lag = patterns_of[capability], lag_of[capability]
            boards = sorted(boards_of.get(capability, ()))
            qualifying: list[_Board] = []
            passed: list[tuple[int, str]] = []  # (candidate index, why), to name only boards tried before the chosen
            too_old: list[tuple[int, str]] = []  # beyond the absolute age limit: named together, briefly
            order: dict[str, int] = {}
            for index, (position, board) in enumerate(_candidates(patterns, boards, fresh)):
                order[board] = index
                newest = fresh.get(board)
                if newest is None or (as_of - newest).days > max_age_days:
                    too_old.append((index, f"{board} ({newest})"))
                    continue
                judged = _judge(tops.get((capability, board), {}), latest.get((capability, board)), opens,
                                position, board, newest)
                if judged.best_open is None or judged.best_closed is None:
                    side = "open" if judged.best_open is None else "closed"
                    passed.append((index, f"{board}: no current {side} model of known openness"))
                elif judged.unknown is not None and judged.unknown[1] > max(judged.best_open[1], judged.best_closed[1]):
                    # It would lead the board on either side: which side leads would be a guess.
                    passed.append((index, f"{board}: {judged.unknown[0]} ({judged.unknown[1]:g}) leads the board and "
                                          "its openness is unknown"))
                else:
                    qualifying.append(judged)
            row: dict = {"definition": definition, "capability": capability}
            if qualifying:
                freshest = max(qualifying, key=lambda b: (b.newest, -b.position))
                assert freshest.newest is not None
                at = next(i for i, b in enumerate(qualifying)
                          if b.newest and (freshest.newest - b.newest).days <= lag)
                chosen = qualifying[at]
                # Fresher board first: why a preferred board does not answer "today".
                before = order[chosen.board]
                reasons = [f"{b.board} (data of {b.newest}): {(freshest.newest - b.newest).days} days older than "
                           f"{freshest.board} ({freshest.newest}), more than the {lag}-day lag"
                           for b in qualifying[:at] if b.newest]
                reasons += _reasons(passed, too_old, max_age_days, before)
                note = ("passed over " + "; ".join(reasons)) if reasons else (
                    "its first preference" if chosen.position == 1 else "the boards preferred before it have no scores")
                row |= _row(chosen, as_of, lag, patterns, note)
            else:
                why = "; ".join(_reasons(passed, too_old, max_age_days, len(order))) or (
                    "no board of its [headline] preferences in the capability map has scores"
                    if patterns else "the capability map lists no [headline] boards for it")
                row["note"] = f"no usable board: {why}"
            rows.append(row)
    return pl.DataFrame(rows, schema=COLUMNS)

