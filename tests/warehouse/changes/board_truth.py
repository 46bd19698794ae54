"""Every "new leader" and "overtakes" event, checked against its board at its snapshot.

The board is recomputed here from `leaderboard_score` (the rows alive at the event's `observed_at`, and just
before it) and openness from `v_model_names`, not from what the event stored; then the app's sentence and the
alert's title and body are compared with what that board says. Used by the tests on fixture and real histories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from app import format
from app.sentences import sentence
from gapwatch.vocabulary import CLOSED, is_open
from jobs.alerts.messages import StoredEvent, body, load_events, title

BOARD_KINDS = ("new_leader", "open_overtakes_closed", "closed_overtakes_open")
# Arena's style-control boards publish ranks (collectors/leaderboards/lmarena.py): there a smaller score is better.
RANKS = "rank"


@dataclass(frozen=True)
class Entry:
    model: str
    score: float
    openness: str | None

    def on(self, side: str) -> bool:
        return is_open(self.openness, "open-weights") if side == "open" else self.openness == CLOSED


@dataclass(frozen=True)
class Board:
    """One board/category at one time, best first."""

    entries: list[Entry]

    def score(self, model: str) -> float | None:
        return next((e.score for e in self.entries if e.model == model), None)

    def top(self) -> set[str]:
        return {e.model for e in self.entries if e.score == self.entries[0].score} if self.entries else set()

    def best(self, side: str) -> Entry | None:
        return next((e for e in self.entries if e.on(side)), None)

    def leads(self, side: str) -> bool:
        """The best model of `side` beats every model not known to be on it (unknown openness included)."""
        best = self.best(side)
        rivals = [e for e in self.entries if not e.on(side)]
        return best is not None and bool(rivals) and best is self.entries[0] and rivals[0].score != best.score


def board_at(con: duckdb.DuckDBPyConnection, openness: dict[tuple[str, str], str], source: str, entity: str,
             at: datetime, *, before: bool) -> Board:
    name, category = entity.split("/", 1)
    alive = ("valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)" if before
             else "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)")
    rows = con.execute(f"SELECT model, score, score_unit FROM leaderboard_score WHERE source = ? AND board = ? "
                       f"AND category = ? AND {alive}", [source, name, category, at, at]).fetchall()
    lower_better = bool(rows) and all(unit == RANKS for *_, unit in rows)
    rows.sort(key=lambda r: (r[1] if lower_better else -r[1], r[0]))
    return Board([Entry(m, s, openness.get((source, m))) for m, s, _ in rows])


def _label(entity: str) -> str:
    board, _, category = entity.partition("/")
    return f"{board} ({category})"


def _num(value: float | None) -> str:
    return format.num(value, 1)


def _leader_problems(e: StoredEvent, was: Board, now: Board) -> list[str]:
    said = sentence(e.kind, e.entity, e.source, e.magnitude, e.before, e.after)
    leaders = [e.after["model"], *e.after.get("tied_with", [])]
    old = e.before["model"]
    problems = []
    if set(leaders) != now.top():
        problems.append(f"names {leaders} as leading, the board's best score is held by {sorted(now.top())}")
    if old not in was.top():
        problems.append(f"{old} did not lead just before ({sorted(was.top())} did)")
    if old in now.top():
        problems.append(f"{old} still leads")
    verb = f"{' and '.join(leaders)} share the lead on" if len(leaders) > 1 else f"{leaders[0]} leads"
    top, old_was, old_now = now.entries[0].score, was.score(old), now.score(old)
    expected = f"{verb} {_label(e.entity)} with {_num(top)}"
    if old_now is None:
        expected += f"; the previous leader, {old} ({_num(old_was)}), is no longer listed"
    else:
        moved = "" if _num(old_now) == _num(old_was) else f", was {_num(old_was)}"
        expected += f", ahead of the previous leader {old} (now {_num(old_now)}{moved})"
    if said != expected:
        problems.append(f"says {said!r}, the board says {expected!r}")
    alert = f"{leaders[0]} ({top:g}) replaces {old} ({old_was:g} before; " + (
        "no longer listed)." if old_now is None else f"now {old_now:g}).")
    if not body(e).startswith(alert) or not title(e).startswith(f"New leader on {e.entity}: {leaders[0]}"):
        problems.append(f"alert {title(e)!r} / {body(e).splitlines()[0]!r}, the board says {alert!r}")
    return problems


def _overtake_problems(e: StoredEvent, was: Board, now: Board) -> list[str]:
    side, other = ("open", "closed") if e.kind == "open_overtakes_closed" else ("closed", "open")
    ahead, behind = e.after[f"{side}_model"], e.after[f"{other}_model"]
    problems = []
    if not now.leads(side):
        rivals = [(x.model, x.score, x.openness) for x in now.entries if not x.on(side)][:3]
        problems.append(f"the best {side} model does not lead the board: {rivals}")
    if not was.leads(other):
        problems.append(f"the best {other} model did not lead the board just before")
    best_ahead, best_behind = now.best(side), now.best(other)
    if best_ahead is None or best_behind is None:
        return [*problems, f"no {side} or no {other} model on the board"]
    if now.score(ahead) != best_ahead.score or now.score(behind) != best_behind.score:
        problems.append(f"names {ahead} and {behind}, the board's best are {best_ahead} and {best_behind}")
    expected = (f"On {_label(e.entity)} the best {side} model, {ahead} ({_num(best_ahead.score)}), overtook the "
                f"best {other}, {behind} ({_num(best_behind.score)})")
    said = sentence(e.kind, e.entity, e.source, e.magnitude, e.before, e.after)
    if said != expected:
        problems.append(f"says {said!r}, the board says {expected!r}")
    pair = {"open": now.best("open"), "closed": now.best("closed")}
    detail = f"open {pair['open'].model} ({pair['open'].score:g}) vs closed {pair['closed'].model} " \
             f"({pair['closed'].score:g}); before: open"
    if not body(e).startswith(detail):
        problems.append(f"alert says {body(e).splitlines()[0]!r}, the board says {detail!r}…")
    return problems


def untrue_board_events(con: duckdb.DuckDBPyConnection) -> tuple[int, list[str]]:
    """(how many board events were checked, one line per event whose words the board contradicts)."""
    openness = {(s, m): o for s, m, o in con.execute(
        "SELECT source, source_model, openness FROM v_model_names").fetchall()}
    events = load_events(con, "list_contains(?, kind)", [list(BOARD_KINDS)])
    problems = []
    for e in events:
        was = board_at(con, openness, e.source, e.entity, e.observed_at, before=True)
        now = board_at(con, openness, e.source, e.entity, e.observed_at, before=False)
        check = _leader_problems if e.kind == "new_leader" else _overtake_problems
        problems += [f"{e.observed_at:%Y-%m-%d} {e.kind} {e.entity}: {p}" for p in check(e, was, now)]
    return len(events), problems
